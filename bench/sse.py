"""Many live dashboards on raw sockets: N open `/api/eventos` streams from one thread, not N browsers.

Used by bench/fluxos.py and by the fault test tests/test_fluxos_gunicorn.py. Every request is
written at once, then one selector reads every answer: the status line of each stream, then
whatever it sends (a background thread drains them, as a browser would, so the server's
writes never block on a full socket buffer).
"""
import selectors
import socket
import threading
import time
from collections import Counter


class Fluxos:
    """`quantidade` streams of /api/eventos, one per token in `tokens` (cycled)."""

    def __init__(self, porta, tokens, quantidade):
        self.porta = porta
        self.tokens = [tokens[i % len(tokens)] for i in range(quantidade)]
        self.seletor = selectors.DefaultSelector()
        self.status = {}      # socket -> HTTP status (0 while no status line arrived)
        self._buffers = {}
        self.bytes_lidos = Counter()
        self._parar = threading.Event()
        self._drenador = None
        self._trava = threading.Lock()

    def abrir(self, espera_s=15.0) -> Counter:
        """Send every request, then wait up to `espera_s` for the status lines: Counter {status: n} (0 = none)."""
        for token in self.tokens:
            conexao = socket.create_connection(("127.0.0.1", self.porta), timeout=5)
            conexao.sendall(f"GET /api/eventos HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                            f"Authorization: Bearer {token}\r\n\r\n".encode())
            conexao.setblocking(False)
            self.status[conexao], self._buffers[conexao] = 0, b""
            self.seletor.register(conexao, selectors.EVENT_READ)
        limite = time.monotonic() + espera_s
        while time.monotonic() < limite and any(s == 0 for s in self.status.values()):
            self._ler(0.2)
        self._drenador = threading.Thread(target=self._drenar, name="drenador-sse", daemon=True)
        self._drenador.start()
        return Counter(self.status.values())

    def abertos(self) -> int:
        with self._trava:
            return sum(1 for s in self.status.values() if s == 200)

    def _ler(self, espera_s):
        for chave, _ in self.seletor.select(espera_s):
            conexao = chave.fileobj
            try:
                dados = conexao.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                dados = b""
            with self._trava:
                if not dados:  # the server closed it (a refusal, or the end of the stream's life)
                    self.seletor.unregister(conexao)
                    conexao.close()
                    if self.status.get(conexao) == 200:
                        self.status[conexao] = -200  # was open, ended
                    continue
                self.bytes_lidos[conexao] += len(dados)
                if self.status[conexao] == 0:
                    self._buffers[conexao] += dados
                    cabecalho = self._buffers[conexao]
                    if b"\r\n" in cabecalho:
                        self.status[conexao] = int(cabecalho.split(b" ", 2)[1])

    def _drenar(self):
        while not self._parar.is_set() and self.seletor.get_map():
            self._ler(0.2)

    def fechar(self):
        """Close every stream (the server notices at its next write)."""
        self._parar.set()
        if self._drenador is not None:
            self._drenador.join(timeout=5)
        for chave in list(self.seletor.get_map().values()):
            self.seletor.unregister(chave.fileobj)
            chave.fileobj.close()
        self.seletor.close()
