"""The embedded MQTT broker (amqtt) used when MQTT_BROKER_URL is not set.

It runs in a daemon thread with its own asyncio loop, bound to loopback, so a
fresh machine can run devices, the simulator and the app at once. Production
uses mosquitto (see README).
"""
import asyncio
import logging
import socket
import threading

log = logging.getLogger(__name__)


class BrokerIndisponivel(RuntimeError):
    """The embedded broker could not listen (port taken?)."""


class BrokerEmbutido:
    def __init__(self, host="127.0.0.1", porta=1883):
        self.host, self.porta = host, porta
        self._loop = None
        self._broker = None
        self._pronto = threading.Event()
        self._erro = None

    def iniciar(self, espera_max=10.0):
        """Start listening; raise BrokerIndisponivel with a clear message if we cannot."""
        with socket.socket() as sonda:
            sonda.settimeout(0.2)
            if sonda.connect_ex((self.host, self.porta)) == 0:
                raise BrokerIndisponivel(
                    f"A porta MQTT {self.porta} já está em uso: outro broker (mosquitto?) está rodando? "
                    "Use-o com MQTT_BROKER_URL ou escolha outra MQTT_BROKER_PORT.")
        threading.Thread(target=self._rodar, name="broker-mqtt-embutido", daemon=True).start()
        if not self._pronto.wait(espera_max) or self._erro:
            raise BrokerIndisponivel(f"Broker MQTT embutido não iniciou: {self._erro or 'tempo esgotado'}")
        log.info("Broker MQTT embutido (amqtt) em %s:%s", self.host, self.porta)
        return self

    def _rodar(self):
        from amqtt.broker import Broker

        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        configuracao = {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.host}:{self.porta}"}},
            "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
        }
        try:
            self._broker = Broker(configuracao, loop=self._loop)
            self._loop.run_until_complete(self._broker.start())
        except Exception as erro:  # reported to iniciar(), which raises it in the caller's thread
            self._erro = type(erro).__name__
            self._pronto.set()
            return
        self._pronto.set()
        self._loop.run_forever()

    def parar(self):
        if self._loop is None or self._broker is None or not self._loop.is_running():
            return
        try:
            asyncio.run_coroutine_threadsafe(self._broker.shutdown(), self._loop).result(5)
        except Exception:
            log.warning("Broker embutido não parou de forma limpa", exc_info=True)
        self._loop.call_soon_threadsafe(self._loop.stop)
