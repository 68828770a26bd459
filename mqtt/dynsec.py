"""Device logins on mosquitto through its dynamic security plugin (`$CONTROL/dynamic-security/v1`).

With MQTT_DYNSEC=true the app and the console give the use cases a `CredenciaisDynsec` as
`servicos.credenciais` (nucleo/credenciais.py): creating a machine creates its mosquitto client
(username = machine id, password = device token) with a role of its own; a new token sets the
client's password (mosquitto drops the connections that used the old one); removing the machine
deletes client and role (and drops its connection). Roles carry the rights of mqtt/acesso.py,
so both brokers enforce the same rules. mosquitto 2.0's dynsec does not expand %u in ACLs,
hence one role per device. paho is imported only here, and only when this client is built.
"""
import json
import logging
import queue
import threading
import uuid

from MongoDB.erros import CredenciaisDoBrokerIndisponiveis

from .acesso import PREFIXO_COMPARTILHADO, permissoes_app, permissoes_dispositivo

log = logging.getLogger(__name__)

TOPICO_CONTROLE = "$CONTROL/dynamic-security/v1"
TOPICO_RESPOSTAS = TOPICO_CONTROLE + "/response"
PAPEL_APP = "databutcher-app"
JA_EXISTE = {"Role already exists", "Client already exists"}
NAO_EXISTE = {"Role not found", "Client not found"}


def papel_do_dispositivo(maquina_id) -> str:
    return f"databutcher-maquina-{maquina_id}"


def acls(permissoes) -> list:
    """A role's ACLs from Permissoes: publish to its topics, subscribe to exactly its filters."""
    regras = [{"acltype": "publishClientSend", "topic": topico, "allow": True} for topico in permissoes.publicar]
    regras += [{"acltype": "subscribeLiteral", "topic": filtro, "allow": True} for filtro in permissoes.assinar]
    if not permissoes.dispositivo:  # mosquitto checks a shared subscription with its $share/<group>/ prefix
        regras += [{"acltype": "subscribePattern", "topic": f"{PREFIXO_COMPARTILHADO}+/{filtro}", "allow": True}
                   for filtro in permissoes.assinar]
    return regras


class CredenciaisDynsec:
    """A small request/response client of the dynsec API; one request at a time, connected on first use."""

    def __init__(self, host, porta, usuario, senha, tls=False, espera_s=5.0):
        self.host, self.porta, self.usuario, self._senha, self.tls = host, porta, usuario, senha, tls
        self.espera_s = espera_s
        self._cliente = None
        self._respostas = queue.Queue()
        self._trava = threading.Lock()

    # ---- the port (nucleo/credenciais.py) ------------------------------------------------
    def definir(self, maquina_id, token):
        """The device's client and role, created if missing, with `token` as its password."""
        papel = papel_do_dispositivo(maquina_id)
        self._executar([
            {"command": "createRole", "rolename": papel, "acls": acls(permissoes_dispositivo(maquina_id))},
            {"command": "createClient", "username": maquina_id, "roles": [{"rolename": papel}]},
            {"command": "setClientPassword", "username": maquina_id, "password": token},
        ], tolerados=JA_EXISTE)

    def remover(self, maquina_id):
        """The device's client and role deleted (already gone counts as done)."""
        self._executar([{"command": "deleteClient", "username": maquina_id},
                        {"command": "deleteRole", "rolename": papel_do_dispositivo(maquina_id)}], tolerados=NAO_EXISTE)

    def preparar_app(self, usuario, senha):
        """The app's own client and role (read status and telemetry, write commands), created if missing.

        The role's ACLs are rewritten (that drops nobody); an existing client keeps its password,
        because setting it would drop every app process logged in with it, this one's siblings included.
        """
        acls_do_app = acls(permissoes_app(usuario))
        self._executar([
            {"command": "createRole", "rolename": PAPEL_APP, "acls": acls_do_app},
            {"command": "modifyRole", "rolename": PAPEL_APP, "acls": acls_do_app},
            {"command": "createClient", "username": usuario, "password": senha, "roles": [{"rolename": PAPEL_APP}]},
        ], tolerados=JA_EXISTE)

    def fechar(self):
        with self._trava:
            if self._cliente is not None:
                self._cliente.disconnect()
                self._cliente.loop_stop()
                self._cliente = None

    # ---- the wire ----------------------------------------------------------------------------
    def _executar(self, comandos, tolerados):
        correlacao = uuid.uuid4().hex
        comandos[0] = dict(comandos[0], correlationData=correlacao)
        with self._trava:
            self._conectar()
            while not self._respostas.empty():  # a late answer to a request that already timed out
                self._respostas.get_nowait()
            self._cliente.publish(TOPICO_CONTROLE, json.dumps({"commands": comandos}), qos=1)
            respostas = self._esperar(correlacao)
        erros = [r.get("error") for r in respostas if r.get("error") and r.get("error") not in tolerados]
        if erros or len(respostas) != len(comandos):
            raise CredenciaisDoBrokerIndisponiveis(motivo="; ".join(erros) or "resposta incompleta")

    def _esperar(self, correlacao):
        try:
            while True:
                respostas = self._respostas.get(timeout=self.espera_s).get("responses") or []
                if respostas and respostas[0].get("correlationData") == correlacao:
                    return respostas
        except queue.Empty:
            raise CredenciaisDoBrokerIndisponiveis(motivo=f"sem resposta em {self.espera_s:g}s") from None

    def _conectar(self):
        if self._cliente is not None and self._cliente.is_connected():
            return
        import paho.mqtt.client as paho  # only when dynsec is on: `python main.py` stays light otherwise

        if self._cliente is not None:
            self._cliente.loop_stop()
        cliente = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"databutcher-dynsec-{uuid.uuid4().hex[:12]}")
        cliente.username_pw_set(self.usuario, self._senha)
        if self.tls:
            cliente.tls_set()
        conectado, assinado, recusa = threading.Event(), threading.Event(), []

        def ao_conectar(cliente, userdata, flags, reason_code, properties):
            if reason_code.is_failure:
                recusa.append(str(reason_code))
            conectado.set()
        cliente.on_connect = ao_conectar

        def ao_assinar(cliente, userdata, mid, codigos, properties):
            recusa.extend(str(codigo) for codigo in codigos if codigo.is_failure)
            assinado.set()
        cliente.on_subscribe = ao_assinar
        cliente.on_message = self._ao_receber
        try:
            cliente.connect(self.host, self.porta, keepalive=30)
        except OSError as erro:
            raise CredenciaisDoBrokerIndisponiveis(motivo=f"{self.host}:{self.porta}: {erro.strerror or erro}") from None
        cliente.loop_start()
        if conectado.wait(self.espera_s) and not recusa:
            cliente.subscribe(TOPICO_RESPOSTAS, qos=1)
            assinado.wait(self.espera_s)
        if recusa or not assinado.is_set():
            cliente.disconnect()
            cliente.loop_stop()
            motivo = f"administrador recusado ({recusa[0]})" if recusa else "o mosquitto não respondeu"
            raise CredenciaisDoBrokerIndisponiveis(motivo=motivo)
        self._cliente = cliente

    def _ao_receber(self, cliente, userdata, mensagem):
        try:
            self._respostas.put(json.loads(mensagem.payload))
        except ValueError:  # not ours to judge; the request waiting for it times out and says so
            log.warning("Resposta ilegível do dynsec em %s", mensagem.topic)


def credenciais_do_broker(cfg):
    """The device-login port for these settings: a dynsec client when MQTT_DYNSEC=true, else None (no-op)."""
    if not cfg.get("MQTT_DYNSEC"):
        return None
    return CredenciaisDynsec(cfg["MQTT_BROKER_URL"], cfg["MQTT_BROKER_PORT"], cfg["MQTT_DYNSEC_USERNAME"],
                             cfg["MQTT_DYNSEC_PASSWORD"], tls=cfg.get("MQTT_TLS_ENABLED", False))
