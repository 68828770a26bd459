"""Manual maintenance log API: owner only, private to the owner who wrote it."""
from flask import Blueprint, g, jsonify

from nucleo import validacao

from .entrada import corpo_json
from .seguranca import servicos, token_required

bp = Blueprint("registros", __name__, url_prefix="/api")

DESCRICAO_MAXIMA = 2000


@bp.post("/manual-log")
@token_required
def criar():
    dados = corpo_json()
    maquina_id = validacao.maquina_id(dados.get("maquina_id"))
    servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    descricao = validacao.texto(dados.get("descricao"), "descricao", DESCRICAO_MAXIMA)
    registro = servicos().registros.criar(maquina_id, g.usuario["id"], descricao)
    return jsonify({"message": "Registro salvo", **registro}), 201


@bp.get("/manual-log/<id_maquina:maquina_id>")
@token_required
def listar(maquina_id):
    servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    return jsonify({"registros": servicos().registros.listar(maquina_id, g.usuario["id"])})
