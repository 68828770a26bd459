"""HTTP for the simulator: POST /api/sensor-data with the device token, over keep-alive connections.

A few worker threads, each with its own http.client connection, take readings from one
queue. A connection error or a 5xx re-sends the very same body: the reading keeps its
`ts`/`seq`, so if the first attempt did reach the server the retry comes back as a
duplicate (200) and nothing is stored twice. HTTP has no channel from the server to the
device: over HTTP the machines hear no commands and publish no status (the server takes
their readings as the heartbeat).
"""
import http.client
import json
import logging
import queue
import threading
import time
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

TENTATIVAS = 4
ESPERA_REENVIO_S = (0.1, 0.3, 1.0)
TIMEOUT_S = 10.0


class TransporteHttp:
    """Readings queued by the scheduler, posted by `trabalhadores` threads."""

    def __init__(self, sim, url, trabalhadores=4):
        self.sim = sim
        partes = urlsplit(url)
        if partes.scheme not in {"http", "https"} or not partes.hostname:
            raise ValueError(f"URL inválida para o simulador: {url!r}")
        self._classe = http.client.HTTPSConnection if partes.scheme == "https" else http.client.HTTPConnection
        self._endereco = (partes.hostname, partes.port)
        self._caminho = partes.path.rstrip("/") + "/api/sensor-data"
        self._fila = queue.Queue(maxsize=max(100, 10 * len(sim.maquinas)))
        self._trabalhadores = [threading.Thread(target=self._trabalhar, name=f"simulador-http-{i}", daemon=True)
                               for i in range(max(1, min(trabalhadores, len(sim.maquinas))))]
        self._prazo_final = None  # set by fechar(): queued readings past it are given up
        self._abandonadas = 0
        self._trava = threading.Lock()

    def abrir(self, espera_s=None):
        for trabalhador in self._trabalhadores:
            trabalhador.start()

    def conectados(self) -> int:
        return len(self._trabalhadores)

    def pendentes(self) -> int:
        return self._fila.qsize()

    def enviar_leitura(self, indice, leitura):
        try:
            self._fila.put_nowait((indice, json.dumps(leitura).encode()))
        except queue.Full:
            self.sim.contagem.contar("descartadas_fila")  # the server (or the workers) cannot keep up

    def enviar_estado(self, indice, carga):
        """No status channel over HTTP: the server counts readings as the heartbeat."""

    def fechar(self, espera_s=5.0) -> int:
        """Post what is queued (up to espera_s), then stop the workers; returns readings not sent."""
        self._prazo_final = time.monotonic() + espera_s
        for _ in self._trabalhadores:
            self._fila.put(None)
        for trabalhador in self._trabalhadores:
            if trabalhador.ident is not None:  # started (abrir may have been interrupted)
                trabalhador.join(espera_s + TIMEOUT_S)
        return self._abandonadas

    def _trabalhar(self):
        conexao = self._classe(*self._endereco, timeout=TIMEOUT_S)
        try:
            while (item := self._fila.get()) is not None:
                if self._prazo_final is not None and time.monotonic() > self._prazo_final:
                    with self._trava:
                        self._abandonadas += 1
                    continue
                self._postar(conexao, *item)
        finally:
            conexao.close()

    def _postar(self, conexao, indice, corpo):
        token = self.sim.maquinas[indice].token
        cabecalhos = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for tentativa in range(TENTATIVAS):
            if tentativa:
                self.sim.contagem.contar("reenvios")
                time.sleep(ESPERA_REENVIO_S[min(tentativa - 1, len(ESPERA_REENVIO_S) - 1)])
            try:
                conexao.request("POST", self._caminho, body=corpo, headers=cabecalhos)
                resposta = conexao.getresponse()
                resposta.read()  # the connection is reused only once the body is consumed
            except (OSError, http.client.HTTPException) as erro:
                conexao.close()  # http.client reopens it on the next request
                log.debug("Falha de conexão ao postar leitura: %r", erro)
                continue
            if resposta.status in (200, 201):
                if resposta.status == 200:
                    self.sim.contagem.contar("duplicadas")
                self.sim.confirmar_envio(indice, "telemetria")
                return
            if resposta.status < 500:
                self.sim.contagem.contar(f"erros_http_{resposta.status}")
                return
        self.sim.contagem.contar("erros")
