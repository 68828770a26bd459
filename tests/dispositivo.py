"""A simulated device for the tests: a real paho client that obeys commands like the firmware."""
import json
import queue
import uuid

import paho.mqtt.client as paho

from mqtt.contrato import topico


class DispositivoSimulado:
    def __init__(self, porta, maquina_id, responder=True):
        self.maquina_id = maquina_id
        self.responder = responder
        self.comandos = queue.Queue()
        self.cliente = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"teste-{uuid.uuid4().hex[:8]}")
        self.cliente.will_set(topico(maquina_id, "status"), json.dumps({"state": "offline"}), qos=1, retain=True)
        self.cliente.on_connect = self._ao_conectar
        self.cliente.on_message = self._ao_receber
        self._conectado = queue.Queue()
        self.cliente.connect("127.0.0.1", porta, keepalive=10)
        self.cliente.loop_start()
        self._conectado.get(timeout=10)

    def _ao_conectar(self, cliente, userdata, flags, reason_code, properties):
        cliente.subscribe(topico(self.maquina_id, "comandos"), qos=1)
        self._conectado.put(True)

    def _ao_receber(self, cliente, userdata, mensagem):
        comando = json.loads(mensagem.payload)
        self.comandos.put(comando)
        if self.responder:
            estado = "iniciada" if comando["comando"] == "start" else "parada"
            # No waiting here: this runs on paho's network thread, which must send the PUBACKs.
            self.cliente.publish(topico(self.maquina_id, "status"), json.dumps({"state": estado}), qos=1)

    def publicar_status(self, estado):
        self.cliente.publish(topico(self.maquina_id, "status"), json.dumps({"state": estado}), qos=1).wait_for_publish(5)

    def publicar(self, tipo, carga, qos=1):
        payload = carga if isinstance(carga, bytes) else json.dumps(carga)
        self.cliente.publish(topico(self.maquina_id, tipo), payload, qos=qos).wait_for_publish(5)

    def fechar(self):
        self.cliente.disconnect()
        self.cliente.loop_stop()
