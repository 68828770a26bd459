"""Downtimes API: the stops longer than PARADA_MINIMA_S, labeling them, their Pareto, and CSV."""
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, g, jsonify, request

from nucleo import paradas, validacao

from .apresentacao import fuso_do_usuario
from .csv_planta import csv_paradas
from .entrada import corpo_json, parametro_instante
from .seguranca import servicos, token_required

bp = Blueprint("paradas", __name__, url_prefix="/api")


def _lista():
    maquina_id = request.args.get("maquina_id") or None
    return paradas.listar(servicos(), g.usuario["id"], None if maquina_id is None else validacao.maquina_id(maquina_id),
                          parametro_instante("desde"), parametro_instante("ate"))


@bp.get("/downtimes")
@token_required
def listar():
    """My stops overlapping `desde`..`ate` (the last 7 days), newest first; `maquina_id` for one machine."""
    return jsonify({"paradas": _lista()})


@bp.get("/downtimes/export")
@token_required
def exportar():
    """The same list as CSV, times in UTC and in the user's zone."""
    return Response(csv_paradas(_lista(), ZoneInfo(fuso_do_usuario())), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="paradas.csv"'})


@bp.get("/downtimes/pareto")
@token_required
def pareto():
    """Reasons by downtime inside `desde`..`ate` (the last 7 days), most first; unlabeled as `motivo: null`."""
    return jsonify(paradas.pareto(servicos(), g.usuario["id"], parametro_instante("desde"), parametro_instante("ate")))


@bp.put("/downtimes/<id_parada:parada_id>")
@token_required
def rotular(parada_id):
    """Label a stop of mine: {"motivo" (from my list, null clears), "nota", "registro_id" (my log entry of it)}."""
    return jsonify({"parada": paradas.rotular(servicos(), g.usuario["id"], parada_id, corpo_json())})
