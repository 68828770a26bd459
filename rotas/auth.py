"""Accounts API: register, login, logout, password and preferences."""
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, abort, g, jsonify

from MongoDB import validacao

from .entrada import corpo_json
from .seguranca import emitir_token, servicos, token_required

bp = Blueprint("auth", __name__, url_prefix="/api/auth")

FUSOS_ACEITOS_MAX = 64
IDIOMAS = {"pt-BR", "en"}
TEMAS = {"claro", "escuro"}


@bp.post("/register")
def registrar():
    """Create an operator account (admins are promoted from the console)."""
    dados = corpo_json()
    usuario = servicos().usuarios.criar(
        dados.get("nome_usuario"), dados.get("senha"), dados.get("empresa"), dados.get("email"))
    return jsonify({"message": "Usuário cadastrado com sucesso", "usuario": usuario}), 201


@bp.post("/login")
def login():
    """Exchange username and password for a JWT."""
    dados = corpo_json()
    usuario = servicos().usuarios.autenticar(dados.get("nome_usuario"), dados.get("senha"))
    if usuario is None:
        abort(401, "Usuário ou senha inválidos")
    return jsonify({"token": emitir_token(usuario), "user_id": usuario["id"], "nome_usuario": usuario["nome_usuario"]})


@bp.post("/logout")
@token_required
def logout():
    """Revoke every token of this user, the one in use included."""
    servicos().usuarios.revogar_sessoes(g.usuario["id"])
    return jsonify({"message": "Sessão encerrada"})


@bp.get("/me")
@token_required
def eu():
    return jsonify({"usuario": g.usuario})


@bp.post("/password")
@token_required
def alterar_senha():
    dados = corpo_json()
    if not servicos().usuarios.alterar_senha(g.usuario["id"], dados.get("senha_atual"), dados.get("senha_nova")):
        abort(403, "Senha atual incorreta")
    return jsonify({"message": "Senha alterada; entre novamente"})


@bp.put("/preferences")
@token_required
def preferencias():
    """Time zone, language and theme of the pages."""
    dados = corpo_json()
    novas = {}
    if "fuso_horario" in dados:
        novas["fuso_horario"] = _fuso(dados["fuso_horario"])
    if "idioma" in dados:
        novas["idioma"] = _entre(dados["idioma"], IDIOMAS, "idioma")
    if "tema" in dados:
        novas["tema"] = _entre(dados["tema"], TEMAS, "tema")
    servicos().usuarios.salvar_preferencias(g.usuario["id"], novas)
    return jsonify({"preferencias": {**g.usuario["preferencias"], **novas}})


def _entre(valor, aceitos, campo):
    if valor not in aceitos:
        abort(400, f"O campo '{campo}' deve ser um de: {', '.join(sorted(aceitos))}")
    return valor


def _fuso(valor):
    nome = validacao.texto(valor, "fuso_horario", FUSOS_ACEITOS_MAX)
    try:
        ZoneInfo(nome)
    except (ZoneInfoNotFoundError, ValueError):
        abort(400, "Fuso horário desconhecido (use um nome IANA, ex.: America/Sao_Paulo)")
    return nome
