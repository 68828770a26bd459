"""Retention on the embedded store: expired readings, rollups, closed alarms and settled notifications deleted by
the app, in small pieces.

nx-27017 gets no TTL indexes (neosqlite scans the whole collection before every read of a collection
that has one), so this job does their work: per machine, by key range, `LOTE` documents per query
with a pause between pieces, so it never holds the one-command-at-a-time server for long. Machines
are found in the keys themselves, so the data of a removed machine expires too. MongoDB keeps its
TTL indexes and does not run it. `/api/health` shows the last run.
"""
import logging
import threading
import time
from datetime import timedelta

from MongoDB.gerencia_BD import agora_utc

log = logging.getLogger(__name__)

LOTE = 500
PAUSA_ENTRE_LOTES_S = 0.05


class Retencao:
    def __init__(self, telemetria, agregados, dias_brutos, dias_agregados, intervalo_s=600, alarmes=None,
                 notificacoes=None, dias_notificacoes=7):
        self.telemetria, self.agregados, self.alarmes = telemetria, agregados, alarmes
        self.notificacoes, self.dias_notificacoes = notificacoes, dias_notificacoes
        self.dias_brutos, self.dias_agregados = dias_brutos, dias_agregados
        self.intervalo_s = intervalo_s
        self.ultima = {"execucao": None, "duracao_s": None, "apagadas_brutas": 0, "apagados_agregados": 0,
                       "apagados_alarmes": 0, "apagadas_notificacoes": 0}
        self._parar = threading.Event()  # set at shutdown: a long pass stops between two pieces

    def executar(self, agora=None, pausa_s=PAUSA_ENTRE_LOTES_S) -> dict:
        """One full pass: every expired reading and bucket of every machine; returns what it deleted."""
        agora = agora or agora_utc()
        inicio = time.monotonic()
        brutas = self._apagar(self.telemetria, agora - timedelta(days=self.dias_brutos), pausa_s)
        agregados = self._apagar(self.agregados, agora - timedelta(days=self.dias_agregados), pausa_s)
        # Closed alarms are history kept as long as the rollups they are drawn over.
        alarmes = 0 if self.alarmes is None else self._apagar(self.alarmes, agora - timedelta(days=self.dias_agregados), pausa_s)
        notificacoes = 0 if self.notificacoes is None else self._apagar_notificacoes(
            agora - timedelta(days=self.dias_notificacoes), pausa_s)
        self.ultima = {"execucao": agora, "duracao_s": round(time.monotonic() - inicio, 3),
                       "apagadas_brutas": brutas, "apagados_agregados": agregados, "apagados_alarmes": alarmes,
                       "apagadas_notificacoes": notificacoes}
        if brutas or agregados:
            log.info("Retenção: %d leituras e %d agregados apagados em %.1f s", brutas, agregados,
                     self.ultima["duracao_s"])
        return self.ultima

    def _apagar(self, gerente, antes, pausa_s) -> int:
        total = 0
        for maquina_id in list(gerente.maquinas()):
            while not self._parar.is_set():
                apagados = gerente.apagar_antes(maquina_id, antes, LOTE)
                total += apagados
                if apagados < LOTE:
                    break
                time.sleep(pausa_s)  # let the requests waiting on the store in between
        return total

    def _apagar_notificacoes(self, antes, pausa_s) -> int:
        """Delivered or given-up notifications settled before `antes` (pending ones never expire)."""
        total, antes_ms = 0, int(antes.timestamp() * 1000)
        while not self._parar.is_set():
            apagadas = self.notificacoes.apagar_encerradas_antes(antes_ms, LOTE)
            total += apagadas
            if apagadas < LOTE:
                break
            time.sleep(pausa_s)
        return total

    def estado(self, agora=None) -> dict:
        """For /api/health: the last run and how late the next one is."""
        agora = agora or agora_utc()
        execucao = self.ultima["execucao"]
        atraso = 0.0 if execucao is None else max(0.0, (agora - execucao).total_seconds() - self.intervalo_s)
        return {**self.ultima, "intervalo_s": self.intervalo_s, "atrasada_s": round(atraso, 1)}

    def parar(self):
        self._parar.set()
