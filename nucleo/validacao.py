"""Validation of everything that enters the product, once, at the edge: HTTP, MQTT and the console.

A reading is accepted or refused the same way whichever path it took; each refusal is a
`DadosInvalidos` naming the field, with a text key (nucleo/mensagens.py words it).
"""
import math
import re
from datetime import datetime, timedelta, timezone

from MongoDB.erros import DadosInvalidos
from MongoDB.gerencia_BD import agora_utc

from .contrato import ESTADOS_ACEITOS, LIMITES_PARTIDA_PADRAO, LIMITES_SENSORES, MAXIMO_SEQUENCIA, MOTIVOS_DESARME

# A device clock may drift, but not into next week nor before the plant had devices.
TOLERANCIA_FUTURO = timedelta(minutes=5)
ANO_MINIMO = 2000
ID_MAQUINA = re.compile(r"^[0-9a-fA-F]{24}$")
EPOCA_MS_MAXIMA = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z, the last instant a datetime holds
# A trip reason as devices write it (nucleo/contrato.py MOTIVOS_DESARME lists the known ones).
MOTIVO_DESARME = re.compile(r"^[a-z0-9_]{1,64}$", re.ASCII)
# Values of a trip whose reason names no known sensor: any finite number this size.
VALOR_DESARME_MAXIMO = 1e9
# Python turns a 400-digit JSON integer into an int happily, and float() of it overflows.
DIGITOS_MAXIMOS = 30


def maquina_id(valor, campo="maquina_id") -> str:
    """The canonical (lower-case) 24-hex id of a machine, from a URL, a body, a topic or the console."""
    if not isinstance(valor, str) or not ID_MAQUINA.match(valor):
        raise DadosInvalidos("identificador_invalido", campo)
    return valor.lower()


def numero(valor, campo, minimo=None, maximo=None) -> float:
    """`valor` as float if it is a finite JSON number within [minimo, maximo]."""
    if isinstance(valor, bool) or not isinstance(valor, (int, float)):
        raise DadosInvalidos("campo_numerico", campo)
    if isinstance(valor, int) and len(str(abs(valor))) > DIGITOS_MAXIMOS:
        raise DadosInvalidos("campo_finito", campo)
    if not math.isfinite(valor):
        raise DadosInvalidos("campo_finito", campo)
    if (minimo is not None and valor < minimo) or (maximo is not None and valor > maximo):
        raise DadosInvalidos("campo_fora_da_faixa", campo, minimo=minimo, maximo=maximo)
    return float(valor)


def inteiro(valor, campo, minimo, maximo) -> int:
    """A whole JSON number within [minimo, maximo] (booleans and 1.5 refused)."""
    if isinstance(valor, bool) or not isinstance(valor, int) or not minimo <= valor <= maximo:
        raise DadosInvalidos("campo_inteiro", campo, minimo=minimo, maximo=maximo)
    return valor


def texto(valor, campo, maximo, minimo=1) -> str:
    """A stripped string of bounded length; operator objects and numbers are refused."""
    if valor is None:
        raise DadosInvalidos("campo_obrigatorio", campo)
    if not isinstance(valor, str):
        raise DadosInvalidos("campo_texto", campo)
    valor = valor.strip()
    if len(valor) < minimo:
        raise DadosInvalidos("campo_obrigatorio", campo)
    if len(valor) > maximo:
        raise DadosInvalidos("campo_longo", campo, maximo=maximo)
    return valor


def um_de(valor, aceitos, campo):
    """`valor` if it is one of `aceitos` (any JSON type may arrive: lists and objects are refused too)."""
    if not isinstance(valor, str) or valor not in aceitos:
        raise DadosInvalidos("campo_um_de", campo, aceitos=", ".join(sorted(aceitos)))
    return valor


def instante(valor, campo="ts", agora=None, limitar_futuro=True) -> datetime:
    """A time (epoch milliseconds or ISO 8601 with offset) as aware UTC, within what a datetime holds."""
    agora = agora or agora_utc()
    if isinstance(valor, str):
        try:
            momento = datetime.fromisoformat(valor.replace("Z", "+00:00"))
        except ValueError:
            raise DadosInvalidos("instante_formato", campo) from None
        if momento.tzinfo is None:
            raise DadosInvalidos("instante_sem_fuso", campo)
        try:
            momento = momento.astimezone(timezone.utc)
        except OverflowError:
            # An instant that only exists in another zone: 0001-01-01T00:00+14:00 is before year 1 in UTC.
            raise DadosInvalidos("instante_fora_do_alcance", campo) from None
    else:
        milissegundos = numero(valor, campo)
        if not 0 <= milissegundos <= EPOCA_MS_MAXIMA:
            raise DadosInvalidos("instante_fora_do_alcance", campo)
        momento = datetime.fromtimestamp(milissegundos / 1000, timezone.utc)
    if limitar_futuro and momento > agora + TOLERANCIA_FUTURO:
        raise DadosInvalidos("instante_futuro", campo)
    if momento.year < ANO_MINIMO:
        raise DadosInvalidos("instante_antigo", campo, ano=ANO_MINIMO)
    # BSON dates keep milliseconds; truncate now so the stored and returned values agree.
    return momento.replace(microsecond=momento.microsecond // 1000 * 1000)


def validar_leitura(dados, agora=None) -> dict:
    """One telemetry reading as {'dados_sensor', 'ts', 'seq'}, ready to queue."""
    if not isinstance(dados, dict):
        raise DadosInvalidos("leitura_nao_objeto")
    sensores = {}
    for campo, (minimo, maximo) in LIMITES_SENSORES.items():
        if campo not in dados:
            raise DadosInvalidos("campo_obrigatorio", campo)
        sensores[campo] = numero(dados[campo], campo, minimo, maximo)
    leitura = {"dados_sensor": sensores, "ts": None, "seq": None}
    if dados.get("ts") is not None:
        leitura["ts"] = instante(dados["ts"], "ts", agora)
    if dados.get("seq") is not None:
        leitura["seq"] = inteiro(dados["seq"], "seq", 0, MAXIMO_SEQUENCIA)
    return leitura


def validar_limites_partida(dados) -> dict:
    """Per-machine start limits: [min, max] inside the default ranges (the firmware enforces those too)."""
    if not isinstance(dados, dict) or not dados:
        raise DadosInvalidos("limites_vazios")
    limites = {}
    for campo, faixa in dados.items():
        if campo not in LIMITES_PARTIDA_PADRAO:
            raise DadosInvalidos("limite_desconhecido", campo)
        padrao_min, padrao_max = LIMITES_PARTIDA_PADRAO[campo]
        if not isinstance(faixa, list) or len(faixa) != 2:
            raise DadosInvalidos("limite_formato", campo)
        minimo, maximo = (numero(valor, campo, padrao_min, padrao_max) for valor in faixa)
        if minimo > maximo:
            raise DadosInvalidos("limite_invertido", campo)
        limites[campo] = [minimo, maximo]
    return limites


def validar_parametros_partida(dados, limites=None) -> dict:
    """Start parameters within the machine's limits (the defaults when it has none)."""
    if not isinstance(dados, dict):
        raise DadosInvalidos("parametros_nao_objeto")
    parametros = {}
    for campo, (minimo, maximo) in (limites or LIMITES_PARTIDA_PADRAO).items():
        if campo not in dados:
            raise DadosInvalidos("campo_obrigatorio", campo)
        parametros[campo] = numero(dados[campo], campo, minimo, maximo)
    return parametros


def validar_estado(dados, agora=None) -> dict:
    """A status payload as {'estado', 'ts', 'motivo', 'valor', 'limite', 'parametros'}, ready to queue.

    `desarmada` needs its `motivo`; `valor` and `limite` are the reading that tripped it and the limit it
    passed (within the physical bounds of the reason's sensor). `parametros` are what the machine runs
    with, inside the default start ranges the firmware enforces. Other keys are ignored, as in readings.
    """
    if not isinstance(dados, dict):
        raise DadosInvalidos("corpo_nao_objeto", "state")
    estado = um_de(dados.get("state"), ESTADOS_ACEITOS, "state")
    status = {"estado": estado, "ts": None, "motivo": None, "valor": None, "limite": None, "parametros": None}
    if dados.get("ts") is not None:
        status["ts"] = instante(dados["ts"], "ts", agora)
    if estado == "desarmada":
        motivo = dados.get("motivo")
        if not isinstance(motivo, str) or not MOTIVO_DESARME.match(motivo):
            raise DadosInvalidos("motivo_desarme", "motivo")
        faixa = LIMITES_SENSORES.get(MOTIVOS_DESARME.get(motivo), (-VALOR_DESARME_MAXIMO, VALOR_DESARME_MAXIMO))
        status["motivo"] = motivo
        for campo in ("valor", "limite"):
            if dados.get(campo) is not None:
                status[campo] = numero(dados[campo], campo, *faixa)
    if dados.get("parametros") is not None:
        if not isinstance(dados["parametros"], dict):
            raise DadosInvalidos("parametros_nao_objeto", "parametros")
        status["parametros"] = {campo: numero(dados["parametros"][campo], campo, minimo, maximo)
                                for campo, (minimo, maximo) in LIMITES_PARTIDA_PADRAO.items()
                                if dados["parametros"].get(campo) is not None}
    return status
