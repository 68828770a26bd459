"""The one error envelope: `{"error": <HTTP reason>, "message": <detail>[, "campo": <field>]}`.

API clients always get JSON; browsers on pages get a small HTML error page.
No exception text or traceback ever reaches a client: unexpected errors are logged.
"""
import logging

from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from MongoDB.erros import ErroDominio

from .apresentacao import traduzir

log = logging.getLogger(__name__)

MENSAGENS_PADRAO = {
    400: "Requisição inválida",
    401: "Autenticação necessária",
    403: "Acesso negado",
    404: "Recurso não encontrado",
    405: "Método não permitido",
    409: "Conflito",
    413: "Corpo da requisição grande demais",
    415: "Envie o corpo como JSON (Content-Type: application/json)",
    429: "Requisições demais",
    500: "Erro interno do servidor",
    503: "Serviço indisponível",
}


def resposta_erro(status, mensagem=None, campo=None):
    """Build the envelope response for `status`."""
    corpo = {"error": HTTP_STATUS_CODES.get(status, "Error"), "message": mensagem or MENSAGENS_PADRAO.get(status, "Erro")}
    if campo:
        corpo["campo"] = campo
    resposta = jsonify(corpo)
    resposta.status_code = status
    return resposta


def _quer_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _responder(status, mensagem, campo=None):
    if _quer_json():
        return resposta_erro(status, mensagem, campo)
    # The error page: a specific message as it came (pt-BR, like the API's), the default in the user's language.
    padrao = traduzir(f"erro_{status}" if status in MENSAGENS_PADRAO else "erro_generico")
    return render_template("erro.html", status=status, mensagem=mensagem or padrao), status


def registrar_tratadores_de_erro(app):
    """Map HTTP errors, domain exceptions and the unexpected to the envelope."""

    @app.errorhandler(HTTPException)
    def erro_http(erro):
        # abort(code, "mensagem") sets description; werkzeug's English defaults are replaced.
        padrao = type(erro).description
        mensagem = erro.description if erro.description and erro.description != padrao else None
        return _responder(erro.code, mensagem)

    @app.errorhandler(ErroDominio)
    def erro_dominio(erro):
        return _responder(erro.status, erro.mensagem, erro.campo)

    @app.errorhandler(Exception)
    def erro_inesperado(erro):
        log.exception("Erro inesperado em %s %s", request.method, request.path)
        return _responder(InternalServerError.code, None)
