"""Who is calling: users by JWT (Bearer header or HttpOnly cookie + CSRF), devices by token.

Every protected route goes through `token_required` / `login_required` (users), `admin_required` /
`admin_pagina` (admins) or `token_dispositivo()` (devices); nothing else decides identity.
"""
import hmac
import secrets
from datetime import timedelta
from functools import wraps

import jwt
from flask import current_app, g, redirect, request, session, url_for

from MongoDB.erros import AcessoNegado, NaoAutenticado
from MongoDB.gerencia_BD import agora_utc

COOKIE_SESSAO = "databutcher_sessao"
CABECALHO_CSRF = "X-CSRF-Token"
METODOS_SEGUROS = {"GET", "HEAD", "OPTIONS"}


def servicos():
    """The managers of this app (built once in create_app)."""
    return current_app.extensions["databutcher"]


def emitir_token(usuario) -> str:
    """HS256 JWT of a new session: `sub` is the user id as a string, `sid` the session ("Sair" ends it),
    `ver` the user's session version ("Sair de todos" and a password change bump it)."""
    agora = agora_utc()
    expira = agora + timedelta(hours=current_app.config["JWT_EXPIRES_HOURS"])
    carga = {
        "sub": usuario["id"],
        "nome_usuario": usuario["nome_usuario"],
        "ver": usuario.get("versao_sessao", 0),
        "sid": servicos().sessoes.abrir(usuario["id"], agora, expira),
        "iat": agora,
        "exp": expira,
    }
    return jwt.encode(carga, current_app.config["JWT_SECRET_KEY"], algorithm="HS256")


def _usuario_do_token(token):
    """The user a token belongs to, or None when it is missing, forged, expired or revoked."""
    try:
        carga = jwt.decode(token, current_app.config["JWT_SECRET_KEY"], algorithms=["HS256"],
                           options={"require": ["exp", "sub"]})
    except jwt.PyJWTError:
        return None
    usuario = servicos().usuarios.buscar_por_id(carga.get("sub"))
    if usuario is None or carga.get("ver", 0) != usuario["versao_sessao"]:
        return None
    if not isinstance(carga.get("sid"), str) or not servicos().sessoes.ativa(carga["sid"], usuario["id"]):
        return None
    g.sessao_id = carga["sid"]
    return usuario


def token_bearer():
    """The token of `Authorization: Bearer <token>`, or None."""
    cabecalho = request.headers.get("Authorization", "")
    tipo, _, token = cabecalho.partition(" ")
    return token.strip() if tipo.lower() == "bearer" and token.strip() else None


def token_csrf() -> str:
    """Synchronizer token kept in the signed Flask session; pages put it in a meta tag."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_confere() -> bool:
    enviado = request.headers.get(CABECALHO_CSRF) or request.form.get("csrf_token") or ""
    esperado = session.get("csrf")
    return bool(esperado) and hmac.compare_digest(enviado, esperado)


def usuario_atual():
    """The caller: Bearer header first, then the page cookie (CSRF-checked on writes)."""
    token = token_bearer()
    if token is not None:
        return _usuario_do_token(token)
    token = request.cookies.get(COOKIE_SESSAO)
    if token is None:
        return None
    if request.method not in METODOS_SEGUROS and not csrf_confere():
        raise AcessoNegado("csrf_invalido")
    return _usuario_do_token(token)


def encerrar_esta_sessao():
    """"Sair": only the session of the token in use ends; the user's other devices stay logged in."""
    if g.get("sessao_id"):
        servicos().sessoes.encerrar(g.sessao_id)


def encerrar_todas_as_sessoes(usuario_id):
    """"Sair de todos": every session and every token issued so far."""
    servicos().usuarios.revogar_sessoes(usuario_id)
    servicos().sessoes.encerrar_todas(usuario_id)


def usuario_da_pagina():
    """The visitor an error page is for (its language), from the page cookie; never raises."""
    if "usuario" not in g:
        token = request.cookies.get(COOKIE_SESSAO)
        g.usuario = _usuario_do_token(token) if token else None
    return g.usuario


def token_required(rota):
    """API routes: 401 in the envelope unless a valid user token comes with the request."""
    @wraps(rota)
    def protegida(*args, **kwargs):
        g.usuario = usuario_atual()
        if g.usuario is None:
            raise NaoAutenticado("token_ausente")
        return rota(*args, **kwargs)
    return protegida


def login_required(pagina):
    """Pages: send anonymous visitors to the login page, back here afterwards."""
    @wraps(pagina)
    def protegida(*args, **kwargs):
        g.usuario = usuario_atual()
        if g.usuario is None:
            # A cookie that no longer works: the session ended (elsewhere, or it expired); say so.
            aviso = "sessao-encerrada" if request.cookies.get(COOKIE_SESSAO) else None
            return redirect(url_for("paginas.entrar", proximo=request.full_path.rstrip("?"), aviso=aviso))
        return pagina(*args, **kwargs)
    return protegida


def _so_admin(autenticacao):
    """A decorator: `autenticacao` first, then 403 unless the user is an admin."""
    def decorador(rota):
        @autenticacao
        @wraps(rota)
        def protegida(*args, **kwargs):
            if g.usuario["papel"] != "admin":
                raise AcessoNegado("so_administradores")
            return rota(*args, **kwargs)
        return protegida
    return decorador


# API routes: 401/403 in the envelope. Pages: anonymous → login, operators → the 403 page.
admin_required = _so_admin(token_required)
admin_pagina = _so_admin(login_required)


def token_dispositivo():
    """The device token from `Authorization: Bearer`; 401 without it."""
    token = token_bearer()
    if token is None:
        raise NaoAutenticado("token_dispositivo_ausente")
    return token
