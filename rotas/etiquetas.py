"""The admins' printable QR label sheet and the label PNGs it shows.

The PNGs are written by the console (`main.py maquina criar` / `maquina novo-segredo`) into
QRCODE_DIR; they carry the claim secret, so only admins see them and they are never cached.
"""
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_from_directory

from nucleo.etiquetas import arquivo_qrcode

from .seguranca import admin_pagina, servicos

bp = Blueprint("etiquetas", __name__)


@bp.get("/admin/etiquetas")
@admin_pagina
def folha():
    """Printable A4 sheet of labels: `?ids=a,b,c`, or every free machine. Only machines with a PNG can be printed."""
    pedidos = list(dict.fromkeys(i.strip().lower() for i in request.args.get("ids", "").split(",") if i.strip()))[:200]
    todas = servicos().maquinas.listar_todas()
    if pedidos:
        por_id = {maquina["id"]: maquina for maquina in todas}
        escolhidas = [por_id[i] for i in pedidos if i in por_id]
        desconhecidas = [i for i in pedidos if i not in por_id]
    else:
        escolhidas, desconhecidas = [m for m in todas if not m["id_usuario"]], []
    pasta = Path(current_app.config["QRCODE_DIR"])
    for maquina in escolhidas:
        maquina["tem_etiqueta"] = (pasta / arquivo_qrcode(maquina["id"])).is_file()
    return render_template("etiquetas.html", maquinas=escolhidas, desconhecidas=desconhecidas, filtradas=bool(pedidos))


@bp.get("/admin/etiquetas/<id_maquina:maquina_id>.png")
@admin_pagina
def png(maquina_id):
    """The QR PNG of one machine; it carries the claim secret, so admins only, never cached."""
    resposta = send_from_directory(current_app.config["QRCODE_DIR"], arquivo_qrcode(maquina_id), mimetype="image/png")
    resposta.headers["Cache-Control"] = "no-store"
    return resposta
