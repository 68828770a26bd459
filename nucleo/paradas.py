"""Downtimes: the stops longer than PARADA_MINIMA_S, the owner's reasons for them, and the Pareto of reasons.

A stop runs from a machine leaving `iniciada` (for `parada` or `desarmada`) to its next `iniciada`. Offline
time inside it is not downtime (nobody knows whether the machine ran; utilization counts it as offline) and
not part of its duration, but it does not split the stop either: a machine that lost its network while
stopped and came back stopped had one stop. Stops are read from the state history, never stored; one is
named by its machine and the ms it began ("<maquina_id>-<13-digit ms>"), and only the owner's label is
stored under that name (MongoDB/gerencia_paradas.py). Everything is owner-scoped ("not found" otherwise).
"""
import re
from datetime import timedelta

from MongoDB.erros import DadosInvalidos
from MongoDB.gerencia_BD import agora_utc
from MongoDB.gerencia_paradas import ParadaNaoEncontrada
from MongoDB.gerencia_registros import RegistroNaoEncontrado

from . import validacao
from .contrato import ESTADOS_PARADA, MOTIVOS_PARADA_PADRAO
from .historico import data_de_ms, em_ms

# "<maquina_id>-<13-digit start ms>"; ids are handed on in lower case (rotas/conversores.py).
ID_PARADA = re.compile(r"^[0-9a-fA-F]{24}-[0-9]{13}$", re.ASCII)
PERIODO_PADRAO = timedelta(days=7)
DIAS_MAXIMOS = 93
LIMITE_LISTA = 2000
NOTA_MAXIMA = 500
MOTIVOS_MAXIMOS = 30
MOTIVO_MAXIMO = 40


# ---- the owner's list of reasons ---------------------------------------------------------------
def motivos_do_usuario(servicos, usuario_id) -> list:
    return servicos.usuarios.ajustes_da_planta(usuario_id)["motivos_parada"] or list(MOTIVOS_PARADA_PADRAO)


def salvar_motivos(servicos, usuario_id, dados) -> list:
    """{"motivos": [...]}: 1 to 30 distinct reasons of up to 40 characters. Labels already given keep theirs."""
    motivos = dados.get("motivos") if isinstance(dados, dict) else None
    if not isinstance(motivos, list) or not 1 <= len(motivos) <= MOTIVOS_MAXIMOS:
        raise DadosInvalidos("motivos_lista", "motivos", maximo=MOTIVOS_MAXIMOS)
    validos = [validacao.texto(motivo, "motivos", MOTIVO_MAXIMO) for motivo in motivos]
    if len({motivo.casefold() for motivo in validos}) != len(validos):
        raise DadosInvalidos("motivo_repetido", "motivos")
    servicos.usuarios.salvar_ajuste_da_planta(usuario_id, "motivos_parada", validos)
    return validos


# ---- stops, from the history ------------------------------------------------------------------
def paradas_dos_intervalos(intervalos, agora_ms) -> list:
    """The stops in contiguous intervals: {"inicio_ms", "fim_ms" (None: going on), "estado", "desarme", "partes"}."""
    paradas, atual = [], None
    for intervalo in intervalos:
        if intervalo["estado"] in ESTADOS_PARADA:
            if atual is None:
                desarme = ({campo: intervalo.get(campo) for campo in ("motivo", "valor", "limite")}
                           if intervalo["estado"] == "desarmada" else None)
                atual = {"inicio_ms": intervalo["inicio_ms"], "estado": intervalo["estado"], "desarme": desarme,
                         "partes": []}
                paradas.append(atual)
            fim = intervalo["fim_ms"]
            atual["partes"].append((intervalo["inicio_ms"], agora_ms if fim is None else fim))
            atual["fim_ms"] = fim
        elif intervalo["estado"] == "iniciada":
            atual = None
    return paradas


def _duracao_ms(parada, desde_ms=0, ate_ms=None) -> int:
    return sum(max(0, min(fim, ate_ms or fim) - max(inicio, desde_ms)) for inicio, fim in parada["partes"])


def _da_maquina(servicos, maquina, desde_ms, ate_ms, agora_ms) -> list:
    """The machine's stops past the threshold that overlap [desde_ms, ate_ms)."""
    minimo_ms = servicos.cfg.get("PARADA_MINIMA_S", 300) * 1000
    intervalos = servicos.historico.intervalos(maquina["id"], desde_ms, ate_ms, parada_inteira=True)
    return [{**parada, "maquina_id": maquina["id"], "nome_maquina": maquina.get("nome_maquina"),
             "parada_id": f"{maquina['id']}-{parada['inicio_ms']:013d}"}
            for parada in paradas_dos_intervalos(intervalos, agora_ms)
            if _duracao_ms(parada) >= minimo_ms and parada["inicio_ms"] < ate_ms
            and (parada["fim_ms"] is None or parada["fim_ms"] > desde_ms)]


def _periodo(desde, ate, agora):
    ate = ate or agora
    desde = desde or ate - PERIODO_PADRAO
    if desde >= ate:
        raise DadosInvalidos("desde_depois_de_ate", "desde")
    if ate - desde > timedelta(days=DIAS_MAXIMOS):
        raise DadosInvalidos("intervalo_historico_maximo", "desde", dias=DIAS_MAXIMOS)
    return em_ms(desde), em_ms(ate)


def _todas(servicos, usuario_id, maquina_id, desde, ate, agora):
    agora = agora or agora_utc()
    desde_ms, ate_ms = _periodo(desde, ate, agora)
    if maquina_id is not None:
        maquinas = [servicos.maquinas.publico(servicos.maquinas.buscar_do_usuario(maquina_id, usuario_id))]
    else:
        maquinas = servicos.maquinas.listar_do_usuario(usuario_id)
    paradas = [parada for maquina in maquinas for parada in _da_maquina(servicos, maquina, desde_ms, ate_ms, em_ms(agora))]
    return paradas, desde_ms, min(ate_ms, em_ms(agora))


def listar(servicos, usuario_id, maquina_id=None, desde=None, ate=None, agora=None) -> list:
    """The user's stops (of one machine, or all) that overlap [desde, ate) (the last 7 days), newest first."""
    paradas, _, _ = _todas(servicos, usuario_id, maquina_id, desde, ate, agora)
    paradas.sort(key=lambda parada: parada["inicio_ms"], reverse=True)
    paradas = paradas[:LIMITE_LISTA]
    rotulos = servicos.paradas.rotulos([parada["parada_id"] for parada in paradas], usuario_id)
    return [_publica(parada, rotulos.get(parada["parada_id"])) for parada in paradas]


def rotular(servicos, usuario_id, parada_id, dados, agora=None) -> dict:
    """Label one stop of the user's: {"motivo" (from their list, null clears), "nota", "registro_id"}."""
    if not isinstance(parada_id, str) or not ID_PARADA.match(parada_id):
        raise ParadaNaoEncontrada()
    maquina_id, inicio = parada_id.lower().split("-")
    inicio_ms = int(inicio)
    agora = agora or agora_utc()
    maquina = servicos.maquinas.publico(servicos.maquinas.buscar_do_usuario(maquina_id, usuario_id))
    parada = next((parada for parada in _da_maquina(servicos, maquina, inicio_ms, inicio_ms + 1, em_ms(agora))
                   if parada["inicio_ms"] == inicio_ms), None)
    if parada is None:
        raise ParadaNaoEncontrada()
    if not isinstance(dados, dict):
        raise DadosInvalidos("corpo_nao_objeto")
    motivo = dados.get("motivo") or None
    if motivo is not None:
        validacao.um_de(motivo, motivos_do_usuario(servicos, usuario_id), "motivo")
    nota = dados.get("nota") or None
    if nota is not None:
        nota = validacao.texto(nota, "nota", NOTA_MAXIMA)
    registro_id = dados.get("registro_id") or None
    if registro_id is not None and not servicos.registros.e_do_usuario(registro_id, maquina_id, usuario_id):
        raise RegistroNaoEncontrado(campo="registro_id")
    rotulo = servicos.paradas.rotular(parada["parada_id"], maquina_id, usuario_id, motivo, nota, registro_id, agora)
    return _publica(parada, rotulo)


def pareto(servicos, usuario_id, desde=None, ate=None, agora=None) -> dict:
    """Reasons by downtime inside [desde, ate) (the last 7 days), most first, with count and share;
    unlabeled downtime is its own bucket (`motivo` null)."""
    return resumo(servicos, usuario_id, desde, ate, agora)[1]


def resumo(servicos, usuario_id, desde=None, ate=None, agora=None) -> tuple:
    """(the stops still without a reason, newest first; the Pareto) of one read (the plant page)."""
    paradas, desde_ms, ate_ms = _todas(servicos, usuario_id, None, desde, ate, agora)
    rotulos = servicos.paradas.rotulos([parada["parada_id"] for parada in paradas], usuario_id)
    grupos = {}
    for parada in paradas:
        motivo = (rotulos.get(parada["parada_id"]) or {}).get("motivo")
        grupo = grupos.setdefault(motivo, {"motivo": motivo, "total_ms": 0, "contagem": 0})
        grupo["total_ms"] += _duracao_ms(parada, desde_ms, ate_ms)
        grupo["contagem"] += 1
    total_ms = sum(grupo["total_ms"] for grupo in grupos.values())
    motivos = sorted(grupos.values(), key=lambda grupo: (-grupo["total_ms"], grupo["motivo"] is None, grupo["motivo"] or ""))
    # Longest first: the stop that cost most is the one to explain first.
    sem_motivo = sorted((parada for parada in paradas if not (rotulos.get(parada["parada_id"]) or {}).get("motivo")),
                        key=lambda parada: (_duracao_ms(parada), parada["inicio_ms"]), reverse=True)
    return [_publica(parada, rotulos.get(parada["parada_id"])) for parada in sem_motivo[:LIMITE_LISTA]], {
        "total_s": round(total_ms / 1000, 3),
        "motivos": [{"motivo": grupo["motivo"], "total_s": round(grupo["total_ms"] / 1000, 3),
                     "contagem": grupo["contagem"],
                     "fracao": round(grupo["total_ms"] / total_ms, 4) if total_ms else 0.0} for grupo in motivos]}


def _publica(parada, rotulo) -> dict:
    rotulo = rotulo or {}
    return {"parada_id": parada["parada_id"], "maquina_id": parada["maquina_id"], "nome_maquina": parada["nome_maquina"],
            "estado": parada["estado"], "desarme": parada["desarme"], "inicio": data_de_ms(parada["inicio_ms"]),
            "fim": None if parada["fim_ms"] is None else data_de_ms(parada["fim_ms"]),
            "duracao_s": round(_duracao_ms(parada) / 1000, 3), "motivo": rotulo.get("motivo"),
            "nota": rotulo.get("nota"), "registro_id": rotulo.get("registro_id")}
