"""Health: the app, the database and the broker, for load balancers and operators."""
from flask import Blueprint, current_app, jsonify

from mqtt.adaptador import estado_mqtt

from .seguranca import servicos

bp = Blueprint("saude", __name__, url_prefix="/api")


@bp.get("/health")
def saude():
    banco_ok = servicos().bd.ping()
    embutido = servicos().bd.banco_embutido
    mqtt = estado_mqtt(current_app)
    saudavel = banco_ok and mqtt["estado"] in {"conectado", "desativado"}
    corpo = {
        "status": "healthy" if saudavel else "degraded",
        "app": "ok",
        "banco": {"estado": "ok" if banco_ok else "indisponivel", "tipo": servicos().bd.descricao,
                  **({"reinicios": embutido.reinicios} if embutido is not None else {})},
        "mqtt": mqtt,
        "ingestao": {**servicos().contadores.como_dict(), "fila": servicos().gravador.pendentes(),
                     "banco_disponivel": servicos().gravador.banco_disponivel.is_set()},
    }
    retencao = current_app.extensions.get("retencao")
    if retencao is not None:
        corpo["retencao"] = retencao.estado()
    return jsonify(corpo), 200 if saudavel else 503
