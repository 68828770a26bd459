"""The state history as people read it: one machine's intervals, and utilization per machine and for the plant.

Utilization of a range (by default today, in the operator's zone), or of the parts of it inside one shift's
occurrences: seconds `iniciada`, `parada`, `desarmada` and `offline`, and availability = running time ÷
planned time, planned being that range (or that shift's time in it) up to now. Time before a machine's
history begins counts in no state, so it lowers availability: planned time is the plant's, not the device's.
Everything is owner-scoped: another user's machine is "not found".
"""
from datetime import timedelta
from zoneinfo import ZoneInfo

from MongoDB.erros import DadosInvalidos
from MongoDB.gerencia_BD import agora_utc

from . import turnos as turnos_
from .historico import data_de_ms, em_ms, recortar

DIAS_HISTORICO = 31
DIAS_UTILIZACAO = 93
LIMITE_INTERVALOS = 5000
ESTADOS = ("iniciada", "parada", "desarmada", "offline")
CAMPOS = tuple(f"{estado}_s" for estado in ESTADOS)


def periodo(desde, ate, fuso, agora, dias_maximos) -> tuple:
    """(desde, ate): by default from the start of that day (today) in `fuso` until now; 400 when reversed or too long."""
    zona = ZoneInfo(fuso)
    ate = ate or agora
    desde = desde or turnos_.dia(turnos_.hoje(ate - timedelta(milliseconds=1), zona), zona)[0]
    if desde >= ate:
        raise DadosInvalidos("desde_depois_de_ate", "desde")
    if ate - desde > timedelta(days=dias_maximos):
        raise DadosInvalidos("intervalo_historico_maximo", "desde", dias=dias_maximos)
    return desde, ate


def intervalos_da_maquina(servicos, maquina_id, usuario_id, fuso, desde=None, ate=None, agora=None) -> list:
    """[{"estado", "inicio", "fim", "motivo"}] of [desde, ate) cut at its edges; the open one has `fim` None."""
    servicos.maquinas.buscar_do_usuario(maquina_id, usuario_id)
    agora = agora or agora_utc()
    desde, ate = periodo(desde, ate, fuso, agora, DIAS_HISTORICO)
    brutos = servicos.historico.intervalos(maquina_id, em_ms(desde), em_ms(ate), LIMITE_INTERVALOS)
    return [{"estado": intervalo["estado"], "inicio": data_de_ms(intervalo["inicio_ms"]),
             "fim": None if intervalo["fim_ms"] is None else data_de_ms(intervalo["fim_ms"]), "motivo": intervalo["motivo"]}
            for intervalo in recortar(brutos, em_ms(desde), em_ms(ate), em_ms(agora))]


def janelas_planejadas(servicos, usuario_id, fuso, desde, ate, turno, agora) -> list:
    """The planned time of [desde, ate) as [(inicio_ms, fim_ms)]: the range, or its parts inside `turno`,
    never past now."""
    ate = min(ate, agora)
    if ate <= desde:
        return []
    if turno is None:
        return [(em_ms(desde), em_ms(ate))]
    escolhido = turnos_.escolher(turnos_.do_usuario(servicos, usuario_id), turno)
    return [(em_ms(inicio), em_ms(fim)) for inicio, fim in turnos_.janelas(escolhido, desde, ate, ZoneInfo(fuso))]


def calcular(servicos, usuario_id, fuso, desde=None, ate=None, turno=None, agora=None) -> dict:
    """{"maquinas": [{"maquina_id", "nome_maquina", "iniciada_s", ..., "disponibilidade"}], "planta": {...}}."""
    agora = agora or agora_utc()
    desde, ate = periodo(desde, ate, fuso, agora, DIAS_UTILIZACAO)
    return de_varias_janelas(servicos, usuario_id, [janelas_planejadas(servicos, usuario_id, fuso, desde, ate, turno, agora)],
                             agora)[0]


def de_varias_janelas(servicos, usuario_id, conjuntos, agora) -> list:
    """The utilization of each set of planned windows in `conjuntos` ([[(inicio_ms, fim_ms)]], each within
    DIAS_UTILIZACAO), reading each machine's history once for all of them (the plant page: a day and its shifts)."""
    todas = [janela for janelas in conjuntos for janela in janelas]
    planejados = [sum(fim - inicio for inicio, fim in janelas) for janelas in conjuntos]
    linhas, plantas = [[] for _ in conjuntos], [dict.fromkeys(ESTADOS, 0) for _ in conjuntos]
    for maquina in servicos.maquinas.listar_do_usuario(usuario_id):
        intervalos = (servicos.historico.intervalos(maquina["id"], min(i for i, _ in todas), max(f for _, f in todas))
                      if todas else [])
        for indice, janelas in enumerate(conjuntos):
            somas = _somar(intervalos, janelas, em_ms(agora))
            for estado in ESTADOS:
                plantas[indice][estado] += somas[estado]
            linhas[indice].append({"maquina_id": maquina["id"], "nome_maquina": maquina["nome_maquina"],
                                   **_totais(somas, planejados[indice])})
    return [{"maquinas": linhas[indice], "planta": _totais(plantas[indice], planejados[indice] * len(linhas[indice]))}
            for indice in range(len(conjuntos))]


def _somar(intervalos, janelas, agora_ms) -> dict:
    """Milliseconds of each state inside the planned windows (both sorted, so one pass each)."""
    somas = dict.fromkeys(ESTADOS, 0)
    for intervalo in intervalos:
        inicio, fim = intervalo["inicio_ms"], intervalo["fim_ms"] if intervalo["fim_ms"] is not None else agora_ms
        for janela_inicio, janela_fim in janelas:
            if janela_inicio >= fim:
                break
            sobreposto = min(fim, janela_fim) - max(inicio, janela_inicio)
            if sobreposto > 0 and intervalo["estado"] in somas:
                somas[intervalo["estado"]] += sobreposto
    return somas


def _totais(somas_ms, planejado_ms) -> dict:
    totais = {f"{estado}_s": round(somas_ms[estado] / 1000, 3) for estado in ESTADOS}
    totais["disponibilidade"] = round(somas_ms["iniciada"] / planejado_ms, 4) if planejado_ms else None
    return totais
