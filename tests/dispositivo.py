"""A simulated device for the tests: a real paho client that logs in and obeys commands like the firmware."""
import json
import queue
import threading
import uuid

import paho.mqtt.client as paho

from mqtt.contrato import topico


class DispositivoSimulado:
    def __init__(self, porta, maquina_id, token, responder=True, usuario=None, client_id=None, desarme=None):
        """Logs in as the firmware does: username = machine id (or `usuario`), password = device token.

        With `desarme` ({"motivo", "valor", "limite"}) a start trips at once, as the firmware reports it.

        Raises ConnectionRefusedError if the broker refuses the login; returns once its own
        command topic is subscribed.
        """
        self.maquina_id = maquina_id
        self.responder = responder
        self.desarme = desarme
        self.comandos = queue.Queue()
        self.alheias = []  # (topic, payload) of every message that is not one of its commands
        self.desconexoes = []
        self._subacks = {}
        self.cliente = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id or f"teste-{uuid.uuid4().hex[:8]}")
        self.cliente.username_pw_set(usuario or maquina_id, token)
        self.cliente.will_set(topico(maquina_id, "status"), json.dumps({"state": "offline"}), qos=1, retain=True)
        self.cliente.on_connect = self._ao_conectar
        self.cliente.on_disconnect = lambda c, u, f, codigo, p: self.desconexoes.append(str(codigo))
        self.cliente.on_subscribe = self._ao_assinar
        self.cliente.on_message = self._ao_receber
        self._conectado = queue.Queue()
        self.cliente.connect("127.0.0.1", porta, keepalive=10)
        self.cliente.loop_start()
        resultado = self._conectado.get(timeout=10)
        if resultado is not True:  # a test that meant to log in must not carry on as if it had
            self.fechar()
            raise ConnectionRefusedError(f"broker recusou {usuario or maquina_id}: {resultado}")

    def _ao_conectar(self, cliente, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            self._conectado.put(str(reason_code))
            return
        # The SUBACK arrives on this very thread (paho's network thread): wait for it elsewhere.
        threading.Thread(target=lambda: self._conectado.put(self.assinar(topico(self.maquina_id, "comandos"))),
                         daemon=True).start()

    def _ao_assinar(self, cliente, userdata, mid, codigos, properties):
        espera = self._subacks.setdefault(mid, [threading.Event(), None])
        espera[1] = not any(codigo.is_failure for codigo in codigos)
        espera[0].set()

    def _ao_receber(self, cliente, userdata, mensagem):
        if mensagem.topic != topico(self.maquina_id, "comandos"):
            self.alheias.append((mensagem.topic, mensagem.payload))
            return
        comando = json.loads(mensagem.payload)
        self.comandos.put(comando)
        if self.responder and comando.get("comando") in {"start", "stop", "reset"}:
            estado = {"state": "iniciada" if comando["comando"] == "start" else "parada"}
            if comando["comando"] == "start" and self.desarme:
                estado = {"state": "desarmada", **self.desarme}
            # No waiting here: this runs on paho's network thread, which must send the PUBACKs.
            self.cliente.publish(topico(self.maquina_id, "status"), json.dumps(estado), qos=1)

    def assinar(self, filtro) -> bool:
        """Subscribe and wait for the SUBACK: True if the broker granted it."""
        _, mid = self.cliente.subscribe(filtro, qos=1)
        espera = self._subacks.setdefault(mid, [threading.Event(), None])
        return espera[0].wait(10) and espera[1]

    def publicar_status(self, estado):
        self.cliente.publish(topico(self.maquina_id, "status"), json.dumps({"state": estado}), qos=1).wait_for_publish(5)

    def publicar(self, tipo, carga, qos=1):
        self.publicar_em(topico(self.maquina_id, tipo), carga, qos)

    def publicar_em(self, topico_destino, carga, qos=1, retain=False):
        """Publish anywhere, as a misbehaving device would (the broker decides what happens to it)."""
        payload = carga if isinstance(carga, bytes) else json.dumps(carga)
        self.cliente.publish(topico_destino, payload, qos=qos, retain=retain).wait_for_publish(5)

    def fechar(self):
        self.cliente.disconnect()
        self.cliente.loop_stop()


def tentar_login(porta, usuario=None, senha=None, client_id=None, sessao_limpa=True, host="127.0.0.1") -> str:
    """The broker's answer to a CONNECT with these credentials ("Success", "Not authorized", ...)."""
    respostas = queue.Queue()
    cliente = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=client_id or f"tentativa-{uuid.uuid4().hex[:8]}",
                          clean_session=sessao_limpa)
    if usuario is not None:
        cliente.username_pw_set(usuario, senha)
    cliente.on_connect = lambda c, u, f, codigo, p: respostas.put(str(codigo))
    cliente.on_disconnect = lambda c, u, f, codigo, p: respostas.put(f"desconectado: {codigo}")
    try:
        cliente.connect(host, porta, keepalive=10)
        cliente.loop_start()
        return respostas.get(timeout=10)
    finally:
        cliente.disconnect()
        cliente.loop_stop()
