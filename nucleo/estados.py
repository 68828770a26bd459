"""What machines say about their state: status messages and the readings that show a machine is there.

Called by the writer thread once per stored batch (`aplicar_lote`), in queue order with the readings. A
status records the machine's state (and a trip's reason, and the parameters it runs with), settles the
commands it answers (nucleo/contrato.py ESTADO_ESPERADO; a trip after a start marks that start `desarmou`)
and, with the batch's readings, moves the state history (nucleo/historico.py).

Two clocks on purpose: heartbeats and command expiry use the time the server received the message (the
server's clock, like "online"); the history uses the time the machine said it (`ts`, else reception).
"""
import logging

from MongoDB.gerencia_BD import FalhaDeConexao, agora_utc

from .historico import ESTADO, FALOU, OFFLINE, em_ms

log = logging.getLogger(__name__)


def status_simples(estado) -> dict:
    """A status message that carries only its state (a Last Will, an older device, the tests)."""
    return {"estado": estado, "ts": None, "motivo": None, "valor": None, "limite": None, "parametros": None}


class Estados:
    def __init__(self, maquinas, comandos, historico):
        self.maquinas, self.comandos, self.historico = maquinas, comandos, historico

    def aplicar_lote(self, estados, leituras=None):
        """`estados` [(maquina_id, recebido_em, status)] in queue order, `leituras` {maquina_id: [reading times]}
        of the same batch; returns how many statuses were of known machines."""
        eventos, aplicados = [], 0
        for maquina_id, recebido_em, status in estados:
            if self.aplicar(maquina_id, status, recebido_em):
                aplicados += 1
                eventos.append(_evento(maquina_id, status, status.get("ts") or recebido_em))
        for maquina_id, momentos in (leituras or {}).items():
            eventos += [(maquina_id, FALOU, em_ms(momento), None) for momento in momentos]
        try:
            self.historico.registrar(eventos)
        except FalhaDeConexao:
            raise  # the writer keeps the batch and retries: every history write is idempotent
        except Exception:
            log.exception("Falha ao registrar o histórico de estados de %d eventos", len(eventos))
        return aplicados

    def aplicar(self, maquina_id, status, recebido_em=None) -> bool:
        """The machine document and its commands after one status; False for an unknown machine."""
        recebido_em = recebido_em or agora_utc()
        estado = status["estado"]
        anterior = self.maquinas.registrar_estado(maquina_id, estado, recebido_em, status)
        if anterior is None:
            return False
        if estado == "desarmada":
            if anterior.get("status") != "desarmada":  # its heartbeats repeat it: the trip is news once
                self.comandos.marcar_desarme(maquina_id, status, recebido_em)
        else:
            self.comandos.confirmar_por_estado(maquina_id, estado, recebido_em, status.get("parametros"))
        return True


def _evento(maquina_id, status, momento):
    estado = status["estado"]
    if estado == "online":
        return maquina_id, FALOU, em_ms(momento), None
    if estado == "offline":
        return maquina_id, OFFLINE, em_ms(momento), None
    return maquina_id, ESTADO, em_ms(momento), status
