"""MQTT for the simulator: one paho client per machine, logged in as that machine, on one network thread.

Each machine connects as the firmware does: its own connection, username = machine id,
password = device token (as `main.py maquina criar` prints), a Last Will on its status topic,
and a subscription to its own commands only, so it works on a broker that confines each device
to its topics (both of ours do). The connections share one network thread (rede_mqtt.LacoMqtt)
instead of one paho thread each: 300 machines are 300 sockets and still two threads (this one
and the scheduler). A message counts as sent when the broker acknowledges it (QoS 1 PUBACK).
"""
import json
import logging
import threading
import time
import uuid

import paho.mqtt.client as paho

from mqtt.contrato import topico

from .rede_mqtt import LacoMqtt

log = logging.getLogger(__name__)

QOS = 1
KEEPALIVE_S = 15


class _Dispositivo:
    """One machine's paho client; every method but `publicar` and `pendentes` runs on the network thread."""

    def __init__(self, transporte, indice, broker, porta):
        self.transporte, self.indice = transporte, indice
        maquina = transporte.sim.maquinas[indice]
        self.maquina_id = maquina.maquina_id
        self.topico_comandos = topico(self.maquina_id, "comandos")
        self.conectado = threading.Event()
        self._pendentes = {}  # mid -> kind, until the broker acknowledges it
        self._na_fila = 0  # handed to the network thread, not yet given to paho
        self._trava = threading.Lock()
        self.cliente = paho.Client(paho.CallbackAPIVersion.VERSION2,
                                   client_id=f"databutcher-sim-{self.maquina_id}-{uuid.uuid4().hex[:6]}")
        self.cliente.username_pw_set(self.maquina_id, maquina.token)
        self.cliente.will_set(topico(self.maquina_id, "status"), json.dumps({"state": "offline"}), qos=QOS, retain=True)
        self.cliente.max_inflight_messages_set(100)
        self.cliente.on_connect = self._ao_conectar
        self.cliente.on_disconnect = self._ao_desconectar
        self.cliente.on_message = self._ao_receber
        self.cliente.on_publish = self._ao_confirmar
        self.cliente.connect_async(broker, porta, keepalive=KEEPALIVE_S)

    # Every callback is wrapped: an escaping exception would reach the loop that serves every machine.
    def _ao_conectar(self, cliente, userdata, flags, reason_code, properties):
        try:
            if reason_code.is_failure:
                self.transporte.sim.contagem.contar("erros_conexao")
                log.error("Broker recusou a máquina simulada %s: %s", self.maquina_id, reason_code)
                return
            cliente.subscribe(self.topico_comandos, QOS)
            self.conectado.set()
            self.transporte.sim.ao_conectar([self.indice])
        except Exception:
            self.transporte.sim.contagem.contar("erros")
            log.exception("Erro ao conectar a máquina simulada %s", self.maquina_id)

    def _ao_desconectar(self, cliente, userdata, flags, reason_code, properties):
        self.conectado.clear()
        if not self.transporte.fechando:
            self.transporte.sim.contagem.contar("desconexoes")
            log.warning("Máquina simulada %s desconectada (%s); reconectando", self.maquina_id, reason_code)

    def _ao_receber(self, cliente, userdata, mensagem):
        try:
            if mensagem.topic == self.topico_comandos:
                self.transporte.sim.receber_comando(self.indice, mensagem.payload)
            else:  # a broker that confines devices never sends this: counted, so a leak shows
                self.transporte.sim.contagem.contar("mensagens_alheias")
        except Exception:
            self.transporte.sim.contagem.contar("erros")
            log.exception("Erro ao tratar comando em %r", mensagem.topic)

    def _ao_confirmar(self, cliente, userdata, mid, reason_code, properties):
        try:
            tipo = self._pendentes.pop(mid, None)
            if tipo is not None:
                self.transporte.sim.confirmar_envio(self.indice, tipo)
        except Exception:
            self.transporte.sim.contagem.contar("erros")
            log.exception("Erro ao contar a confirmação %s", mid)

    def _publicar_agora(self, tipo, payload, retain):
        with self._trava:
            self._na_fila -= 1
        info = self.cliente.publish(topico(self.maquina_id, tipo), payload, qos=QOS, retain=retain)
        # Not connected: paho keeps QoS 1 messages and sends them after reconnecting.
        if info.rc not in (paho.MQTT_ERR_SUCCESS, paho.MQTT_ERR_NO_CONN):
            self.transporte.sim.contagem.contar("erros_publicacao")
            return
        self._pendentes[info.mid] = tipo  # the PUBACK is read on this same thread, after this line

    # ---- any thread ----------------------------------------------------------------------------
    def publicar(self, tipo, carga, retain=False):
        with self._trava:
            self._na_fila += 1
        self.transporte.laco.executar(self._publicar_agora, tipo, json.dumps(carga), retain)

    def pendentes(self) -> int:
        with self._trava:
            return self._na_fila + len(self._pendentes)


class TransporteMqtt:
    """The simulator's MQTT side: a client per machine, all served by one LacoMqtt."""

    def __init__(self, sim, broker, porta):
        self.sim = sim
        self.fechando = False
        self.laco = LacoMqtt()
        self.dispositivos = [_Dispositivo(self, indice, broker, porta) for indice in range(len(sim.maquinas))]
        for dispositivo in self.dispositivos:
            self.laco.adicionar(dispositivo.cliente)

    def abrir(self, espera_s=10.0):
        """Connect every machine (in the background, retried) and wait a little for them."""
        self.laco.iniciar()
        limite = time.monotonic() + espera_s
        for dispositivo in self.dispositivos:
            dispositivo.conectado.wait(max(limite - time.monotonic(), 0))

    def conectados(self) -> int:
        return sum(d.conectado.is_set() for d in self.dispositivos)

    def enviar_leitura(self, indice, leitura):
        self.dispositivos[indice].publicar("telemetria", leitura)

    def enviar_estado(self, indice, carga):
        """A status payload ({"state", "ts", ...}: simulador.maquina_simulada.MaquinaSimulada.status)."""
        self.dispositivos[indice].publicar("status", carga, retain=True)

    def pendentes(self) -> int:
        return sum(d.pendentes() for d in self.dispositivos)

    def fechar(self, espera_s=5.0) -> int:
        """Wait for the broker's acknowledgements, then disconnect; returns messages never acknowledged."""
        limite = time.monotonic() + espera_s
        while self.pendentes() and time.monotonic() < limite and self.conectados():
            time.sleep(0.02)
        self.fechando = True
        nao_confirmadas = self.pendentes()
        self.laco.parar()
        return nao_confirmadas
