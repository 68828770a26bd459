"""MQTT for the simulator: paho-mqtt 2 clients that publish readings and status and hear commands.

Up to MAQUINAS_POR_CLIENTE machines each client is one machine, as in the plant: its own
connection, its credentials (machine id + device token, as `main.py maquina criar` prints)
and a Last Will on its status topic. Past that, one connection and one paho thread per
machine costs more than it shows (200 sockets and threads for 200 machines), so a small
pool of clients publishes for up to MAQUINAS_POR_CLIENTE machines each; those clients set
no Last Will (one will cannot speak for 50 machines) and log in with MQTT_USERNAME, so a
broker with per-machine ACLs needs the 1:1 mode.

A message counts as sent when the broker acknowledges it (QoS 1 PUBACK), never before.
"""
import json
import logging
import threading
import time
import uuid

import paho.mqtt.client as paho

from mqtt.contrato import topico

log = logging.getLogger(__name__)

MAQUINAS_POR_CLIENTE = 50
QOS = 1


class _Cliente:
    """One paho client publishing for one or more machines (by their index in the simulator)."""

    def __init__(self, transporte, indices, usuario=None, senha=None):
        self.transporte = transporte
        self.indices = indices
        maquinas = [transporte.sim.maquinas[i] for i in indices]
        self.topico_comandos = {topico(m.maquina_id, "comandos"): i for m, i in zip(maquinas, indices)}
        self.conectado = threading.Event()
        self._pendentes = {}  # mid -> (index, kind) until the broker acknowledges it
        self._confirmados_antes = set()  # PUBACKs that arrived before publish() returned
        self._trava = threading.Lock()
        self.cliente = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"databutcher-sim-{uuid.uuid4().hex[:12]}")
        if len(maquinas) == 1:
            self.cliente.username_pw_set(maquinas[0].maquina_id, maquinas[0].token)
            self.cliente.will_set(topico(maquinas[0].maquina_id, "status"), json.dumps({"state": "offline"}), qos=QOS, retain=True)
        elif usuario:
            self.cliente.username_pw_set(usuario, senha)
        self.cliente.reconnect_delay_set(1, 5)
        self.cliente.max_inflight_messages_set(100)
        self.cliente.on_connect = self._ao_conectar
        self.cliente.on_disconnect = self._ao_desconectar
        self.cliente.on_message = self._ao_receber
        self.cliente.on_publish = self._ao_confirmar

    # Every callback is wrapped: an escaping exception would end paho's network thread.
    def _ao_conectar(self, cliente, userdata, flags, reason_code, properties):
        try:
            if reason_code.is_failure:
                self.transporte.sim.contagem.contar("erros_conexao")
                log.error("Broker recusou o cliente do simulador: %s", reason_code)
                return
            cliente.subscribe([(nome, QOS) for nome in self.topico_comandos])
            self.conectado.set()
            self.transporte.sim.ao_conectar(self.indices)
        except Exception:
            self.transporte.sim.contagem.contar("erros")
            log.exception("Erro ao conectar o cliente do simulador")

    def _ao_desconectar(self, cliente, userdata, flags, reason_code, properties):
        self.conectado.clear()
        if not self.transporte.fechando:
            self.transporte.sim.contagem.contar("desconexoes")
            log.warning("Cliente do simulador desconectado (%s); reconectando", reason_code)

    def _ao_receber(self, cliente, userdata, mensagem):
        try:
            indice = self.topico_comandos.get(mensagem.topic)
            if indice is not None:
                self.transporte.sim.receber_comando(indice, mensagem.payload)
        except Exception:
            self.transporte.sim.contagem.contar("erros")
            log.exception("Erro ao tratar comando em %r", mensagem.topic)

    def _ao_confirmar(self, cliente, userdata, mid, reason_code, properties):
        try:
            with self._trava:
                item = self._pendentes.pop(mid, None)
                if item is None:
                    self._confirmados_antes.add(mid)
                    return
            self.transporte.sim.confirmar_envio(*item)
        except Exception:
            self.transporte.sim.contagem.contar("erros")
            log.exception("Erro ao contar a confirmação %s", mid)

    def publicar(self, indice, tipo, carga, retain=False):
        maquina_id = self.transporte.sim.maquinas[indice].maquina_id
        info = self.cliente.publish(topico(maquina_id, tipo), json.dumps(carga), qos=QOS, retain=retain)
        # Not connected: paho keeps QoS 1 messages and sends them after reconnecting.
        if info.rc not in (paho.MQTT_ERR_SUCCESS, paho.MQTT_ERR_NO_CONN):
            self.transporte.sim.contagem.contar("erros_publicacao")
            return
        with self._trava:
            if info.mid not in self._confirmados_antes:
                self._pendentes[info.mid] = (indice, tipo)
                return
            self._confirmados_antes.discard(info.mid)
        self.transporte.sim.confirmar_envio(indice, tipo)

    def pendentes(self) -> int:
        with self._trava:
            return len(self._pendentes)


class TransporteMqtt:
    """The simulator's clients: 1 per machine up to MAQUINAS_POR_CLIENTE machines, else a pool."""

    def __init__(self, sim, broker, porta, usuario=None, senha=None):
        self.sim = sim
        self.broker, self.porta = broker, porta
        self.fechando = False
        n = len(sim.maquinas)
        por_cliente = 1 if n <= MAQUINAS_POR_CLIENTE else MAQUINAS_POR_CLIENTE
        grupos = [list(range(i, min(i + por_cliente, n))) for i in range(0, n, por_cliente)]
        self.clientes = [_Cliente(self, grupo, usuario, senha) for grupo in grupos]
        self._cliente_da_maquina = {i: c for c in self.clientes for i in c.indices}

    def abrir(self, espera_s=10.0):
        """Connect every client (in the background, retried) and wait a little for them."""
        for cliente in self.clientes:
            cliente.cliente.connect_async(self.broker, self.porta, keepalive=15)
            cliente.cliente.loop_start()
        limite = time.monotonic() + espera_s
        for cliente in self.clientes:
            cliente.conectado.wait(max(limite - time.monotonic(), 0))

    def conectados(self) -> int:
        return sum(c.conectado.is_set() for c in self.clientes)

    def enviar_leitura(self, indice, leitura):
        self._cliente_da_maquina[indice].publicar(indice, "telemetria", leitura)

    def enviar_estado(self, indice, estado):
        self._cliente_da_maquina[indice].publicar(indice, "status", {"state": estado}, retain=True)

    def pendentes(self) -> int:
        return sum(c.pendentes() for c in self.clientes)

    def fechar(self, espera_s=5.0) -> int:
        """Wait for the broker's acknowledgements, then disconnect; returns messages never acknowledged."""
        limite = time.monotonic() + espera_s
        while self.pendentes() and time.monotonic() < limite and self.conectados():
            time.sleep(0.02)
        self.fechando = True
        nao_confirmadas = self.pendentes()
        for cliente in self.clientes:
            cliente.cliente.disconnect()
        for cliente in self.clientes:
            cliente.cliente.loop_stop()
            # paho keeps loop_start's wake-up socketpair until the client is collected, and our
            # callbacks make it cyclic garbage (ResourceWarning); reinitialise() is the public close.
            cliente.cliente.reinitialise()
        return nao_confirmadas

