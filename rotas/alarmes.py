"""Alarms API: each machine's rules (and trying one before saving it), the alarms list, acknowledging, CSV."""
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, g, jsonify, request

from nucleo import alarmes, validacao

from .apresentacao import fuso_do_usuario
from .csv_alarmes import csv_alarmes
from .entrada import corpo_json, parametro_instante
from .seguranca import admin_required, servicos, token_required

bp = Blueprint("alarmes", __name__, url_prefix="/api")


@bp.get("/machines/<id_maquina:maquina_id>/alarm-rules")
@token_required
def regras(maquina_id):
    return jsonify(alarmes.regras_da_maquina(servicos(), maquina_id, g.usuario["id"]))


@bp.put("/machines/<id_maquina:maquina_id>/alarm-rules")
@token_required
def definir_regras(maquina_id):
    """Replace the machine's rules: {"regras": [{"sensor", "maximo", "minimo", "duracao_s" | "leituras_seguidas",
    "histerese", "severidade"}]}; {"regras": null} returns to the model's defaults."""
    return jsonify(alarmes.definir_regras(servicos(), maquina_id, g.usuario["id"], corpo_json()))


@bp.post("/machines/<id_maquina:maquina_id>/alarm-rules/preview")
@token_required
def previa(maquina_id):
    """What one rule would have done over the last 24 h and 7 d, from the stored rollups."""
    return jsonify(alarmes.previa(servicos(), maquina_id, g.usuario["id"], corpo_json()))


def _filtros():
    maquina_id = request.args.get("maquina_id") or None
    return {"maquina_id": None if maquina_id is None else validacao.maquina_id(maquina_id),
            "estado": request.args.get("estado") or None, "severidade": request.args.get("severidade") or None,
            "desde": parametro_instante("desde"), "ate": parametro_instante("ate")}


@bp.get("/alarms")
@token_required
def listar():
    """My alarms: `maquina_id`, `estado` (ativo | normalizado), `severidade`, `desde`, `ate` (7 days by default)."""
    return jsonify({"alarmes": alarmes.listar(servicos(), g.usuario["id"], **_filtros())})


@bp.get("/alarms/export")
@token_required
def exportar():
    """The same list as CSV, in the user's time zone."""
    lista = alarmes.listar(servicos(), g.usuario["id"], **_filtros())
    return Response(csv_alarmes(lista, ZoneInfo(fuso_do_usuario())), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="alarmes.csv"'})


@bp.post("/alarms/<id_alarme:alarme_id>/ack")
@token_required
def reconhecer(alarme_id):
    """Acknowledge an alarm of mine, with an optional `nota`."""
    return jsonify({"alarme": alarmes.reconhecer(servicos(), alarme_id, g.usuario["id"], corpo_json())})


@bp.get("/admin/alarm-rules")
@admin_required
def regras_dos_modelos():
    return jsonify({"modelos": servicos().modelos.listar()})


@bp.put("/admin/alarm-rules")
@admin_required
def definir_regras_do_modelo():
    """Admins: default rules of a manufacturer/model: {"fabricante", "modelo", "regras": [...]}."""
    return jsonify(alarmes.definir_regras_do_modelo(servicos(), corpo_json()))
