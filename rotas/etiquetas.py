"""The admins' printable QR label sheet and the label PNGs it shows.

The PNGs are written by the console (`main.py maquina criar` / `maquina novo-segredo`) into
QRCODE_DIR; they carry the claim secret, so only admins see them and they are never cached.
The page lists every machine with its owner; the admin ticks the ones to print (static/js/etiquetas.js)
and `?ids=a,b,c` pre-ticks them (other pages link that way).
"""
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_from_directory

from nucleo.etiquetas import arquivo_qrcode, nome_na_etiqueta

from .seguranca import admin_pagina, servicos

bp = Blueprint("etiquetas", __name__)

# Common A4 label stock. The geometry (label size, gaps, page margins) is drawn in static/css/etiquetas.css
# under .folha-etiquetas--<key>; here only what the page needs to split the labels into sheets.
FOLHAS = {
    "a4-2x7": {"colunas": 2, "linhas": 7, "largura_mm": "99,1", "altura_mm": "38,1", "tipo": "Pimaco A4263 / Avery L7163"},
    "a4-3x7": {"colunas": 3, "linhas": 7, "largura_mm": "63,5", "altura_mm": "38,1", "tipo": "Pimaco A4260 / Avery L7160"},
}
FOLHA_PADRAO = "a4-2x7"
IDS_MAXIMOS = 200
# Name length → font step (static/css/etiquetas.css): long names get a smaller type, never a wider label.
TAMANHOS_NOME = ((24, "g"), (48, "m"), (96, "p"))


def _ids_pedidos() -> list:
    """`?ids=a,b` or `?ids=a&ids=b` (the page's own form), lower-cased, in order, without repeats."""
    partes = (i.strip().lower() for valor in request.args.getlist("ids") for i in valor.split(","))
    return list(dict.fromkeys(i for i in partes if i))[:IDS_MAXIMOS]


def _tamanho_nome(nome) -> str:
    return next((tamanho for limite, tamanho in TAMANHOS_NOME if len(nome) <= limite), "pp")


def _dono(usuario):
    return f"{usuario['nome_usuario']} · {usuario['email']}" if usuario else None


def _para_a_folha(maquina, donos, pasta) -> dict:
    """What the list and the label show of one machine (never its secret: that is only inside the PNG)."""
    nome = nome_na_etiqueta(maquina)
    return {"id": maquina["id"], "nome": nome, "nomeada": bool(maquina["nome_maquina"]),
            "fabricante": maquina["fabricante"], "modelo": maquina["modelo"],
            "dono": _dono(donos.get(maquina["id_usuario"])) if maquina["id_usuario"] else None,
            "tamanho_nome": _tamanho_nome(nome), "tem_etiqueta": (pasta / arquivo_qrcode(maquina["id"])).is_file()}


@bp.get("/admin/etiquetas")
@admin_pagina
def folha():
    """Every machine with its owner, to tick; the ticked ones (`?ids=`, else the free ones) laid out on A4 sheets."""
    s = servicos()
    donos = {usuario["id"]: usuario for usuario in s.usuarios.listar()}
    pasta = Path(current_app.config["QRCODE_DIR"])
    maquinas = [_para_a_folha(m, donos, pasta) for m in s.maquinas.listar_todas()]
    chave_folha = request.args.get("folha") if request.args.get("folha") in FOLHAS else FOLHA_PADRAO
    por_folha = FOLHAS[chave_folha]["colunas"] * FOLHAS[chave_folha]["linhas"]
    if "ids" in request.args:  # the page's form always sends it, empty when nothing is ticked
        pedidos = _ids_pedidos()
        existentes = {m["id"] for m in maquinas}
        marcadas, desconhecidas = set(pedidos), [i for i in pedidos if i not in existentes]
    else:
        marcadas, desconhecidas = {m["id"] for m in maquinas if not m["dono"]}, []
    escolhidas = [m for m in maquinas if m["id"] in marcadas]
    marcadas = {m["id"] for m in escolhidas}
    paginas = [escolhidas[i:i + por_folha] for i in range(0, len(escolhidas), por_folha)]
    return render_template("etiquetas.html", maquinas=maquinas, marcadas=marcadas, paginas=paginas,
                           desconhecidas=desconhecidas, folhas=FOLHAS, chave_folha=chave_folha, por_folha=por_folha)


@bp.get("/admin/etiquetas/<id_maquina:maquina_id>.png")
@admin_pagina
def png(maquina_id):
    """The QR PNG of one machine; it carries the claim secret, so admins only, never cached."""
    resposta = send_from_directory(current_app.config["QRCODE_DIR"], arquivo_qrcode(maquina_id), mimetype="image/png")
    resposta.headers["Cache-Control"] = "no-store"
    return resposta
