"""Periodic jobs of the app process (retention, the embedded store's watcher, later the offline check).

Each runs in its own daemon thread, survives its own failures (logged, never fatal) and stops at
shutdown; the job itself stays a plain function the tests call directly.
"""
import logging
import threading

from MongoDB.gerencia_BD import FalhaDeConexao

log = logging.getLogger(__name__)


class TarefaPeriodica:
    """Runs `funcao` every `intervalo_s`, the first time after `primeira_em_s` (default: one interval)."""

    def __init__(self, nome, intervalo_s, funcao, primeira_em_s=None):
        self.nome, self.intervalo_s, self.funcao = nome, intervalo_s, funcao
        self.primeira_em_s = intervalo_s if primeira_em_s is None else primeira_em_s
        self._parar = threading.Event()
        self._thread = threading.Thread(target=self._rodar, name=nome, daemon=True)

    def iniciar(self):
        self._thread.start()
        return self

    def parar(self):
        self._parar.set()

    def _rodar(self):
        espera = self.primeira_em_s
        while not self._parar.wait(espera):
            espera = self.intervalo_s
            try:
                self.funcao()
            except FalhaDeConexao:
                log.warning("%s adiada: banco inacessível", self.nome)
            except Exception:
                log.exception("Falha na tarefa %s", self.nome)
