"""The embedded MQTT broker (amqtt) used when MQTT_BROKER_URL is not set.

It runs in a daemon thread with its own asyncio loop, so a fresh machine can run devices,
the simulator and the app at once. It never accepts anonymous clients: whoever connects is
judged by the Porteiro it is given (mqtt/acesso.py), so devices log in with their machine id
and token and the app with its own credentials. It listens on MQTT_BIND (loopback by
default; 0.0.0.0 lets real devices on the plant network in).
"""
import asyncio
import logging
import socket
import threading

from .amqtt_plugins import configuracao
from .broker_amqtt import BrokerAmqtt

log = logging.getLogger(__name__)


class BrokerIndisponivel(RuntimeError):
    """The embedded broker could not listen (port taken?)."""


def host_para_conectar(bind) -> str:
    """Where a local client reaches a listener bound to `bind` (0.0.0.0 listens on loopback too)."""
    return "127.0.0.1" if bind in (None, "", "0.0.0.0", "::") else bind


class BrokerEmbutido:
    def __init__(self, porteiro, host="127.0.0.1", porta=1883):
        if porteiro is None:
            raise ValueError("o broker embutido precisa de um porteiro: nunca aceita clientes anônimos")
        self.porteiro = porteiro
        self.host, self.porta = host, porta
        self._loop = None
        self._broker = None
        self._linha = None
        self._pronto = threading.Event()
        self._erro = None

    def iniciar(self, espera_max=10.0):
        """Start listening; raise BrokerIndisponivel with a clear message if we cannot."""
        with socket.socket() as sonda:
            sonda.settimeout(0.2)
            if sonda.connect_ex((host_para_conectar(self.host), self.porta)) == 0:
                raise BrokerIndisponivel(
                    f"A porta MQTT {self.porta} já está em uso: outro broker (mosquitto?) está rodando? "
                    "Use-o com MQTT_BROKER_URL ou escolha outra MQTT_BROKER_PORT.")
        self._linha = threading.Thread(target=self._rodar, name="broker-mqtt-embutido", daemon=True)
        self._linha.start()
        if not self._pronto.wait(espera_max) or self._erro:
            raise BrokerIndisponivel(f"Broker MQTT embutido não iniciou: {self._erro or 'tempo esgotado'}")
        log.info("Broker MQTT embutido (amqtt) em %s:%s, com login por dispositivo", self.host, self.porta)
        return self

    def criar_broker(self, loop):
        """The amqtt broker this thread runs (a test swaps in the stock class to show the fixes matter)."""
        return BrokerAmqtt(configuracao(self.host, self.porta, self.porteiro), loop=loop, porteiro=self.porteiro)

    def _rodar(self):
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        try:
            self._broker = self.criar_broker(self._loop)
            self._loop.run_until_complete(self._broker.start())
        except Exception as erro:  # reported to iniciar(), which raises it in the caller's thread
            self._erro = type(erro).__name__
            self._pronto.set()
            self._loop.close()
            return
        self._pronto.set()
        try:
            self._loop.run_forever()
        finally:
            # Connections still open when the broker stopped: end their tasks before the loop goes.
            pendentes = asyncio.all_tasks(self._loop)
            for tarefa in pendentes:
                tarefa.cancel()
            self._loop.run_until_complete(asyncio.gather(*pendentes, return_exceptions=True))
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
            self._loop.close()

    def em_execucao(self, corrotina, espera_s=10.0):
        """Run a coroutine on the broker's loop from another thread and return its result."""
        return asyncio.run_coroutine_threadsafe(corrotina, self._loop).result(espera_s)

    def parar(self):
        if self._loop is None or self._broker is None or not self._loop.is_running():
            return
        try:
            self.em_execucao(self._broker.shutdown(), 5)
        except Exception:
            log.warning("Broker embutido não parou de forma limpa", exc_info=True)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._linha is not None:
            self._linha.join(5)
