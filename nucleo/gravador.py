"""The write path: a bounded queue and one writer thread that stores readings in batches.

Producers (nucleo/leituras.py for HTTP and MQTT) queue a `Pedido` and either wait for it (HTTP:
group commit, concurrent requests share one `insert_many`) or give it a callback (MQTT, which
acknowledges the message to the broker only then). The writer drops requests of unknown machines
(resolved here, so the MQTT thread never queries), keeps the rollups and writes each machine's
"last activity" at most once per interval. It knows the managers it writes to and one callback
for what a batch says about the machines' states (status messages, and when each machine's stored
readings were taken), nothing above them.

Nothing is dropped silently: a full queue is refused to the producer; while the database is
unreachable the batch is kept and retried (MQTT messages stay unacknowledged, so the broker keeps
them) and waiting HTTP callers are refused at once; on shutdown the queue is flushed.
"""
import logging
import queue
import threading
import time

from MongoDB.erros import Indisponivel
from MongoDB.gerencia_BD import FalhaDeConexao

from .agregacao import juntar, somar

log = logging.getLogger(__name__)

ESPERA_CONFIRMACAO_S = 10.0
VALIDADE_MAQUINAS_CONHECIDAS_S = 30.0
ESPERA_MAXIMA_BANCO_S = 5.0


class FilaCheia(Indisponivel):
    """The writer is behind: the caller must refuse (HTTP 503) or leave the message unacknowledged (MQTT)."""

    chave = "fila_cheia"


class BancoIndisponivel(Indisponivel):
    chave = "banco_indisponivel"


class Pedido:
    """Validated readings of one machine (or one status message, `estado` with its `detalhes`), queued together.

    `aguardar()` blocks until the writer is done with it and returns one (id, duplicada) per
    reading; `ao_concluir(pedido)` is called by the writer thread instead, for callers that must
    not block (the MQTT network thread). `erro` is set when it could not be stored;
    `desconhecida` when the machine does not exist (nothing stored, nothing to retry).
    """

    __slots__ = ("maquina_id", "leituras", "estado", "detalhes", "recebido_em", "ao_concluir", "resultados", "erro",
                 "desconhecida", "_feito")

    def __init__(self, maquina_id, recebido_em, leituras=(), estado=None, ao_concluir=None, detalhes=None):
        self.maquina_id, self.recebido_em = maquina_id, recebido_em
        self.leituras, self.estado, self.detalhes = list(leituras), estado, detalhes
        self.ao_concluir = ao_concluir
        self.resultados, self.erro, self.desconhecida = None, None, False
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
    """One writer thread over `telemetria`, `agregados` and `maquinas`; once per stored batch,
    `aplicar_estados(estados, leituras)` gets its status messages [(maquina_id, recebido_em, status)] in queue
    order and {maquina_id: [times of its stored readings]} (nucleo/estados.py)."""

    def __init__(self, telemetria, agregados, maquinas, aplicar_estados, capacidade=50_000, lote_maximo=500,
                 intervalo_atividade_s=5.0, intervalo_agregados_s=10.0, contadores=None, relogio=time.monotonic,
                 avaliador=None):
        self.telemetria, self.agregados, self.maquinas = telemetria, agregados, maquinas
        self.aplicar_estados = aplicar_estados
        # Judges what was just stored (the alarm engine): `avaliar(guardadas, falaram)`, `descarregar(forcar)`.
        self.avaliador = avaliador
        self.fila = queue.Queue(maxsize=capacidade)
        self.lote_maximo = lote_maximo
        self.intervalo_atividade_s, self.intervalo_agregados_s = intervalo_atividade_s, intervalo_agregados_s
        self.contadores = contadores
        self.relogio = relogio
        self.banco_disponivel = threading.Event()
        self.banco_disponivel.set()
        self._thread = None
        self._trava = threading.Lock()
        self._parando = threading.Event()
        self._atividade_gravada, self._atividade_pendente = {}, {}
        self._conhecidas = {}  # maquina_id -> when it was last seen in `maquinas` (relogio)
        self._intervalos = {}  # maquina_id -> (ms of its last reading, smoothed ms between readings)
        self._parciais = {}
        self._agregados_gravados_em = relogio()

    # ---- producers -----------------------------------------------------------
    def enfileirar(self, pedido) -> Pedido:
        """Queue `pedido` without blocking; FilaCheia when the queue is full."""
        self._garantir_thread()
        try:
            self.fila.put_nowait(pedido)
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
        """Flush everything queued, write pending activity and rollups, stop the thread."""
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
                self._gravar_pendencias(forcar=self._parando.is_set())
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
        """Store a batch. An unreachable database is waited for (with backoff) as long as the process
        lives; any other error is retried `tentativas` times, then the batch is given up, loudly."""
        falhas, espera = 0, 0.5
        while True:
            try:
                self._processar(pedidos)
                if not self.banco_disponivel.is_set():
                    log.warning("Banco de dados de volta: gravação retomada")
                    self.banco_disponivel.set()
                return
            except FalhaDeConexao as erro:
                if self.banco_disponivel.is_set():
                    log.error("Banco de dados inacessível (%s): %d pedidos aguardam", type(erro).__name__, len(pedidos))
                    self.banco_disponivel.clear()
                self._contar("esperas_banco")
                if self._parando.is_set():  # shutting down: what is not stored stays unacknowledged
                    self._desistir(pedidos, erro)
                    return
            except Exception as erro:  # a bug or a refused document, not the database being away
                falhas += 1
                log.exception("Falha ao gravar %d pedidos (tentativa %d/%d)", len(pedidos), falhas, tentativas)
                if falhas >= tentativas:
                    self._desistir(pedidos, erro)
                    return
            time.sleep(espera)
            espera = min(espera * 2, ESPERA_MAXIMA_BANCO_S)

    def _desistir(self, pedidos, erro):
        self._contar("perdidas_erro_banco", sum(len(p.leituras) for p in pedidos))
        for pedido in pedidos:
            pedido.concluir(erro=erro)

    def _processar(self, pedidos):
        desconhecidas = self._desconhecidas({p.maquina_id for p in pedidos})
        validos = [p for p in pedidos if p.maquina_id not in desconhecidas]
        itens = [(p.maquina_id, leitura, p.recebido_em) for p in validos for leitura in p.leituras]
        resultados = self.telemetria.inserir_pedidos(itens) if itens else []
        guardadas = [(maquina_id, leitura, recebido_em)
                     for (maquina_id, leitura, recebido_em), (_, duplicada) in zip(itens, resultados) if not duplicada]
        somar([(maquina_id, leitura["dados_sensor"], leitura["ts"] or recebido_em)
               for maquina_id, leitura, recebido_em in guardadas], self._parciais)
        for maquina_id, leitura, recebido_em in guardadas:
            ultima = dict(leitura["dados_sensor"], timestamp=leitura["ts"] or recebido_em)
            self._atividade_pendente[maquina_id] = (recebido_em, ultima, self._intervalo(maquina_id, ultima["timestamp"]))
        self._contar("gravadas", len(guardadas))
        self._contar("duplicadas", len(itens) - len(guardadas))
        momentos = {}
        for maquina_id, leitura, recebido_em in guardadas:
            momentos.setdefault(maquina_id, []).append(leitura["ts"] or recebido_em)
        self.aplicar_estados([(p.maquina_id, p.recebido_em, p.detalhes or {"estado": p.estado})
                              for p in validos if p.estado is not None], momentos)
        self._avaliar(guardadas, {p.maquina_id for p in validos if p.leituras or p.estado not in (None, "offline")})
        # Before answering: a caller that reads its machine right after sees the new values.
        self._gravar_pendencias(forcar=False)
        inicio = 0
        for pedido in validos:
            fim = inicio + len(pedido.leituras)
            pedido.concluir(resultados[inicio:fim])
            inicio = fim
        for pedido in pedidos:
            if pedido.maquina_id in desconhecidas:
                self._contar("descartadas")
                self._contar("descartadas_maquina_desconhecida")
                pedido.desconhecida = True
                pedido.concluir([])

    def _desconhecidas(self, maquina_ids) -> set:
        """The ids in `maquina_ids` that are no machine (remembered ones are not asked again for a while)."""
        agora = self.relogio()
        duvidas = {m for m in maquina_ids if agora - self._conhecidas.get(m, float("-inf")) > VALIDADE_MAQUINAS_CONHECIDAS_S}
        if not duvidas:
            return set()
        existentes = self.maquinas.existentes(duvidas)
        self._conhecidas.update({maquina_id: agora for maquina_id in existentes})
        return duvidas - existentes

    def _avaliar(self, guardadas, falaram):
        """Hand the batch to the alarm engine; its failure never costs a stored reading."""
        if self.avaliador is None or not (guardadas or falaram):
            return
        try:
            self.avaliador.avaliar(guardadas, falaram)
        except Exception:
            self._contar("avaliacoes_falhas")
            log.exception("Falha ao avaliar os alarmes de um lote de %d leituras", len(guardadas))

    def _intervalo(self, maquina_id, momento):
        """The machine's usual seconds between readings, smoothed over the last ones (None until known)."""
        agora_ms = int(momento.timestamp() * 1000)
        anterior_ms, suave_ms = self._intervalos.get(maquina_id, (None, None))
        if anterior_ms is not None and 0 < agora_ms - anterior_ms < 3_600_000:
            passo = agora_ms - anterior_ms
            suave_ms = passo if suave_ms is None else 0.8 * suave_ms + 0.2 * passo
        self._intervalos[maquina_id] = (agora_ms, suave_ms)
        return None if suave_ms is None else suave_ms / 1000

    def _gravar_pendencias(self, forcar):
        self._gravar_atividade(forcar)
        self._gravar_agregados(forcar)
        if self.avaliador is not None:
            try:
                self.avaliador.descarregar(forcar)
            except Exception:
                log.exception("Falha ao gravar as repetições dos alarmes")

    def _gravar_atividade(self, forcar):
        """Write heartbeat + latest values for machines not written in the last `intervalo_atividade_s`."""
        agora = self.relogio()
        devidas = {maquina_id: self._atividade_pendente.pop(maquina_id) for maquina_id in list(self._atividade_pendente)
                   if forcar or agora - self._atividade_gravada.get(maquina_id, float("-inf")) >= self.intervalo_atividade_s}
        if not devidas:
            return
        try:  # one command for every machine due (one each was a sixth of the writer's time at 300 machines)
            self.maquinas.registrar_atividades([(maquina_id, *pendente) for maquina_id, pendente in devidas.items()])
        except Exception:
            for maquina_id, pendente in devidas.items():  # a $set written twice is the same: retry them all
                self._atividade_pendente.setdefault(maquina_id, pendente)
            log.exception("Falha ao gravar atividade de %d máquinas", len(devidas))
            return
        self._atividade_gravada.update(dict.fromkeys(devidas, agora))

    def _gravar_agregados(self, forcar):
        """Upsert the rollup buckets folded since the last write, once per `intervalo_agregados_s`."""
        if not self._parciais:
            return
        if not forcar and self.relogio() - self._agregados_gravados_em < self.intervalo_agregados_s:
            return
        parciais, self._parciais = self._parciais, {}
        try:
            self.agregados.gravar(parciais)
        except FalhaDeConexao:
            juntar(self._parciais, parciais)  # kept for the next interval, not lost
            log.warning("Agregados adiados: banco inacessível")
        except Exception:
            self._contar("agregados_perdidos", len(parciais))
            log.exception("Falha ao gravar %d agregados", len(parciais))
        self._agregados_gravados_em = self.relogio()

    def _contar(self, chave, quantidade=1):
        if self.contadores is not None and quantidade:
            self.contadores.contar(chave, quantidade)

