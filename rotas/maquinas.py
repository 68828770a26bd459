"""Machines API: claim, list, detail, release; admins create machines and narrow their limits."""
from pathlib import Path

from flask import Blueprint, g, jsonify

from nucleo import maquinas as casos
from nucleo import painel, validacao

from . import limites
from .entrada import corpo_json
from .seguranca import admin_required, servicos, token_required

bp = Blueprint("maquinas", __name__, url_prefix="/api")


@bp.post("/machines")
@token_required
@limites.reivindicacao
def reivindicar():
    """Claim a machine by `codigo` + `segredo`, or by the QR `link` that carries both."""
    dados = corpo_json()
    maquina, nova = casos.reivindicar(servicos(), g.usuario["id"], dados.get("nome_maquina"), dados.get("codigo"),
                                      dados.get("segredo"), dados.get("link"))
    if nova:
        return jsonify({"message": "Máquina associada com sucesso", "maquina": maquina}), 201
    return jsonify({"message": "Esta máquina já é sua", "maquina": maquina}), 200


@bp.get("/machines")
@token_required
def listar():
    """My machines with their open alarms, severity and vibration zone, most severe first."""
    return jsonify({"machines": painel.maquinas_do_usuario(servicos(), g.usuario["id"])})


@bp.get("/machines/<id_maquina:maquina_id>")
@token_required
def detalhar(maquina_id):
    return jsonify({"maquina": painel.maquina_do_usuario(servicos(), maquina_id, g.usuario["id"])})


@bp.patch("/machines/<id_maquina:maquina_id>")
@token_required
def ajustar(maquina_id):
    """The owner's settings: `nome_maquina`, `timeout_s` (offline after this silence), `classe_vibracao`."""
    return jsonify({"maquina": casos.ajustar(servicos(), maquina_id, g.usuario["id"], corpo_json())})


@bp.delete("/machines/<id_maquina:maquina_id>")
@token_required
def liberar(maquina_id):
    """Release the machine; it, its history and its QR stay valid for the next owner."""
    servicos().maquinas.liberar(maquina_id, g.usuario["id"])
    return jsonify({"message": "Máquina liberada"})


@bp.put("/admin/machines/<id_maquina:maquina_id>/limits")
@admin_required
def definir_limites(maquina_id):
    """Admins: narrow the start limits of one machine, e.g. {"temperatura": [20, 90]}."""
    limites = validacao.validar_limites_partida(corpo_json())
    return jsonify({"maquina": servicos().maquinas.definir_limites(maquina_id, limites)})


@bp.post("/admin/machines")
@admin_required
def criar():
    """Admins: create a machine and its label; the secret and device token are shown only in this answer."""
    dados = corpo_json()
    criada = casos.criar_com_etiqueta(servicos(), dados.get("fabricante"), dados.get("modelo"))
    return jsonify({"maquina": criada["maquina"], "segredo": criada["segredo"],
                    "token_dispositivo": criada["token_dispositivo"], "link": criada["link"],
                    "qrcode": Path(criada["qrcode"]).name}), 201
