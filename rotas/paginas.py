"""Server-rendered pages (pt-BR). Placeholder until the page work lands."""
from flask import Blueprint, render_template

bp = Blueprint("paginas", __name__)


@bp.get("/")
def entrar():
    return render_template("erro.html", status=200, mensagem="DataButcher")
