"""What an MQTT message means: a plain function of (topic, payload, services), no broker needed.

Anything malformed is logged, counted and dropped; nothing here raises. Readings go through
the same entry as HTTP (nucleo.leituras.receber), so a batch keeps its good readings.
"""
import logging

from MongoDB.erros import DadosInvalidos
from nucleo import leituras
from nucleo.contrato import ESTADOS_ACEITOS
from nucleo.gravador import FilaCheia
from nucleo.validacao import maquina_id as validar_maquina_id

from .contrato import ler_payload, ler_topico

log = logging.getLogger(__name__)


def _descartar(contadores, motivo, topico_recebido, detalhe="", quantidade=1):
    contadores.contar("descartadas", quantidade)
    contadores.contar(f"descartadas_{motivo}", quantidade)
    log.warning("MQTT descartada (%s) em %r %s", motivo, topico_recebido[:200], detalhe)
    return f"descartada:{motivo}"


def processar_mensagem(topico_recebido, payload, servicos) -> str:
    """Apply one message; returns what happened (for logs and tests)."""
    contadores = servicos.contadores
    maquina_id, tipo = ler_topico(topico_recebido)
    try:
        maquina_id = validar_maquina_id(maquina_id)
    except DadosInvalidos:
        return _descartar(contadores, "topico", topico_recebido)
    try:
        dados = ler_payload(payload)
    except ValueError as erro:
        return _descartar(contadores, "payload", topico_recebido, type(erro).__name__)
    if not servicos.maquina_existe(maquina_id):
        return _descartar(contadores, "maquina_desconhecida", topico_recebido)
    if tipo == "status":
        return _processar_estado(servicos, maquina_id, dados, topico_recebido)
    return _processar_telemetria(servicos, maquina_id, dados, topico_recebido)


def _processar_estado(servicos, maquina_id, dados, topico_recebido):
    estado = dados.get("state") if isinstance(dados, dict) else None
    if not isinstance(estado, str) or estado not in ESTADOS_ACEITOS:
        # Only plain values are shown: repr() of a list nested hundreds deep overflows the stack.
        detalhe = repr(estado)[:40] if isinstance(estado, (str, int, float, type(None))) else type(estado).__name__
        return _descartar(servicos.contadores, "estado", topico_recebido, detalhe)
    try:
        leituras.receber_estado(servicos, maquina_id, estado)
    except FilaCheia:
        return _descartar(servicos.contadores, "fila_cheia", topico_recebido)
    servicos.contadores.contar("estados")
    return f"estado:{estado}"


def _processar_telemetria(servicos, maquina_id, dados, topico_recebido):
    try:
        recepcao = leituras.receber(servicos, maquina_id, dados)
    except DadosInvalidos as erro:
        return _descartar(servicos.contadores, "lote", topico_recebido, erro.chave)
    except FilaCheia:
        return _descartar(servicos.contadores, "fila_cheia", topico_recebido)
    for posicao, erro in recepcao.recusadas:
        _descartar(servicos.contadores, "leitura", topico_recebido, f"[{posicao}] {erro}")
    aceitas = recepcao.total - len(recepcao.recusadas)
    servicos.contadores.contar("leituras", aceitas)
    return f"telemetria:{aceitas}"
