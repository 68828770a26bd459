"""What an MQTT message means: a plain function of (topic, payload, services), no broker needed.

Topics: databutcher/<maquina_id>/status      {"state": "iniciada"|"parada"|"online"|"offline"}
        databutcher/<maquina_id>/telemetria  a reading (as in POST /api/sensor-data) or a list of them
        databutcher/<maquina_id>/comandos    published by the server (see rotas.mqtt)
Anything malformed is logged, counted and dropped; nothing here raises.
"""
import json
import logging

from bson import ObjectId

from MongoDB.erros import ErroDominio
from MongoDB.ingestao import FilaCheia

log = logging.getLogger(__name__)

PREFIXO = "databutcher"
ESTADOS_ACEITOS = {"iniciada", "parada", "online", "offline"}
COMANDOS = {"start", "stop", "reset"}
LOTE_MAXIMO = 100
PAYLOAD_MAXIMO = 64 * 1024


def topico(maquina_id, tipo) -> str:
    """databutcher/<maquina_id>/<tipo>; tipo is status, telemetria or comandos."""
    return f"{PREFIXO}/{maquina_id}/{tipo}"


def topicos_assinados(grupo_compartilhado=None) -> list:
    """The server's subscriptions; `$share/<grupo>/` splits them among several processes."""
    topicos = [topico("+", "status"), topico("+", "telemetria")]
    if grupo_compartilhado:
        topicos = [f"$share/{grupo_compartilhado}/{t}" for t in topicos]
    return topicos


def _descartar(contadores, motivo, topico_recebido, detalhe=""):
    contadores.contar("descartadas")
    contadores.contar(f"descartadas_{motivo}")
    log.warning("MQTT descartada (%s) em %r %s", motivo, topico_recebido[:200], detalhe)
    return f"descartada:{motivo}"


def _ler_topico(topico_recebido):
    partes = topico_recebido.split("/")
    if len(partes) != 3 or partes[0] != PREFIXO or partes[2] not in {"status", "telemetria"}:
        return None, None
    if not ObjectId.is_valid(partes[1]) or len(partes[1]) != 24:
        return None, None
    return partes[1].lower(), partes[2]


def _ler_payload(payload):
    if len(payload) > PAYLOAD_MAXIMO:
        raise ValueError("payload grande demais")
    texto = payload.decode("utf-8")
    if texto.strip() in ESTADOS_ACEITOS:  # a bare Last Will such as `offline`
        return {"state": texto.strip()}
    return json.loads(texto)


def processar_mensagem(topico_recebido, payload, servicos, contadores) -> str:
    """Apply one message to the database; returns what happened (for logs and tests)."""
    maquina_id, tipo = _ler_topico(topico_recebido)
    if maquina_id is None:
        return _descartar(contadores, "topico", topico_recebido)
    try:
        dados = _ler_payload(payload)
    except (ValueError, UnicodeDecodeError) as erro:
        return _descartar(contadores, "payload", topico_recebido, type(erro).__name__)
    if not servicos.maquina_existe(maquina_id):
        return _descartar(contadores, "maquina_desconhecida", topico_recebido)
    if tipo == "status":
        return _processar_estado(maquina_id, dados, servicos, contadores, topico_recebido)
    return _processar_telemetria(maquina_id, dados, servicos, contadores, topico_recebido)


def _processar_estado(maquina_id, dados, servicos, contadores, topico_recebido):
    estado = dados.get("state") if isinstance(dados, dict) else None
    if estado not in ESTADOS_ACEITOS:
        return _descartar(contadores, "estado", topico_recebido, repr(estado)[:40])
    try:
        servicos.enfileirar_estado(maquina_id, estado)
    except FilaCheia:
        return _descartar(contadores, "fila_cheia", topico_recebido)
    contadores.contar("estados")
    return f"estado:{estado}"


def _processar_telemetria(maquina_id, dados, servicos, contadores, topico_recebido):
    leituras = dados if isinstance(dados, list) else [dados]
    if not 1 <= len(leituras) <= LOTE_MAXIMO:
        return _descartar(contadores, "lote", topico_recebido, f"{len(leituras)} leituras")
    aceitas = 0
    for leitura in leituras:
        try:
            servicos.enfileirar_leitura(maquina_id, leitura)
        except FilaCheia:
            _descartar(contadores, "fila_cheia", topico_recebido)
            continue
        except ErroDominio as erro:
            _descartar(contadores, "leitura", topico_recebido, erro.mensagem)
            continue
        aceitas += 1
    contadores.contar("leituras", aceitas)
    return f"telemetria:{aceitas}"
