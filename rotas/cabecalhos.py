"""Headers on the API's answers: never cached, and HTTPS only in production.

The pages' own headers (CSP, no sniffing, no-store on every page) are set in rotas/ganchos.py;
the `Server` header is the HTTP server's (no version: see app.py for the development server,
gunicorn sends a bare `gunicorn`).
"""
from flask import request

from config import em_producao

# One year, subdomains included: once a browser saw HTTPS here it never tries plain HTTP.
HSTS = "max-age=31536000; includeSubDomains"


def registrar_cabecalhos(app):
    producao = em_producao(app.config)

    @app.after_request
    def cabecalhos_da_api(resposta):
        # One person's machines, readings and CSV exports: no browser or proxy may keep a copy,
        # errors and health included (they are never worth caching either).
        if request.path.startswith("/api/"):
            resposta.headers["Cache-Control"] = "no-store"
        if producao:
            resposta.headers.setdefault("Strict-Transport-Security", HSTS)
        return resposta
