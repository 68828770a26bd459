"""The API described for machines and people: GET /api/openapi.json and the Swagger UI page at /api/docs.

The page loads only vendored files from /static (static/vendor/swagger-ui, static/js/api_docs.js),
so it works under the pages' Content-Security-Policy ('self' only, no inline script).
"""
from flask import Blueprint, jsonify, render_template

from .openapi import especificacao

bp = Blueprint("documentacao", __name__, url_prefix="/api")


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of every /api/ route."""
    return jsonify(especificacao())


@bp.get("/docs")
def docs():
    """Swagger UI over /api/openapi.json."""
    return render_template("api_docs.html")
