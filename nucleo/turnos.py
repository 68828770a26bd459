"""Shifts: an owner's list, and where each shift and each day falls in time in the operator's zone.

A shift is wall-clock times ("06:00" to "14:00") in the operator's zone (`preferencias.fuso_horario`); one
whose end is not after its start crosses midnight and ends the next day. Each occurrence is turned into UTC
through zoneinfo on its own date, so a shift across a DST change lasts what the clocks on the wall say
(22:00 to 06:00 is 7 h on the night clocks go forward and 9 h on the night they go back).
"""
import re
from datetime import datetime, time, timedelta, timezone

from MongoDB.erros import DadosInvalidos

from . import validacao
from .contrato import TURNOS_PADRAO

HORA = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$", re.ASCII)
TURNOS_MAXIMOS = 8
NOME_MAXIMO = 20
UM_DIA = timedelta(days=1)


def _hora(valor, campo) -> str:
    if not isinstance(valor, str) or not HORA.match(valor):
        raise DadosInvalidos("hora_formato", campo)
    return valor


def validar_turnos(dados) -> list:
    """{"turnos": [{"nome", "inicio", "fim"}]} → the list: 1 to 8 shifts, unique names, HH:MM times."""
    turnos = dados.get("turnos") if isinstance(dados, dict) else None
    if not isinstance(turnos, list) or not 1 <= len(turnos) <= TURNOS_MAXIMOS:
        raise DadosInvalidos("turnos_lista", "turnos", maximo=TURNOS_MAXIMOS)
    validos, nomes = [], set()
    for turno in turnos:
        if not isinstance(turno, dict):
            raise DadosInvalidos("turno_nao_objeto", "turnos")
        nome = validacao.texto(turno.get("nome"), "nome", NOME_MAXIMO)
        if nome.casefold() in nomes:
            raise DadosInvalidos("turno_repetido", "nome")
        inicio, fim = _hora(turno.get("inicio"), "inicio"), _hora(turno.get("fim"), "fim")
        if inicio == fim:
            raise DadosInvalidos("turno_sem_duracao", "fim")
        nomes.add(nome.casefold())
        validos.append({"nome": nome, "inicio": inicio, "fim": fim})
    return validos


def do_usuario(servicos, usuario_id) -> list:
    """The owner's shifts, or the product's three (A, B, C) until they choose theirs."""
    return servicos.usuarios.ajustes_da_planta(usuario_id)["turnos"] or [dict(turno) for turno in TURNOS_PADRAO]


def salvar(servicos, usuario_id, dados) -> list:
    turnos = validar_turnos(dados)
    servicos.usuarios.salvar_ajuste_da_planta(usuario_id, "turnos", turnos)
    return turnos


def escolher(turnos, nome) -> dict:
    """The shift called `nome` (a 400 naming `turno` otherwise)."""
    for turno in turnos:
        if turno["nome"] == nome:
            return turno
    raise DadosInvalidos("campo_um_de", "turno", aceitos=", ".join(turno["nome"] for turno in turnos))


def _no_fuso(data, hora, zona) -> datetime:
    """The wall-clock `hora` ("HH:MM") of local date `data` as aware UTC."""
    horas, minutos = (int(parte) for parte in hora.split(":"))
    return datetime.combine(data, time(horas, minutos), tzinfo=zona).astimezone(timezone.utc)


def dia(data, zona) -> tuple:
    """[start, end) of the local day `data` in UTC (23 or 25 h long on DST days)."""
    return _no_fuso(data, "00:00", zona), _no_fuso(data + UM_DIA, "00:00", zona)


def hoje(agora, zona):
    """Today's local date in `zona`."""
    return agora.astimezone(zona).date()


def ocorrencia(turno, data, zona) -> tuple:
    """[start, end) in UTC of the occurrence of `turno` that starts on local date `data`."""
    cruza = turno["fim"] <= turno["inicio"]
    return _no_fuso(data, turno["inicio"], zona), _no_fuso(data + UM_DIA if cruza else data, turno["fim"], zona)


def janelas(turno, desde, ate, zona) -> list:
    """The parts of [desde, ate) inside the occurrences of `turno`, oldest first."""
    partes, data = [], desde.astimezone(zona).date() - UM_DIA  # yesterday's occurrence may reach into the range
    while data <= ate.astimezone(zona).date():
        inicio, fim = ocorrencia(turno, data, zona)
        inicio, fim = max(inicio, desde), min(fim, ate)
        if fim > inicio:
            partes.append((inicio, fim))
        data += UM_DIA
    return partes
