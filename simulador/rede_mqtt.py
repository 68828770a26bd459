"""One thread for the network of many paho clients: paho's external-loop API over one selector.

Each simulated machine logs in as itself (username = machine id, password = device token), as
the plant's devices do, so it needs a connection of its own; with `loop_start()` that is one
paho thread per machine (300 machines, 300 threads waking for keepalives). Here every socket
sits in one selector (epoll where there is one) served by one thread, which also sends the
keepalives (`loop_misc`) and reconnects with backoff. Every paho call happens on this thread:
other threads hand work over with `executar`, which wakes the selector, so no paho client is
ever used by two threads at once.
"""
import heapq
import itertools
import logging
import queue
import random
import selectors
import socket
import threading
import time

log = logging.getLogger(__name__)

CONEXOES_POR_VOLTA = 20  # blocking TCP connects per turn: a full accept backlog never stalls the loop long
ATRASO_RECONEXAO_S = (1.0, 5.0)  # first and longest wait before reconnecting, as the app's client does
CONEXAO_ESTAVEL_S = 10.0  # a connection that lived this long resets the backoff


class LacoMqtt:
    """Connects, serves and reconnects the paho clients given to `adicionar` (each after `connect_async`)."""

    def __init__(self, nome="simulador-rede-mqtt"):
        self._seletor = selectors.DefaultSelector()
        self._acordar_leitura, self._acordar_escrita = socket.socketpair()
        for lado in (self._acordar_leitura, self._acordar_escrita):
            lado.setblocking(False)
        self._seletor.register(self._acordar_leitura, selectors.EVENT_READ, None)
        self._pedidos = queue.SimpleQueue()
        self._clientes = []
        self._agenda = []  # heap of (when, n, client) connections due
        self._contador = itertools.count()
        self._atraso, self._aberto_em = {}, {}
        self._reconectando = None
        self._encerrando = False
        self._linha = threading.Thread(target=self._rodar, name=nome, daemon=True)

    # ---- any thread --------------------------------------------------------------------
    def adicionar(self, cliente):
        """Serve `cliente` (connect_async already called); before `iniciar` or through `executar`."""
        cliente.on_socket_open = self._ao_abrir
        cliente.on_socket_close = self._ao_fechar
        cliente.on_socket_register_write = self._ao_querer_escrever
        cliente.on_socket_unregister_write = self._ao_nao_querer_escrever
        self._clientes.append(cliente)
        self._agendar(cliente, 0.0)

    def executar(self, funcao, *args):
        """Run `funcao(*args)` on the network thread, soon."""
        self._pedidos.put((funcao, args))
        try:
            self._acordar_escrita.send(b"!")
        except BlockingIOError:  # the wake-up buffer is full: the loop is awake anyway
            pass

    def iniciar(self):
        self._linha.start()
        return self

    def parar(self, espera_s=2.0):
        """Disconnect every client cleanly (DISCONNECT sent, so no Last Will), then end the thread."""
        self.executar(self._desconectar_todos)
        self._linha.join(espera_s + 1.0)

    # ---- the network thread -------------------------------------------------------------
    def _rodar(self):
        proximo_misc = time.monotonic() + 1.0
        limite_encerramento = None
        while True:
            agora = time.monotonic()
            if self._encerrando:
                limite_encerramento = limite_encerramento or agora + 2.0
                if not any(c.socket() for c in self._clientes) or agora > limite_encerramento:
                    break
            espera = min(max(proximo_misc - agora, 0.0), self._agenda[0][0] - agora if self._agenda else 1.0)
            for chave, eventos in self._seletor.select(max(espera, 0.0)):
                self._atender(chave, eventos)
            self._executar_pedidos()
            self._conectar_devidos()
            if time.monotonic() >= proximo_misc:
                for cliente in self._clientes:
                    cliente.loop_misc()  # keepalive pings; a silent broker is noticed here
                proximo_misc = time.monotonic() + 1.0
        self._fechar_tudo()

    def _atender(self, chave, eventos):
        if chave.data is None:
            while True:
                try:
                    if not self._acordar_leitura.recv(4096):
                        break
                except BlockingIOError:
                    break
            return
        cliente = chave.data
        try:
            if eventos & selectors.EVENT_READ:
                cliente.loop_read()
            if eventos & selectors.EVENT_WRITE and cliente.socket() is chave.fileobj:
                cliente.loop_write()
        except Exception:  # one client's failure must not end the loop that serves all of them
            log.exception("Erro de rede num cliente MQTT do simulador")

    def _executar_pedidos(self):
        while True:
            try:
                funcao, args = self._pedidos.get_nowait()
            except queue.Empty:
                return
            try:
                funcao(*args)
            except Exception:
                log.exception("Erro ao executar %r na linha de rede", funcao)

    def _agendar(self, cliente, atraso_s):
        heapq.heappush(self._agenda, (time.monotonic() + atraso_s, next(self._contador), cliente))

    def _conectar_devidos(self):
        for _ in range(CONEXOES_POR_VOLTA):
            if self._encerrando or not self._agenda or self._agenda[0][0] > time.monotonic():
                return
            cliente = heapq.heappop(self._agenda)[2]
            self._reconectando = cliente
            try:
                cliente.reconnect()
            except OSError as erro:  # refused, unreachable, timed out: try again later
                log.debug("Conexão MQTT falhou (%s); nova tentativa", erro)
                self._agendar(cliente, self._proximo_atraso(cliente))
            finally:
                self._reconectando = None

    def _proximo_atraso(self, cliente):
        atraso = min(self._atraso.get(cliente, ATRASO_RECONEXAO_S[0] / 2) * 2, ATRASO_RECONEXAO_S[1])
        self._atraso[cliente] = atraso
        return atraso * random.uniform(0.8, 1.2)  # spread: 300 machines must not come back in one burst

    def _desconectar_todos(self):
        self._encerrando = True
        self._agenda.clear()
        for cliente in self._clientes:
            if cliente.socket() is not None:
                cliente.disconnect()

    def _fechar_tudo(self):
        for cliente in self._clientes:
            if cliente.socket() is not None:  # the broker never took the DISCONNECT: close it anyway
                cliente.reinitialise()
        self._seletor.close()
        self._acordar_leitura.close()
        self._acordar_escrita.close()

    # ---- paho's external-loop callbacks (all on this thread) --------------------------------
    def _ao_abrir(self, cliente, userdata, sock):
        self._aberto_em[cliente] = time.monotonic()
        self._seletor.register(sock, selectors.EVENT_READ, cliente)

    def _ao_fechar(self, cliente, userdata, sock):
        try:
            self._seletor.unregister(sock)
        except (KeyError, ValueError):
            pass
        if self._encerrando or cliente is self._reconectando:
            return
        if time.monotonic() - self._aberto_em.get(cliente, 0.0) > CONEXAO_ESTAVEL_S:
            self._atraso.pop(cliente, None)
        self._agendar(cliente, self._proximo_atraso(cliente))

    def _ao_querer_escrever(self, cliente, userdata, sock):
        self._seletor.modify(sock, selectors.EVENT_READ | selectors.EVENT_WRITE, cliente)

    def _ao_nao_querer_escrever(self, cliente, userdata, sock):
        try:
            self._seletor.modify(sock, selectors.EVENT_READ, cliente)
        except (KeyError, ValueError):  # already closed and unregistered
            pass
