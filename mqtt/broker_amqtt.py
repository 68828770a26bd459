"""amqtt 0.12.1's Broker with what it gets wrong for devices on a plant network, fixed in a subclass.

1. Its subscription table is iterated across awaits (retained messages sent to a client that
   just connected; a broadcast awaiting the ACL check of each subscriber): a SUBSCRIBE handled
   meanwhile adds a key and the loop dies with "dictionary changed size during iteration",
   dropping the connecting client (or the rest of a broadcast). The table iterates over a snapshot.
2. A client that connects is sent the retained messages of *every* subscription in the broker,
   not only its own, without the ACL: device A would read B's retained status. Only its own now.
3. It touches the session of the CONNECT's client id (deletes its subscriptions, or takes the
   connection over) before asking the auth plugins: anyone who knows a device's client id could
   cut its commands without a password. The login is checked before anything else, and a
   connection that sends no CONNECT within PRAZO_LOGIN_S is closed.
4. Credentials are checked only at CONNECT: a rotated token or a removed machine would keep its
   open connection. Connected devices are checked again every INTERVALO_REVALIDACAO_S and dropped.
5. A connection it stops serving on an error path (or at shutdown) can be left open. Closed now.
"""
import asyncio
import logging

from amqtt.adapters import ReaderAdapter
from amqtt.broker import Broker
from amqtt.errors import AMQTTError, MQTTError
from amqtt.mqtt.connack import NOT_AUTHORIZED, ConnackPacket
from amqtt.mqtt.connect import ConnectPacket

from .amqtt_plugins import CHAVE_PERMISSOES, perguntar_ao_porteiro

log = logging.getLogger(__name__)

INTERVALO_REVALIDACAO_S = 5.0  # as long as the token cache of GerenciaMaquinas
PRAZO_LOGIN_S = 10.0


class _AssinaturasPorInstantaneo(dict):
    """amqtt's subscription table (filter -> [(session, qos)]), iterated over a snapshot."""

    def __iter__(self):
        return iter(list(dict.keys(self)))

    def keys(self):
        return list(dict.keys(self))

    def values(self):
        return [list(assinantes) for assinantes in dict.values(self)]

    def items(self):
        return [(filtro, list(assinantes)) for filtro, assinantes in dict.items(self)]


class _LeitorGravador(ReaderAdapter):
    """Reads through to the connection and keeps the bytes, so amqtt can read the CONNECT again."""

    def __init__(self, leitor):
        self.leitor, self.lidos = leitor, bytearray()

    async def read(self, n=-1):
        dados = await self.leitor.read(n)
        self.lidos += dados
        return dados

    def feed_eof(self):
        self.leitor.feed_eof()


class _LeitorComPrefixo(ReaderAdapter):
    """Serves `prefixo` first, then the connection: amqtt parses the CONNECT it was handed back."""

    def __init__(self, prefixo, leitor):
        self.prefixo, self.leitor = bytes(prefixo), leitor

    async def read(self, n=-1):
        if not self.prefixo:
            return await self.leitor.read(n)
        if n == -1 or n > len(self.prefixo):
            raise AMQTTError("leitura além do CONNECT gravado")
        dados, self.prefixo = self.prefixo[:n], self.prefixo[n:]
        return dados

    def feed_eof(self):
        self.leitor.feed_eof()


class BrokerAmqtt(Broker):
    """amqtt's Broker with the fixes above; `porteiro` judges every login (mqtt/acesso.py)."""

    def __init__(self, config, loop=None, porteiro=None, intervalo_revalidacao_s=INTERVALO_REVALIDACAO_S):
        super().__init__(config, loop=loop)
        self._subscriptions = _AssinaturasPorInstantaneo()
        self.porteiro = porteiro
        self.intervalo_revalidacao_s = intervalo_revalidacao_s
        self._revalidacao = None

    async def start(self) -> None:
        await super().start()
        if self.porteiro is not None:
            self._revalidacao = asyncio.create_task(self._revalidar_periodicamente())

    async def shutdown(self) -> None:
        if self._revalidacao is not None:
            self._revalidacao.cancel()
            await asyncio.gather(self._revalidacao, return_exceptions=True)
        await super().shutdown()

    async def stream_connected(self, reader, writer, listener_name) -> None:
        """Serve a TCP connection; when amqtt is done with it, for whatever reason, it is closed."""
        try:
            await super().stream_connected(reader, writer, listener_name)
        finally:
            writer.close()

    async def _initialize_client_session(self, reader, writer, remote_address, remote_port):
        """Refuse a bad login before amqtt looks up (and alters) the session of its client id."""
        if self.porteiro is None:
            return await super()._initialize_client_session(reader, writer, remote_address, remote_port)
        gravador = _LeitorGravador(reader)
        try:
            connect = await asyncio.wait_for(ConnectPacket.from_stream(gravador), PRAZO_LOGIN_S)
        except Exception as erro:  # whatever a stranger sends that is not a readable CONNECT is a refusal
            await writer.close()
            raise AMQTTError(f"sem CONNECT válido de {remote_address}: {type(erro).__name__}") from None
        permissoes = None
        if connect is not None and connect.payload is not None:
            permissoes = await perguntar_ao_porteiro(self.porteiro, connect.username, connect.password)
        if permissoes is None:
            usuario = (connect.username if connect is not None and connect.payload is not None else None) or ""
            log.warning("MQTT: login recusado para %r de %s", usuario[:40], remote_address)
            await ConnackPacket.build(0, NOT_AUTHORIZED).to_stream(writer)
            await writer.close()
            raise MQTTError("login recusado")
        # amqtt reads the same CONNECT again; its auth plugin asks the Porteiro once more (a cache hit)
        # and keeps the answer on the session for the ACL.
        return await super()._initialize_client_session(_LeitorComPrefixo(gravador.lidos, reader), writer,
                                                        remote_address, remote_port)

    async def _publish_retained_messages_for_subscription(self, subscription, session) -> None:
        """Retained messages only for a subscription this session holds."""
        filtro = subscription[0]
        if any(assinante.client_id == session.client_id for assinante, _ in self._subscriptions.get(filtro, ())):
            await super()._publish_retained_messages_for_subscription(subscription, session)

    async def _revalidar_periodicamente(self):
        while True:
            await asyncio.sleep(self.intervalo_revalidacao_s)
            try:
                await self.revalidar_dispositivos()
            except Exception:  # the next round tries again; the broker must not lose this task
                log.exception("Falha ao revalidar os dispositivos conectados")

    async def revalidar_dispositivos(self) -> int:
        """Drop connected devices whose token no longer logs in (rotated) or whose machine is gone."""
        derrubados = 0
        for sessao, handler in list(self._sessions.values()):
            permissoes = sessao.attributes.get(CHAVE_PERMISSOES)
            if permissoes is None or not permissoes.dispositivo or sessao.transitions.state != "connected":
                continue
            if await perguntar_ao_porteiro(self.porteiro, sessao.username, sessao.password) is None:
                log.warning("MQTT: %s desconectado: token trocado ou máquina removida", permissoes.usuario)
                sessao.attributes[CHAVE_PERMISSOES] = None  # nothing slips through before the close lands
                await handler.handle_connection_closed()
                derrubados += 1
        return derrubados
