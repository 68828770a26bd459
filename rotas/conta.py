"""The account settings page: time zone, language, theme and password.

The page only shows the form; saving goes through /api/auth (see static/js/conta.js),
so the preference rules live once, in the API.
"""
from flask import Blueprint, render_template

from .apresentacao import FUSOS_COMUNS, preferencia
from .seguranca import login_required

bp = Blueprint("conta", __name__)


@bp.get("/conta")
@login_required
def conta():
    """Settings: time zone, language, theme, password (saved through /api/auth, see static/js/conta.js)."""
    return render_template("conta.html", fusos=FUSOS_COMUNS, fuso_salvo=preferencia("fuso_horario", ""))
