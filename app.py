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

from config import ConfiguracaoInvalida, ler_configuracao
from MongoDB.erros import BancoEmbutidoIndisponivel
from MongoDB.gerencia_BD import GerenciadorBD, abrir_banco
from mqtt.adaptador import registrar_mqtt
from mqtt.broker_embutido import BrokerIndisponivel
from mqtt.dynsec import credenciais_do_broker
from nucleo.servicos import criar_servicos
from rotas import registrar_blueprints
from rotas.conversores import registrar_conversores
from rotas.erros import registrar_tratadores_de_erro
from rotas.json import ProvedorJSON
from rotas.ganchos import registrar_ganchos_das_paginas

log = logging.getLogger("databutcher")


def create_app(config=None, mongo_client=None):
    """Build the app. `config` overrides settings; `mongo_client` injects a client (tests)."""
    app = Flask(__name__)
    app.json = ProvedorJSON(app)
    app.config.update(ler_configuracao())
    app.config.update(config or {})
    configurar_logs(app)
    registrar_servicos(app, mongo_client)
    registrar_extensoes(app)
    registrar_conversores(app)
    registrar_blueprints(app)
    registrar_ganchos_das_paginas(app)
    registrar_tratadores_de_erro(app)
    registrar_mqtt(app)
    return app


def configurar_logs(app):
    """Log to stderr with timestamps; quiet the chatty drivers."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for ruidoso in ("amqtt", "transitions", "pymongo"):
        logging.getLogger(ruidoso).setLevel(logging.WARNING)


def registrar_servicos(app, mongo_client):
    """One GerenciadorBD (one MongoClient) per app, its indexes, and the managers and writer over it."""
    if mongo_client is not None:
        bd = GerenciadorBD(mongo_client, app.config["DB_NAME"], descricao=type(mongo_client).__module__)
    else:
        bd = abrir_banco(app.config)
        atexit.register(bd.fechar)
    bd.criar_indices()
    bd.aplicar_retencao(app.config["RETENCAO_DIAS_BRUTOS"], app.config["RETENCAO_DIAS_AGREGADOS"])
    servicos = criar_servicos(bd, app.config, credenciais=credenciais_do_broker(app.config))
    app.extensions["databutcher"] = servicos
    # atexit runs last-registered first: the writer flushes before the database closes.
    atexit.register(servicos.encerrar)
    log.info("Banco de dados: %s", bd.descricao)


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
    aplicacao.run(host=aplicacao.config["HOST"], port=aplicacao.config["PORT"], threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
