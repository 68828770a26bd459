"""flask-mqtt wiring: one client per process, subscriptions made on every (re)connect.

The safe pattern, each step for a reason measured with flask-mqtt:
- connect_async: the app starts even if the broker is down, and reconnects later;
- handlers registered BEFORE init_app, subscribe INSIDE on_connect: a subscribe
  made before the connection exists is silently lost forever;
- reconnect_delay_set(1, 5): paho's backoff otherwise grows to 120 s;
- every handler wrapped: an escaping exception kills paho's network thread
  while `connected` still reads True;
- a unique client id per process (config.py) and no client in the reloader's parent.

And nothing acknowledged is lost (docs/dados.md, "No acknowledged reading lost"): a fixed client
id (MQTT_CLIENT_ID, kept in DATA_DIR when unset) with a persistent session, QoS 1 subscriptions,
and manual acknowledgement: a message is acknowledged only once the writer has stored what it
carried, so a message the app had not stored when it stopped is delivered again by the broker.
"""
import atexit
import logging
import os
import threading

from flask_mqtt import Mqtt
from werkzeug.serving import is_running_from_reloader

from config import credenciais_mqtt_do_app, id_cliente_mqtt
from MongoDB.erros import CredenciaisDoBrokerIndisponiveis

from .acesso import Porteiro
from .broker_embutido import BrokerEmbutido, host_para_conectar
from .contrato import QOS_ASSINATURAS, QOS_COMANDOS, carga_comando, topico, topicos_assinados
from .mensagens import NAO_CONFIRMAR, processar_mensagem

log = logging.getLogger(__name__)


def registrar_mqtt(app):
    """Start the subscriber (and the embedded broker when no MQTT_BROKER_URL is set)."""
    app.extensions["mqtt"] = None
    if not app.config["MQTT_ENABLED"]:
        log.info("MQTT desativado (MQTT_ENABLED=false)")
        return
    if os.environ.get("FLASK_RUN_FROM_CLI") == "true" and app.debug and not is_running_from_reloader():
        log.info("Processo observador do reloader: MQTT fica com o processo filho")
        return
    servicos = app.extensions["databutcher"]
    if not app.config.get("MQTT_BROKER_URL"):
        _iniciar_broker_embutido(app, servicos)
    elif app.config.get("MQTT_DYNSEC"):
        _preparar_login_do_app(app, servicos)

    contadores = servicos.contadores
    app.config["MQTT_CLIENT_ID"] = id_cliente_mqtt(app.config)
    app.config["MQTT_CLEAN_SESSION"] = False  # the broker keeps our subscriptions and queues while we are away
    mqtt = Mqtt(connect_async=True)
    mqtt.client.reconnect_delay_set(1, 5)
    mqtt.client.manual_ack_set(True)
    sessao = _Sessao()

    @mqtt.on_connect()
    def ao_conectar(client, userdata, flags, rc):
        try:
            sessao.nova_conexao()
            if rc != 0:
                log.error("Broker MQTT recusou a conexão (rc=%s)", rc)
                return
            for assinatura in topicos_assinados(app.config.get("MQTT_SHARED_GROUP")):
                client.subscribe(assinatura, qos=QOS_ASSINATURAS)
            contadores.contar("conexoes")
            log.info("MQTT conectado a %s:%s", app.config["MQTT_BROKER_URL"], app.config["MQTT_BROKER_PORT"])
        except Exception:
            log.exception("Falha ao assinar tópicos MQTT")

    @mqtt.on_disconnect()
    def ao_desconectar(client, userdata, rc):
        log.warning("MQTT desconectado (rc=%s); reconectando", rc)

    @mqtt.on_message()
    def ao_receber(client, userdata, mensagem):
        try:
            if sessao.encerrando.is_set():
                return  # not stored, not acknowledged: the broker delivers it again to the next session
            confirmar = sessao.confirmacao(client, mensagem)
            resultado, pedido = processar_mensagem(mensagem.topic, mensagem.payload, servicos, confirmar)
            if pedido is None and resultado != NAO_CONFIRMAR:
                confirmar(None)  # dropped as malformed: nothing will ever make it valid
        except Exception:
            contadores.contar("erros")
            log.exception("Erro ao processar mensagem MQTT em %r", mensagem.topic)

    mqtt.init_app(app)
    app.extensions["mqtt"] = mqtt
    app.extensions["mqtt_sessao"] = sessao
    atexit.register(_desligar, mqtt, sessao, servicos.gravador)
    log.info("Broker MQTT: %s:%s%s", app.config["MQTT_BROKER_URL"], app.config["MQTT_BROKER_PORT"],
             " (embutido)" if "mqtt_broker_embutido" in app.extensions else "")


def _iniciar_broker_embutido(app, servicos):
    """amqtt on MQTT_BIND, judging logins by device token; the app logs in with its own credentials."""
    usuario, senha = credenciais_mqtt_do_app(app.config)
    porteiro = Porteiro(usuario, senha, servicos.maquinas.autenticar_dispositivo)
    broker = BrokerEmbutido(porteiro, app.config["MQTT_BIND"], app.config["MQTT_BROKER_PORT"]).iniciar()
    atexit.register(broker.parar)
    app.config.update(MQTT_BROKER_URL=host_para_conectar(app.config["MQTT_BIND"]), MQTT_USERNAME=usuario, MQTT_PASSWORD=senha)
    app.extensions["mqtt_broker_embutido"] = broker


def _preparar_login_do_app(app, servicos):
    """On a dynsec mosquitto the app keeps its own client and role in step (mqtt/dynsec.py)."""
    try:
        servicos.credenciais.preparar_app(app.config["MQTT_USERNAME"], app.config["MQTT_PASSWORD"])
    except CredenciaisDoBrokerIndisponiveis as erro:
        # Not fatal: the login may already be there; if not, the connection log says so and it retries.
        log.error("Não foi possível preparar o login MQTT do app no mosquitto: %s", erro.valores.get("motivo"))


class _Sessao:
    """The connection generation and the shutdown flag shared by the MQTT callbacks.

    A message's acknowledgement is sent only on the connection it arrived on: after a reconnect
    the broker delivers the unacknowledged ones again (same packet ids), and a late ack sent on
    the new connection could acknowledge a different message under a reused id.
    """

    def __init__(self):
        self.geracao = 0
        self.encerrando = threading.Event()

    def nova_conexao(self):
        self.geracao += 1

    def confirmacao(self, client, mensagem):
        """The `ao_concluir` of one message: acknowledge it once stored (or dropped as invalid)."""
        geracao = self.geracao

        def confirmar(pedido):
            if pedido is not None and pedido.erro is not None:
                return  # not stored: leave it to the broker's redelivery
            if mensagem.qos > 0 and geracao == self.geracao:
                client.ack(mensagem.mid, mensagem.qos)
        return confirmar


def _desligar(mqtt, sessao, gravador, espera_s=10.0):
    """Stop taking messages, let the writer store (and so acknowledge) what it holds, then disconnect."""
    sessao.encerrando.set()
    gravador.esvaziar(espera_s)
    try:
        mqtt.client.disconnect()
        mqtt.client.loop_stop()
    except Exception:
        log.debug("Cliente MQTT já estava parado", exc_info=True)


def estado_mqtt(app) -> dict:
    """For /api/health: desativado, conectado or desconectado, and where the broker is."""
    mqtt = app.extensions.get("mqtt")
    if mqtt is None:
        estado = "desativado" if not app.config["MQTT_ENABLED"] else "desconectado"
    else:
        estado = "conectado" if mqtt.client.is_connected() else "desconectado"
    return {
        "estado": estado,
        "broker": f"{app.config.get('MQTT_BROKER_URL') or '-'}:{app.config['MQTT_BROKER_PORT']}",
        "embutido": "mqtt_broker_embutido" in app.extensions,
    }


def publicador(app):
    """The `publicar(maquina_id, registro) -> bool` that nucleo.comandos hands a recorded command to.

    A publish while disconnected would sit in paho's queue and fire later, maybe long after
    the operator gave up, so it answers False instead of queueing.
    """
    def publicar(maquina_id, registro) -> bool:
        mqtt = app.extensions.get("mqtt")
        if mqtt is None or not mqtt.client.is_connected():
            return False
        resultado = mqtt.client.publish(topico(maquina_id, "comandos"), carga_comando(registro), qos=QOS_COMANDOS)
        return resultado.rc == 0
    return publicar
