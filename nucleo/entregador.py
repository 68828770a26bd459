"""The delivery worker: claims due notifications from the outbox, sends each on its channel, settles it.

It runs in its own periodic task (app.py, `registrar_tarefas`, every NOTIFICACOES_INTERVALO_S), never on
the writer or the MQTT thread: those only insert into the outbox (nucleo/notificacoes.py), so a slow or
failing receiver delays nothing but other notifications. A claim is a lease (MongoDB/gerencia_notificacoes.py):
two processes never send one item at once, and the item of a process that died is sent again once its lease
ends. A failure is retried after NOTIFICACOES_ESPERA_INICIAL_S, doubling up to NOTIFICACOES_ESPERA_MAXIMA_S,
and given up after NOTIFICACOES_TENTATIVAS attempts, its last error kept.

At least once, not exactly once, in one narrow window: an item whose receiver answered and whose process died
(or lost the database) before the "delivered" write is sent again after its lease. Receivers can drop the copy
by the `X-DataButcher-Notificacao` header (the e-mail keeps its Message-ID). An item marked delivered is never
sent again.

Each channel is an object with `ativo(ajustes)` (is it still on in the user's settings) and
`enviar(item, ajustes)` (raises FalhaDeEntrega with the reason); nucleo/webhook.py and nucleo/email_alarme.py.
"""
import logging
import os
import socket
import uuid

from MongoDB.gerencia_BD import FalhaDeConexao, agora_utc
from MongoDB.gerencia_notificacoes import SITUACAO_ENTREGUE, SITUACAO_FALHOU, SITUACAO_NOVA_TENTATIVA

log = logging.getLogger(__name__)


class FalhaDeEntrega(Exception):
    """A delivery that did not happen this time; `texto` says why in pt-BR (the account page shows it)."""

    def __init__(self, texto):
        super().__init__(texto)
        self.texto = texto


def _ms(momento) -> int:
    return int(momento.timestamp() * 1000)


class Entregador:
    def __init__(self, notificacoes, usuarios, canais, tentativas=6, espera_inicial_s=30.0, espera_maxima_s=3600.0,
                 concessao_s=60.0, lote=20, agora=agora_utc):
        self.notificacoes, self.usuarios, self.canais = notificacoes, usuarios, canais
        self.tentativas, self.espera_inicial_s, self.espera_maxima_s = tentativas, espera_inicial_s, espera_maxima_s
        self.concessao_s, self.lote, self.agora = concessao_s, lote, agora
        self.processo = f"{socket.gethostname()}:{os.getpid()}"

    def espera_s(self, tentativas) -> float:
        """How long after the `tentativas`-th failed attempt the next one comes (exponential, capped)."""
        return min(self.espera_maxima_s, self.espera_inicial_s * 2 ** max(0, tentativas - 1))

    def entregar_devidas(self) -> int:
        """Send what is due, up to `lote` items this pass; returns how many were delivered."""
        entregues = 0
        for _ in range(self.lote):
            token = f"{self.processo}:{uuid.uuid4().hex[:12]}"  # one per claim: a stale holder cannot settle it
            item = self.notificacoes.reivindicar(_ms(self.agora()), int(self.concessao_s * 1000), token)
            if item is None:
                break
            entregues += self.entregar(item)
        return entregues

    def entregar(self, item) -> bool:
        """Send one claimed item and settle it: delivered, rescheduled, or given up."""
        canal = self.canais.get(item["canal"])
        ajustes = self.usuarios.notificacoes(item["usuario_id"])
        if canal is None or ajustes is None or not canal.ativo(ajustes):
            # The user, or this channel, went away after the alarm: nothing to deliver, nothing to report.
            self.notificacoes.desistir(item, "Canal desativado antes da entrega", self.agora())
            return False
        try:
            canal.enviar(item, ajustes)
        except FalhaDeEntrega as falha:
            self._falhou(item, falha.texto)
            return False
        except FalhaDeConexao:
            raise  # the database, not the receiver: the lease brings the item back
        except Exception:
            log.exception("Falha inesperada ao entregar %s", item["_id"])
            self._falhou(item, "Erro interno ao enviar")
            return False
        agora = self.agora()
        if not self.notificacoes.entregue(item, agora):
            log.warning("Notificação %s entregue depois de perder a concessão (pode chegar duas vezes)", item["_id"])
        self.notificacoes.registrar_situacao(item["usuario_id"], item["canal"], SITUACAO_ENTREGUE, None, agora)
        return True

    def _falhou(self, item, erro):
        agora = self.agora()
        if item["tentativas"] >= self.tentativas:
            log.warning("Notificação %s abandonada após %d tentativas: %s", item["_id"], item["tentativas"], erro)
            self.notificacoes.desistir(item, erro, agora)
            situacao = SITUACAO_FALHOU
        else:
            espera = self.espera_s(item["tentativas"])
            log.info("Notificação %s falhou (%s); nova tentativa em %.1f s", item["_id"], erro, espera)
            self.notificacoes.reagendar(item, erro, _ms(agora) + int(espera * 1000))
            situacao = SITUACAO_NOVA_TENTATIVA
        self.notificacoes.registrar_situacao(item["usuario_id"], item["canal"], situacao, erro, agora)
