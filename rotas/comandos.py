"""Commands API: start (with limits), stop, reset; each is recorded with its state (nucleo/comandos.py)."""
from flask import Blueprint, current_app, g, jsonify

from mqtt.adaptador import publicador
from nucleo import comandos

from .entrada import corpo_json, parametro_inteiro
from .seguranca import servicos, token_required

bp = Blueprint("comandos", __name__, url_prefix="/api/machines")


@bp.post("/<id_maquina:maquina_id>/start")
@token_required
def iniciar(maquina_id):
    """Start with `voltagem`, `velocidade`, `temperatura` within the machine's limits."""
    registro = comandos.iniciar(servicos(), publicador(current_app), maquina_id, g.usuario["id"], corpo_json())
    return jsonify({"message": "Comando de partida enviado", "comando": registro}), 202


@bp.post("/<id_maquina:maquina_id>/stop")
@token_required
def parar(maquina_id):
    registro = comandos.parar(servicos(), publicador(current_app), maquina_id, g.usuario["id"])
    return jsonify({"message": "Comando de parada enviado", "comando": registro}), 202


@bp.post("/<id_maquina:maquina_id>/reset")
@token_required
def resetar(maquina_id):
    """Stop the machine and restore the default parameters (220 V, 500 rpm, 20 °C)."""
    registro = comandos.resetar(servicos(), publicador(current_app), maquina_id, g.usuario["id"])
    return jsonify({"message": "Comando de reset enviado", "comando": registro}), 202


@bp.get("/<id_maquina:maquina_id>/commands")
@token_required
def listar(maquina_id):
    servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    limite = parametro_inteiro("limit", 20, 1, 100)
    return jsonify({"comandos": servicos().comandos.listar(maquina_id, g.usuario["id"], limite)})
