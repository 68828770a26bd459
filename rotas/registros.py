"""Manual maintenance log API: owner only, private to the owner who wrote it."""
from flask import Blueprint, g, jsonify

from MongoDB import validacao

from .entrada import corpo_json
from .seguranca import servicos, token_required

bp = Blueprint("registros", __name__, url_prefix="/api")


@bp.post("/manual-log")
@token_required
def criar():
    dados = corpo_json()
    maquina_id = validacao.object_id(dados.get("maquina_id"), "maquina_id")
    servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    registro = servicos().registros.criar(maquina_id, g.usuario["id"], dados.get("descricao"))
    return jsonify({"message": "Registro salvo", **registro}), 201


@bp.get("/manual-log/<maquina_id>")
@token_required
def listar(maquina_id):
    servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    return jsonify({"registros": servicos().registros.listar(maquina_id, g.usuario["id"])})
