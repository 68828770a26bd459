"""Receiving readings: the one entry for an HTTP reading, an HTTP batch and an MQTT message.

The batch rule, the same on every path: 1 to LOTE_MAXIMO readings, each validated on its own;
the good ones are stored, the bad ones are refused by position with the field at fault.
A single reading is a batch of one.
"""
from dataclasses import dataclass, field

from MongoDB.erros import DadosInvalidos
from MongoDB.gerencia_BD import agora_utc

from .contrato import LOTE_MAXIMO
from .gravador import BancoIndisponivel, Pedido
from .validacao import validar_leitura


@dataclass
class Recepcao:
    """What became of a payload: the queued `pedido` (None when nothing was valid) and the refusals."""

    total: int
    pedido: Pedido = None
    recusadas: list = field(default_factory=list)  # [(posição, DadosInvalidos)]

    def aguardar(self) -> list:
        """[(id, duplicada)] of the accepted readings once stored (HTTP waits; MQTT uses ao_concluir)."""
        return self.pedido.aguardar() if self.pedido is not None else []


def receber(servicos, maquina_id, carga, ao_concluir=None) -> Recepcao:
    """Validate a reading (dict) or a batch (list) of `maquina_id` and queue the good ones.

    Raises DadosInvalidos (campo "leituras") only when the batch itself is malformed, FilaCheia
    when the writer cannot take it, and BancoIndisponivel, at once, to a caller that would wait
    (no `ao_concluir`) while the database is unreachable.
    """
    if ao_concluir is None and not servicos.gravador.banco_disponivel.is_set():
        raise BancoIndisponivel()
    lote = carga if isinstance(carga, list) else [carga]
    if not 1 <= len(lote) <= LOTE_MAXIMO:
        raise DadosInvalidos("lote_tamanho", "leituras", maximo=LOTE_MAXIMO)
    recebido_em = agora_utc()
    validas, recepcao = [], Recepcao(total=len(lote))
    for posicao, dados in enumerate(lote):
        try:
            validas.append(validar_leitura(dados, recebido_em))
        except DadosInvalidos as erro:
            recepcao.recusadas.append((posicao, erro))
    if recepcao.recusadas:
        servicos.contadores.contar("recusadas", len(recepcao.recusadas))
    if validas:
        recepcao.pedido = servicos.gravador.enfileirar(
            Pedido(maquina_id, recebido_em, leituras=validas, ao_concluir=ao_concluir))
    return recepcao


def receber_estado(servicos, maquina_id, status, ao_concluir=None, recebido_em=None) -> Pedido:
    """Queue a status message (validated by validacao.validar_estado) in order with the readings."""
    return servicos.gravador.enfileirar(Pedido(maquina_id, recebido_em or agora_utc(), estado=status["estado"],
                                               detalhes=status, ao_concluir=ao_concluir))
