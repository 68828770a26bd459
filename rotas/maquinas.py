"""Machines API: claim, list, detail, release; admins create machines."""
from flask import Blueprint, current_app, g, jsonify

from MongoDB import etiquetas, validacao
from MongoDB.erros import DadosInvalidos

from .entrada import corpo_json
from .seguranca import admin_required, servicos, token_required

bp = Blueprint("maquinas", __name__, url_prefix="/api")


@bp.post("/machines")
@token_required
def reivindicar():
    """Claim a machine by `codigo` + `segredo`, or by the QR `link` that carries both."""
    dados = corpo_json()
    codigo, segredo = dados.get("codigo"), dados.get("segredo")
    if dados.get("link") is not None:
        codigo, segredo = etiquetas.ler_link_reivindicacao(dados["link"])
        if codigo is None or segredo is None:
            raise DadosInvalidos("O link não é um link de associação do DataButcher", "link")
    codigo = validacao.object_id(codigo, "codigo")
    segredo = validacao.texto(segredo, "segredo", 100)
    nome = validacao.texto(dados.get("nome_maquina"), "nome_maquina", 80)
    maquina, nova = servicos().maquinas.reivindicar(codigo, segredo, g.usuario["id"], nome)
    if nova:
        return jsonify({"message": "Máquina associada com sucesso", "maquina": maquina}), 201
    return jsonify({"message": "Esta máquina já é sua", "maquina": maquina}), 200


@bp.get("/machines")
@token_required
def listar():
    return jsonify({"machines": servicos().maquinas.listar_do_usuario(g.usuario["id"])})


@bp.get("/machines/<maquina_id>")
@token_required
def detalhar(maquina_id):
    maquinas = servicos().maquinas
    return jsonify({"maquina": maquinas.publico(maquinas.buscar_do_usuario(maquina_id, g.usuario["id"]))})


@bp.delete("/machines/<maquina_id>")
@token_required
def liberar(maquina_id):
    """Release the machine; it, its history and its QR stay valid for the next owner."""
    servicos().maquinas.liberar(maquina_id, g.usuario["id"])
    return jsonify({"message": "Máquina liberada"})


@bp.put("/admin/machines/<maquina_id>/limits")
@admin_required
def definir_limites(maquina_id):
    """Admins: narrow the start limits of one machine, e.g. {"temperatura": [20, 90]}."""
    limites = validacao.validar_limites_partida(corpo_json())
    return jsonify({"maquina": servicos().maquinas.definir_limites(maquina_id, limites)})


@bp.post("/admin/machines")
@admin_required
def criar():
    """Admins: create a machine; the secret and device token are shown only in this answer."""
    dados = corpo_json()
    criada = servicos().maquinas.criar(dados.get("fabricante"), dados.get("modelo"))
    maquina_id = criada["maquina"]["id"]
    link = etiquetas.link_reivindicacao(current_app.config["URL_PUBLICA"], maquina_id, criada["segredo"])
    caminho = etiquetas.gerar_qrcode(link, current_app.config["QRCODE_DIR"], maquina_id)
    return jsonify({"maquina": criada["maquina"], "segredo": criada["segredo"], "token_dispositivo": criada["token"],
                    "link": link, "qrcode": caminho.name}), 201
