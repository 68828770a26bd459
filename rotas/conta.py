"""The account settings page: time zone, language, theme, password and alarm notifications.

The page only shows the form; saving goes through /api/auth (see static/js/conta.js),
so the preference rules live once, in the API.
"""
from flask import Blueprint, g, render_template

from nucleo import notificacoes

from .apresentacao import FUSOS_COMUNS, preferencia
from .seguranca import login_required, servicos

bp = Blueprint("conta", __name__)


@bp.get("/conta")
@login_required
def conta():
    """Settings: time zone, language, theme, password, notifications (saved through /api/auth, see static/js/conta.js)."""
    return render_template("conta.html", fusos=FUSOS_COMUNS, fuso_salvo=preferencia("fuso_horario", ""),
                           notificacoes=notificacoes.ler(servicos(), g.usuario["id"]))
