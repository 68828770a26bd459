"""What an MQTT message means: a plain function of (topic, payload, services), no broker needed.

Runs on paho's network thread, so it never touches the database: it parses, validates and queues.
Readings go through the same entry as HTTP (nucleo.leituras.receber), so a batch keeps its good
readings. Anything malformed is logged, counted and dropped; nothing here raises.

It returns (what happened, the queued Pedido or None). With a Pedido the caller acknowledges the
message once `ao_concluir` reports it stored; with None there is nothing to wait for.
"""
import logging

from MongoDB.erros import DadosInvalidos
from MongoDB.gerencia_BD import agora_utc
from nucleo import leituras
from nucleo.gravador import FilaCheia
from nucleo.validacao import maquina_id as validar_maquina_id
from nucleo.validacao import validar_estado

from .contrato import ler_payload, ler_topico

log = logging.getLogger(__name__)

NAO_CONFIRMAR = "nao_confirmar"  # the reason a message is left unacknowledged: the broker will deliver it again


def _descartar(contadores, motivo, topico_recebido, detalhe=""):
    contadores.contar("descartadas")
    contadores.contar(f"descartadas_{motivo}")
    log.warning("MQTT descartada (%s) em %r %s", motivo, topico_recebido[:200], detalhe)
    return f"descartada:{motivo}", None


def processar_mensagem(topico_recebido, payload, servicos, ao_concluir=None):
    """Queue what one message carries; returns (what happened, Pedido or None)."""
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
    try:
        if tipo == "status":
            return _processar_estado(servicos, maquina_id, dados, topico_recebido, ao_concluir)
        return _processar_telemetria(servicos, maquina_id, dados, topico_recebido, ao_concluir)
    except FilaCheia:
        contadores.contar("fila_cheia_mqtt")
        return NAO_CONFIRMAR, None


def _processar_estado(servicos, maquina_id, dados, topico_recebido, ao_concluir):
    recebido_em = agora_utc()
    try:
        status = validar_estado(dados, recebido_em)
    except DadosInvalidos as erro:
        # Only the key and field are shown: repr() of a list nested hundreds deep overflows the stack.
        return _descartar(servicos.contadores, "estado", topico_recebido, f"{erro.campo}: {erro.chave}")
    pedido = leituras.receber_estado(servicos, maquina_id, status, ao_concluir, recebido_em)
    servicos.contadores.contar("estados")
    return f"estado:{status['estado']}", pedido


def _processar_telemetria(servicos, maquina_id, dados, topico_recebido, ao_concluir):
    try:
        recepcao = leituras.receber(servicos, maquina_id, dados, ao_concluir or _sem_retorno)
    except DadosInvalidos as erro:
        return _descartar(servicos.contadores, "lote", topico_recebido, erro.chave)
    for posicao, erro in recepcao.recusadas:
        _descartar(servicos.contadores, "leitura", topico_recebido, f"[{posicao}] {erro}")
    aceitas = recepcao.total - len(recepcao.recusadas)
    servicos.contadores.contar("leituras", aceitas)
    return f"telemetria:{aceitas}", recepcao.pedido


def _sem_retorno(pedido):
    """A caller that does not acknowledge (tests, tools) still never waits."""
