"""DataButcher web application: `create_app()` factory; `python app.py` serves it.

One process serves the pages, the REST API and the MQTT subscriber. With nothing
configured it starts the embedded database (nx-27017 on DATA_DIR) and the
embedded MQTT broker (amqtt) so the whole product runs on a fresh machine.
"""
import atexit
import logging
import signal
import sys

from flask import Flask
from flask_cors import CORS
from werkzeug.serving import WSGIRequestHandler

from config import ConfiguracaoInvalida, ler_configuracao
from MongoDB.erros import BancoEmbutidoIndisponivel
from MongoDB.gerencia_BD import GerenciadorBD, abrir_banco
from mqtt.adaptador import registrar_mqtt
from mqtt.broker_embutido import BrokerIndisponivel
from mqtt.dynsec import credenciais_do_broker
from nucleo.logs import formatador
from nucleo.retencao import Retencao
from nucleo.servicos import criar_servicos, preparar_banco
from nucleo.tarefas import TarefaPeriodica
from rotas import registrar_blueprints
from rotas.cabecalhos import registrar_cabecalhos
from rotas.conversores import registrar_conversores
from rotas.erros import registrar_tratadores_de_erro
from rotas.json import ProvedorJSON
from rotas.ganchos import registrar_ganchos_das_paginas
from rotas.limites import registrar_limites
from rotas.metricas import registrar_metricas

log = logging.getLogger("databutcher")
# The stderr handler this module installs (and may re-format); handlers someone else installed are left alone.
MANIPULADOR_LOGS = "databutcher"


def create_app(config=None, mongo_client=None):
    """Build the app. `config` overrides settings; `mongo_client` injects a client (tests)."""
    app = Flask(__name__)
    app.json = ProvedorJSON(app)
    app.config.update(ler_configuracao())
    app.config.update(config or {})
    configurar_logs(app)
    registrar_servicos(app, mongo_client)
    registrar_extensoes(app)
    registrar_limites(app)
    registrar_conversores(app)
    registrar_blueprints(app)
    registrar_metricas(app)
    registrar_ganchos_das_paginas(app)
    registrar_cabecalhos(app)
    registrar_tratadores_de_erro(app)
    registrar_mqtt(app)
    registrar_tarefas(app)
    return app


def configurar_logs(app):
    """Log to stderr, plain text or one JSON object per line (LOG_FORMAT=json); quiet the chatty drivers."""
    raiz = logging.getLogger()
    if not raiz.handlers:
        manipulador = logging.StreamHandler()
        manipulador.set_name(MANIPULADOR_LOGS)
        raiz.addHandler(manipulador)
        raiz.setLevel(logging.INFO)
    for manipulador in raiz.handlers:
        if manipulador.get_name() == MANIPULADOR_LOGS:
            manipulador.setFormatter(formatador(app.config["LOG_FORMAT"]))
    for ruidoso in ("amqtt", "transitions", "pymongo"):
        logging.getLogger(ruidoso).setLevel(logging.WARNING)


def registrar_servicos(app, mongo_client):
    """One GerenciadorBD (one MongoClient) per app, its indexes, and the managers and writer over it."""
    if mongo_client is not None:
        bd = GerenciadorBD(mongo_client, app.config["DB_NAME"], descricao=type(mongo_client).__module__)
    else:
        bd = abrir_banco(app.config)
        atexit.register(bd.fechar)
    servicos = criar_servicos(bd, app.config, credenciais=credenciais_do_broker(app.config))
    preparar_banco(servicos)
    app.extensions["databutcher"] = servicos
    # atexit runs last-registered first: the writer flushes before the database closes.
    atexit.register(servicos.encerrar)
    log.info("Banco de dados: %s", bd.descricao)


def registrar_tarefas(app):
    """The periodic jobs: the embedded store's retention (it has no TTL indexes) and watcher, the offline check,
    the delivery of alarm notifications."""
    servicos = app.extensions["databutcher"]
    app.extensions["retencao"] = None
    tarefas = []
    if servicos.bd.e_nx_27017:
        retencao = Retencao(servicos.telemetria, servicos.agregados, app.config["RETENCAO_DIAS_BRUTOS"],
                            app.config["RETENCAO_DIAS_AGREGADOS"], app.config["RETENCAO_INTERVALO_S"], servicos.alarmes,
                            servicos.notificacoes, app.config["NOTIFICACOES_RETENCAO_DIAS"])
        app.extensions["retencao"] = retencao
        # The first pass a minute after start-up: never in the way of starting.
        tarefas.append(TarefaPeriodica("retencao", retencao.intervalo_s, retencao.executar, primeira_em_s=60))
        atexit.register(retencao.parar)
    if servicos.bd.banco_embutido is not None:
        tarefas.append(TarefaPeriodica("vigia-banco-embutido", 0.5, servicos.bd.banco_embutido.reanimar))
    # Silent machines go offline although no message arrives: in the state history always, and as an alarm
    # while ALARMES_ATIVOS (nucleo/motor_alarmes.py).
    tarefas.append(TarefaPeriodica("vigia-offline", app.config["VIGIA_INTERVALO_S"],
                                   servicos.motor_alarmes.verificar_offline))
    # Alarm notifications leave the outbox here, on this thread: never on the writer or the MQTT one.
    tarefas.append(TarefaPeriodica("entregas-notificacoes", app.config["NOTIFICACOES_INTERVALO_S"],
                                   servicos.entregador.entregar_devidas))
    app.extensions["tarefas"] = tarefas
    if app.config["TAREFAS_PERIODICAS"]:  # off in tests that build many apps and call the jobs themselves
        for tarefa in tarefas:
            atexit.register(tarefa.iniciar().parar)


def registrar_extensoes(app):
    """CORS only for origins listed in CORS_ORIGINS; the pages are same-origin."""
    if app.config.get("CORS_ORIGINS"):
        CORS(app, resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"].split(",")}})


def main():
    """`python app.py`: serve until Ctrl+C or SIGTERM, then stop the embedded servers."""
    # SIGTERM as a normal exit, so atexit stops the embedded database and broker cleanly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        aplicacao = create_app()
    except (ConfiguracaoInvalida, BancoEmbutidoIndisponivel, BrokerIndisponivel) as erro:
        log.error("Não foi possível iniciar: %s", erro)
        return 1
    # threaded and no reloader: one process keeps its single MQTT client (see README, "Production").
    aplicacao.run(host=aplicacao.config["HOST"], port=aplicacao.config["PORT"], threaded=True, use_reloader=False,
                  request_handler=PedidosSemVersao)
    return 0


class PedidosSemVersao(WSGIRequestHandler):
    """The development server's handler, minus `Server: Werkzeug/<version> Python/<version>`.

    http.server's send_response() writes `version_string()`, which Werkzeug fills with both versions:
    a map of what to attack. gunicorn already sends a bare `Server: gunicorn`.
    """

    def version_string(self):
        return "DataButcher"


if __name__ == "__main__":
    sys.exit(main())
