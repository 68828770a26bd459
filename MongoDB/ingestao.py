"""The write path: a bounded queue and one writer thread that stores readings in batches.

MQTT handlers validate on paho's network thread and enqueue; HTTP requests
enqueue and wait for their batch (group commit), so concurrent requests share
one `insert_many`. The writer also keeps the rollups and writes each machine's
"last activity" at most once a second. Nothing is dropped silently: a full queue
is counted, logged and refused to the caller; on shutdown the queue is flushed.
"""
import logging
import queue
import threading
import time
from collections import Counter

from .erros import ErroDominio
from .gerencia_agregados import somar

log = logging.getLogger(__name__)

INTERVALO_ATIVIDADE_S = 1.0  # "last activity" on every message was ThingsBoard's bottleneck
INTERVALO_AGREGADOS_S = 2.0  # rollup buckets are written once per interval, not per reading


class FilaCheia(ErroDominio):
    """The writer is behind: the caller must refuse (HTTP 503) or count the loss (MQTT)."""

    status = 503


class Contadores:
    """Thread-safe counts of what happened to incoming data, shown in /api/health."""

    def __init__(self):
        self._contagem = Counter()
        self._trava = threading.Lock()

    def contar(self, chave, quantidade=1):
        with self._trava:
            self._contagem[chave] += quantidade

    def valor(self, chave) -> int:
        with self._trava:
            return self._contagem[chave]

    def como_dict(self) -> dict:
        with self._trava:
            return dict(self._contagem)


class _Pedido:
    __slots__ = ("tipo", "maquina_id", "dados", "momento", "evento", "resultado")

    def __init__(self, tipo, maquina_id, dados, momento, aguardar):
        self.tipo, self.maquina_id, self.dados, self.momento = tipo, maquina_id, dados, momento
        self.evento = threading.Event() if aguardar else None
        self.resultado = None


class Gravador:
    def __init__(self, servicos, capacidade=50_000, lote_maximo=500, espera_fila_s=2.0, contadores=None):
        self.servicos = servicos
        self.fila = queue.Queue(maxsize=capacidade)
        self.lote_maximo = lote_maximo
        self.espera_fila_s = espera_fila_s
        self.contadores = contadores
        self._thread = None
        self._trava = threading.Lock()
        self._parando = threading.Event()
        self._atividade_gravada = {}
        self._atividade_pendente = {}
        self._parciais = {}
        self._agregados_gravados_em = time.monotonic()

    # ---- producers -----------------------------------------------------------
    def enfileirar_leitura(self, maquina_id, leitura, recebido_em, aguardar=False):
        """Queue a validated reading. aguardar=True: return (id, duplicada) once stored;
        aguardar=None: return the pending request, for `aguardar()` later (batches)."""
        pedido = self._enfileirar(_Pedido("leitura", maquina_id, leitura, recebido_em, aguardar is not False))
        if aguardar is None:
            return pedido
        return self.aguardar(pedido) if aguardar else None

    @staticmethod
    def aguardar(pedido, espera_s=10.0):
        """(id, duplicada) of a queued reading once its batch is stored."""
        if not pedido.evento.wait(espera_s) or isinstance(pedido.resultado, Exception):
            raise FilaCheia("Gravação não confirmada a tempo, tente de novo")
        return pedido.resultado

    def enfileirar_estado(self, maquina_id, estado, momento):
        self._enfileirar(_Pedido("estado", maquina_id, estado, momento, False))

    def _enfileirar(self, pedido):
        self._garantir_thread()
        try:
            # Blocking a little is the backpressure: paho stops reading, the broker buffers.
            self.fila.put(pedido, timeout=self.espera_fila_s)
        except queue.Full:
            self._contar("fila_cheia")
            log.error("Fila de gravação cheia (%d): %s de %s recusada", self.fila.maxsize, pedido.tipo, pedido.maquina_id)
            raise FilaCheia("Servidor sobrecarregado: fila de gravação cheia, tente de novo") from None
        return pedido

    def _garantir_thread(self):
        with self._trava:
            if self._thread is None or not self._thread.is_alive():
                self._parando.clear()
                self._thread = threading.Thread(target=self._rodar, name="gravador-telemetria", daemon=True)
                self._thread.start()

    def parar(self, espera_s=30.0):
        """Flush everything queued, write pending activity, stop the thread."""
        with self._trava:
            thread = self._thread
        if thread is None:
            return
        self._parando.set()
        try:
            self.fila.put_nowait(None)  # wake the writer now instead of at its next poll
        except queue.Full:
            pass
        thread.join(espera_s)
        if thread.is_alive():
            log.error("Gravador não terminou em %.0fs; %d itens na fila", espera_s, self.fila.qsize())

    def pendentes(self) -> int:
        return self.fila.qsize()

    def esvaziar(self, espera_s=10.0) -> bool:
        """Wait until everything queued so far is processed (tests, benchmarks, shutdown)."""
        limite = time.monotonic() + espera_s
        while self.fila.unfinished_tasks and time.monotonic() < limite:
            time.sleep(0.01)
        return not self.fila.unfinished_tasks

    # ---- the writer thread ---------------------------------------------------------
    def _rodar(self):
        while True:
            try:
                primeiro = self.fila.get(timeout=0.2)
            except queue.Empty:
                self._gravar_atividade(forcar=self._parando.is_set())
                self._gravar_agregados(forcar=True)
                if self._parando.is_set():
                    return
                continue
            lote = [primeiro]
            while len(lote) < self.lote_maximo:
                try:
                    lote.append(self.fila.get_nowait())
                except queue.Empty:
                    break
            pedidos = [pedido for pedido in lote if pedido is not None]
            if pedidos:
                self._processar_com_tentativas(pedidos)
            for _ in lote:
                self.fila.task_done()

    def _processar_com_tentativas(self, lote, tentativas=3):
        for tentativa in range(1, tentativas + 1):
            try:
                self._processar(lote)
                return
            except Exception as erro:  # the writer must survive a database blip
                log.exception("Falha ao gravar lote de %d (tentativa %d/%d)", len(lote), tentativa, tentativas)
                ultimo_erro = erro
                time.sleep(0.5 * tentativa)
        self._contar("perdidas_erro_banco", len(lote))
        for pedido in lote:
            self._concluir(pedido, ultimo_erro)

    def _processar(self, lote):
        leituras = [p for p in lote if p.tipo == "leitura"]
        if leituras:
            resultados = self.servicos.telemetria.inserir_pedidos(
                [(p.maquina_id, p.dados, p.momento) for p in leituras])
            guardadas = [(p, r) for p, r in zip(leituras, resultados) if not r[1]]
            somar([(p.maquina_id, p.dados["dados_sensor"], p.dados.get("ts") or p.momento) for p, _ in guardadas],
                  self._parciais)
            for pedido, _ in guardadas:
                ultima = dict(pedido.dados["dados_sensor"], timestamp=pedido.dados.get("ts") or pedido.momento)
                self._atividade_pendente[pedido.maquina_id] = (pedido.momento, ultima)
            self._contar("gravadas", len(guardadas))
            self._contar("duplicadas", len(leituras) - len(guardadas))
        for pedido in (p for p in lote if p.tipo == "estado"):
            self.servicos.receber_estado(pedido.maquina_id, pedido.dados, pedido.momento)
        # Before answering: a caller that reads its machine right after sees the new values.
        self._gravar_atividade(forcar=False)
        self._gravar_agregados(forcar=False)
        for pedido, resultado in zip(leituras, resultados if leituras else []):
            self._concluir(pedido, resultado)

    def _gravar_atividade(self, forcar):
        """Write heartbeat + latest values for machines not written in the last second."""
        agora = time.monotonic()
        for maquina_id in list(self._atividade_pendente):
            if forcar or agora - self._atividade_gravada.get(maquina_id, 0.0) >= INTERVALO_ATIVIDADE_S:
                momento, ultima = self._atividade_pendente.pop(maquina_id)
                try:
                    self.servicos.maquinas.registrar_atividade(maquina_id, momento, ultima)
                    self._atividade_gravada[maquina_id] = agora
                except Exception:
                    log.exception("Falha ao gravar atividade de %s", maquina_id)

    def _gravar_agregados(self, forcar):
        if not self._parciais:
            return
        if not forcar and time.monotonic() - self._agregados_gravados_em < INTERVALO_AGREGADOS_S:
            return
        parciais, self._parciais = self._parciais, {}
        try:
            self.servicos.agregados.gravar(parciais)
        except Exception:
            self._contar("agregados_perdidos", len(parciais))
            log.exception("Falha ao gravar %d agregados", len(parciais))
        self._agregados_gravados_em = time.monotonic()

    def _concluir(self, pedido, resultado):
        pedido.resultado = resultado
        if pedido.evento is not None:
            pedido.evento.set()

    def _contar(self, chave, quantidade=1):
        if self.contadores is not None and quantidade:
            self.contadores.contar(chave, quantidade)
