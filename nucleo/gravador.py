"""The write path: a bounded queue and one writer thread that stores readings in batches.

Producers (nucleo/leituras.py for HTTP and MQTT, the status handler) queue a `Pedido` and
either wait for it (HTTP: group commit, concurrent requests share one `insert_many`) or
give it a callback (MQTT). The writer also keeps the rollups and writes each machine's
"last activity" at most once a second. It knows the managers it writes to and one callback
for status messages, nothing above them. Nothing is dropped silently: a full queue is
counted, logged and refused to the caller; on shutdown the queue is flushed.
"""
import logging
import queue
import threading
import time

from MongoDB.erros import Indisponivel

from .agregacao import somar

log = logging.getLogger(__name__)

INTERVALO_ATIVIDADE_S = 1.0  # "last activity" on every message was ThingsBoard's bottleneck
INTERVALO_AGREGADOS_S = 2.0  # rollup buckets are written once per interval, not per reading
ESPERA_CONFIRMACAO_S = 10.0


class FilaCheia(Indisponivel):
    """The writer is behind: the caller must refuse (HTTP 503) or count the loss (MQTT)."""

    chave = "fila_cheia"


class Pedido:
    """Validated readings of one machine (or one status message), queued together.

    `aguardar()` blocks until the writer is done with it and returns one (id, duplicada) per
    reading; `ao_concluir(pedido)` is called by the writer thread instead, for callers that
    must not block (the MQTT network thread). `erro` is set when the database refused it.
    """

    __slots__ = ("maquina_id", "leituras", "estado", "recebido_em", "ao_concluir", "resultados", "erro", "_feito")

    def __init__(self, maquina_id, recebido_em, leituras=(), estado=None, ao_concluir=None):
        self.maquina_id, self.recebido_em = maquina_id, recebido_em
        self.leituras, self.estado = list(leituras), estado
        self.ao_concluir = ao_concluir
        self.resultados, self.erro = None, None
        self._feito = threading.Event()

    def concluir(self, resultados=None, erro=None):
        self.resultados, self.erro = resultados, erro
        self._feito.set()
        if self.ao_concluir is not None:
            try:
                self.ao_concluir(self)
            except Exception:
                log.exception("Falha no retorno de um pedido de %s", self.maquina_id)

    def aguardar(self, espera_s=ESPERA_CONFIRMACAO_S) -> list:
        """[(id, duplicada)] once stored; FilaCheia if it was not stored in time."""
        if not self._feito.wait(espera_s) or self.erro is not None:
            raise FilaCheia("gravacao_nao_confirmada")
        return self.resultados


class Gravador:
    """One writer thread over `telemetria`, `agregados` and `maquinas`; `aplicar_estado(id, estado, momento)`
    is called for status messages, in queue order with the readings."""

    def __init__(self, telemetria, agregados, maquinas, aplicar_estado, capacidade=50_000, lote_maximo=500,
                 espera_fila_s=2.0, contadores=None, relogio=time.monotonic):
        self.telemetria, self.agregados, self.maquinas = telemetria, agregados, maquinas
        self.aplicar_estado = aplicar_estado
        self.fila = queue.Queue(maxsize=capacidade)
        self.lote_maximo = lote_maximo
        self.espera_fila_s = espera_fila_s
        self.contadores = contadores
        self.relogio = relogio
        self._thread = None
        self._trava = threading.Lock()
        self._parando = threading.Event()
        self._atividade_gravada = {}
        self._atividade_pendente = {}
        self._parciais = {}
        self._agregados_gravados_em = relogio()

    # ---- producers -----------------------------------------------------------
    def enfileirar(self, pedido) -> Pedido:
        """Queue `pedido`, blocking up to `espera_fila_s` when full (backpressure), then FilaCheia."""
        self._garantir_thread()
        try:
            # Blocking a little is the backpressure: paho stops reading, the broker buffers.
            self.fila.put(pedido, timeout=self.espera_fila_s)
        except queue.Full:
            self._contar("fila_cheia")
            log.error("Fila de gravação cheia (%d): pedido de %s recusado", self.fila.maxsize, pedido.maquina_id)
            raise FilaCheia() from None
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
            lote, leituras = [primeiro], len(primeiro.leituras) if primeiro else 0
            while leituras < self.lote_maximo:
                try:
                    pedido = self.fila.get_nowait()
                except queue.Empty:
                    break
                lote.append(pedido)
                leituras += len(pedido.leituras) if pedido else 0
            pedidos = [pedido for pedido in lote if pedido is not None]
            if pedidos:
                self._processar_com_tentativas(pedidos)
            for _ in lote:
                self.fila.task_done()

    def _processar_com_tentativas(self, pedidos, tentativas=3):
        for tentativa in range(1, tentativas + 1):
            try:
                self._processar(pedidos)
                return
            except Exception as erro:  # the writer must survive a database blip
                log.exception("Falha ao gravar %d pedidos (tentativa %d/%d)", len(pedidos), tentativa, tentativas)
                ultimo_erro = erro
                time.sleep(0.5 * tentativa)
        self._contar("perdidas_erro_banco", sum(len(p.leituras) for p in pedidos))
        for pedido in pedidos:
            pedido.concluir(erro=ultimo_erro)

    def _processar(self, pedidos):
        itens = [(p.maquina_id, leitura, p.recebido_em) for p in pedidos for leitura in p.leituras]
        resultados = self.telemetria.inserir_pedidos(itens) if itens else []
        guardadas = [(maquina_id, leitura, recebido_em)
                     for (maquina_id, leitura, recebido_em), (_, duplicada) in zip(itens, resultados) if not duplicada]
        somar([(maquina_id, leitura["dados_sensor"], leitura["ts"] or recebido_em)
               for maquina_id, leitura, recebido_em in guardadas], self._parciais)
        for maquina_id, leitura, recebido_em in guardadas:
            ultima = dict(leitura["dados_sensor"], timestamp=leitura["ts"] or recebido_em)
            self._atividade_pendente[maquina_id] = (recebido_em, ultima)
        self._contar("gravadas", len(guardadas))
        self._contar("duplicadas", len(itens) - len(guardadas))
        for pedido in pedidos:
            if pedido.estado is not None:
                self.aplicar_estado(pedido.maquina_id, pedido.estado, pedido.recebido_em)
        # Before answering: a caller that reads its machine right after sees the new values.
        self._gravar_atividade(forcar=False)
        self._gravar_agregados(forcar=False)
        inicio = 0
        for pedido in pedidos:
            fim = inicio + len(pedido.leituras)
            pedido.concluir(resultados[inicio:fim])
            inicio = fim

    def _gravar_atividade(self, forcar):
        """Write heartbeat + latest values for machines not written in the last INTERVALO_ATIVIDADE_S."""
        agora = self.relogio()
        for maquina_id in list(self._atividade_pendente):
            if forcar or agora - self._atividade_gravada.get(maquina_id, float("-inf")) >= INTERVALO_ATIVIDADE_S:
                momento, ultima = self._atividade_pendente.pop(maquina_id)
                try:
                    self.maquinas.registrar_atividade(maquina_id, momento, ultima)
                    self._atividade_gravada[maquina_id] = agora
                except Exception:
                    log.exception("Falha ao gravar atividade de %s", maquina_id)

    def _gravar_agregados(self, forcar):
        if not self._parciais:
            return
        if not forcar and self.relogio() - self._agregados_gravados_em < INTERVALO_AGREGADOS_S:
            return
        parciais, self._parciais = self._parciais, {}
        try:
            self.agregados.gravar(parciais)
        except Exception:
            self._contar("agregados_perdidos", len(parciais))
            log.exception("Falha ao gravar %d agregados", len(parciais))
        self._agregados_gravados_em = self.relogio()

    def _contar(self, chave, quantidade=1):
        if self.contadores is not None and quantidade:
            self.contadores.contar(chave, quantidade)
