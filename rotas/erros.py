"""The one error envelope: `{"error": <HTTP reason>, "message": <detail>[, "campo": <field>]}`.

API clients always get JSON; browsers on pages get a small HTML error page. The detail is
written by nucleo/mensagens.py in the caller's language (pt-BR unless they chose English).
No exception text or traceback ever reaches a client: unexpected errors are logged.
"""
import logging

from flask import jsonify, make_response, render_template, request
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES

from MongoDB.erros import ErroDominio, MuitasTentativas
from MongoDB.gerencia_BD import FalhaDeConexao
from nucleo import mensagens
from nucleo.gravador import BancoIndisponivel

from .apresentacao import idioma
from .limites import segundos_ate_liberar
from .seguranca import usuario_da_pagina

log = logging.getLogger(__name__)


def resposta_erro(status, mensagem, campo=None):
    """The envelope response for `status`."""
    corpo = {"error": HTTP_STATUS_CODES.get(status, "Error"), "message": mensagem}
    if campo:
        corpo["campo"] = campo
    resposta = jsonify(corpo)
    resposta.status_code = status
    return resposta


def _quer_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _responder(status, mensagem, campo=None, repetir_em=None):
    if _quer_json():
        resposta = resposta_erro(status, mensagem, campo)
    else:
        resposta = make_response(render_template("erro.html", status=status, mensagem=mensagem), status)
    if repetir_em is not None:
        resposta.headers["Retry-After"] = str(repetir_em)
    return resposta


def _mensagem(erro_ou_status):
    """The detail in the caller's language; an error page first finds out who is looking (no route ran)."""
    if not _quer_json():
        usuario_da_pagina()
    if isinstance(erro_ou_status, ErroDominio):
        return mensagens.texto(erro_ou_status, idioma())
    return mensagens.do_status(erro_ou_status, idioma())


def registrar_tratadores_de_erro(app):
    """Map domain exceptions, HTTP errors and the unexpected to the envelope."""

    @app.errorhandler(ErroDominio)
    def erro_dominio(erro):
        return _responder(erro.status, _mensagem(erro), erro.campo, erro.repetir_em)

    @app.errorhandler(RateLimitExceeded)
    def limite_excedido(erro):
        # flask-limiter's refusal (rotas/limites.py), in our words and with when to come back.
        segundos = segundos_ate_liberar()
        return erro_dominio(MuitasTentativas(repetir_em=segundos, segundos=segundos))

    @app.errorhandler(HTTPException)
    def erro_http(erro):
        # werkzeug's errors (no route, wrong method, body too large) get the status's own message.
        resposta = _responder(erro.code, _mensagem(erro.code))
        if isinstance(erro, MethodNotAllowed) and erro.valid_methods and not isinstance(resposta, tuple):
            resposta.headers["Allow"] = ", ".join(erro.valid_methods)  # RFC 9110: a 405 says what is allowed
        return resposta

    @app.errorhandler(FalhaDeConexao)
    def banco_inacessivel(erro):
        # The database went away (died, restarting, network): a fast 503, never a 500; it comes back by itself.
        log.warning("Banco inacessível em %s %s: %s", request.method, request.path, type(erro).__name__)
        return erro_dominio(BancoIndisponivel())

    @app.errorhandler(Exception)
    def erro_inesperado(erro):
        log.exception("Erro inesperado em %s %s", request.method, request.path)
        return _responder(InternalServerError.code, _mensagem(InternalServerError.code))
