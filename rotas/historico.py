"""State history API: one machine's state intervals, and utilization per machine and plant (JSON and CSV)."""
from flask import Blueprint, Response, g, jsonify, request

from nucleo import utilizacao

from .apresentacao import fuso_do_usuario
from .csv_planta import csv_utilizacao
from .entrada import parametro_instante
from .seguranca import servicos, token_required

bp = Blueprint("historico", __name__, url_prefix="/api")


@bp.get("/machines/<id_maquina:maquina_id>/states")
@token_required
def estados(maquina_id):
    """State intervals of `desde`..`ate` (today in the user's zone by default, at most 31 days), cut at the edges."""
    lista = utilizacao.intervalos_da_maquina(servicos(), maquina_id, g.usuario["id"], fuso_do_usuario(),
                                             parametro_instante("desde"), parametro_instante("ate"))
    return jsonify({"intervalos": lista})


def _utilizacao():
    return utilizacao.calcular(servicos(), g.usuario["id"], fuso_do_usuario(), parametro_instante("desde"),
                               parametro_instante("ate"), request.args.get("turno") or None)


@bp.get("/utilization")
@token_required
def utilizacao_json():
    """Seconds per state and availability per machine and for the plant: `desde`, `ate` (today), `turno`."""
    return jsonify(_utilizacao())


@bp.get("/utilization/export")
@token_required
def utilizacao_csv():
    """The same table as CSV (one line per machine, then the plant)."""
    return Response(csv_utilizacao(_utilizacao()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="utilizacao.csv"'})
