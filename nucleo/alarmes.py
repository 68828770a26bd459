"""Alarm use cases for the API, the pages and the console: rules, the alarms list, acknowledging, trying a rule.

The engine that raises and clears alarms is nucleo/motor_alarmes.py; here is what people do with them.
Everything is owner-scoped: another user's machine or alarm is "not found".
"""
from datetime import timedelta

from MongoDB.erros import DadosInvalidos
from MongoDB.gerencia_alarmes import ATIVO, NORMALIZADO
from MongoDB.gerencia_BD import agora_utc

from . import regras as regras_
from . import validacao
from .contrato import REGRAS_PADRAO, SEVERIDADES

NOTA_MAXIMA = 500
PERIODO_PADRAO = timedelta(days=7)
PERIODO_MAXIMO = timedelta(days=400)
JANELAS_PREVIA = (("24h", timedelta(hours=24)), ("7d", timedelta(days=7)))
MINUTO_S = 60


# ---- rules -------------------------------------------------------------------------------------
def regras_da_maquina(servicos, maquina_id, usuario_id) -> dict:
    """The rules the machine is judged against, and where they come from: its own, its model's, the product's."""
    doc = servicos.maquinas.buscar_do_usuario(maquina_id, usuario_id)
    if doc.get("regras_alarme") is not None:
        origem = "maquina"
    elif servicos.modelos.regras(doc["fabricante"], doc["modelo"]) is not None:
        origem = "modelo"
    else:
        origem = "padrao"
    return {"regras": servicos.motor_alarmes.regras_da_maquina(doc), "origem": origem,
            "zonas_vibracao": list(servicos.motor_alarmes.zonas(doc))}


def definir_regras(servicos, maquina_id, usuario_id, dados) -> dict:
    """Replace the machine's own rules (`{"regras": [...]}`); `null` returns it to its model's defaults."""
    if not isinstance(dados, dict) or "regras" not in dados:
        raise DadosInvalidos("campo_obrigatorio", "regras")
    novas = None if dados["regras"] is None else regras_.validar_regras(dados["regras"])
    servicos.maquinas.ajustar(maquina_id, usuario_id, {"regras_alarme": novas})
    servicos.motor_alarmes.esquecer(maquina_id)
    return regras_da_maquina(servicos, maquina_id, usuario_id)


def definir_regras_do_modelo(servicos, dados) -> dict:
    """Admins: the default rules of a manufacturer/model (`{"fabricante", "modelo", "regras"}`)."""
    if not isinstance(dados, dict):
        raise DadosInvalidos("corpo_nao_objeto")
    fabricante = validacao.texto(dados.get("fabricante"), "fabricante", 80)
    modelo = validacao.texto(dados.get("modelo"), "modelo", 80)
    novas = regras_.validar_regras(dados.get("regras"))
    servicos.modelos.definir_regras(fabricante, modelo, novas)
    for maquina in servicos.maquinas.listar_todas():
        servicos.motor_alarmes.esquecer(maquina["id"])
    return {"fabricante": fabricante, "modelo": modelo, "regras": novas}


# ---- alarms ----------------------------------------------------------------------------------------
def listar(servicos, usuario_id, maquina_id=None, estado=None, severidade=None, desde=None, ate=None) -> list:
    """The user's alarms that started in [desde, ate] (the last 7 days by default), newest first, filtered."""
    if maquina_id is not None:
        servicos.maquinas.buscar_do_usuario(maquina_id, usuario_id)
    if estado is not None:
        validacao.um_de(estado, (ATIVO, NORMALIZADO), "estado")
    if severidade is not None:
        validacao.um_de(severidade, SEVERIDADES, "severidade")
    ate = ate or agora_utc()
    desde = desde or ate - PERIODO_PADRAO
    if desde > ate:
        raise DadosInvalidos("desde_depois_de_ate", "desde")
    if ate - desde > PERIODO_MAXIMO:
        raise DadosInvalidos("intervalo_grafico_maximo", "desde", dias=PERIODO_MAXIMO.days)
    if maquina_id is None:
        docs = servicos.alarmes.listar_do_usuario(usuario_id, desde, ate)
    else:  # its own index range: one busy machine's alarms are never cut off by the others'
        docs = reversed(servicos.alarmes.da_maquina(maquina_id, desde, ate))
    return [servicos.alarmes.publico(doc) for doc in docs
            if doc["usuario_id"] == usuario_id
            and (estado is None or doc["estado"] == estado)
            and (severidade is None or doc["severidade"] == severidade)]


def reconhecer(servicos, alarme_id, usuario_id, dados) -> dict:
    """Acknowledge one of the user's alarms, with an optional note."""
    nota = dados.get("nota") if isinstance(dados, dict) else None
    nota = None if nota in (None, "") else validacao.texto(nota, "nota", NOTA_MAXIMA)
    doc = servicos.alarmes.reconhecer(alarme_id, usuario_id, nota, agora_utc())
    return servicos.alarmes.publico(doc)


def abertos_por_maquina(servicos, usuario_id) -> dict:
    """{maquina_id: [open alarms, most severe first]} of the user (one query: the dashboard's)."""
    por_maquina = {}
    for doc in servicos.alarmes.abertos_do_usuario(usuario_id):
        por_maquina.setdefault(doc["maquina_id"], []).append(servicos.alarmes.publico(doc))
    for lista in por_maquina.values():
        lista.sort(key=lambda alarme: (alarme["estado"] != ATIVO, SEVERIDADES.index(alarme["severidade"]), alarme["inicio"]))
    return por_maquina


# ---- trying a rule before saving it ---------------------------------------------------------------
def previa(servicos, maquina_id, usuario_id, dados, agora=None) -> dict:
    """What `dados` (one rule) would have done over the last 24 h and 7 days of this machine's minute rollups.

    Each minute bucket is judged by its extreme (the max for an upper limit, the min for a lower one),
    so a spike is never averaged away: a bucket past the limit counts as a whole minute out (and all its
    readings as in a row), one back past the hysteresis margin clears. A missing minute (silence) ends a
    streak. It is an estimate from the rollups, not a replay of every reading.
    """
    servicos.maquinas.buscar_do_usuario(maquina_id, usuario_id)
    regra = regras_.validar_regra(dados)
    agora = agora or agora_utc()
    inicio = agora - JANELAS_PREVIA[-1][1]
    baldes = list(servicos.agregados.baldes_minuto(maquina_id, inicio, agora))
    return {nome: _simular(regra, [b for b in baldes if b[0] >= _ms(agora - janela)]) for nome, janela in JANELAS_PREVIA}


def _simular(regra, baldes) -> dict:
    """Replay `regra` over minute buckets [(start ms, readings, {sensor: (sum, min, max)})]."""
    alarmes, ativo_s = 0, 0
    for cond in regras_.condicoes([regra], (float("inf"),) * 3)[:-2]:  # the rule's own limits, not the zones
        estado = {"fora_desde_ms": None, "contagem": 0, "ativo": 0, "ts_ms": 0}
        fim_anterior_ms = None
        for inicio_ms, n, valores in baldes:
            if fim_anterior_ms is not None and inicio_ms > fim_anterior_ms + 1 and not estado["ativo"]:
                estado.update(fora_desde_ms=None, contagem=0)  # a silent minute ends a streak
            _, minimo, maximo = valores[cond.sensor]
            extremo = maximo if cond.acima else minimo
            # The bucket as samples of its extreme: each reading for a count rule, its two ends otherwise.
            amostras = max(1, n) if cond.leituras_seguidas else 2
            for k in range(amostras):
                ts_ms = inicio_ms + (MINUTO_S * 1000 - 1) * k // max(1, amostras - 1)
                if regras_.julgar(estado, cond, extremo, ts_ms) == regras_.ATIVAR:
                    alarmes += 1
            ativo_s += MINUTO_S if estado["ativo"] else 0
            fim_anterior_ms = inicio_ms + MINUTO_S * 1000 - 1
    return {"alarmes": alarmes, "ativo_s": ativo_s}


def _ms(momento) -> int:
    return int(momento.timestamp() * 1000)


def regras_padrao() -> list:
    return [dict(regra) for regra in REGRAS_PADRAO]
