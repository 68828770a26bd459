"""Accounts API: register, login, logout, password, preferences, alarm notifications, and the owner's shifts and
downtime reasons."""
from flask import Blueprint, g, jsonify

from MongoDB.erros import AcessoNegado, NaoAutenticado
from nucleo import contas, notificacoes, paradas, turnos

from . import limites, seguranca
from .entrada import corpo_json
from .seguranca import emitir_token, servicos, token_required

bp = Blueprint("auth", __name__, url_prefix="/api/auth")


@bp.post("/register")
@limites.cadastro
def registrar():
    """Create an operator account (admins are promoted from the console)."""
    dados = corpo_json()
    usuario = contas.cadastrar(servicos(), dados.get("nome_usuario"), dados.get("senha"), dados.get("empresa"),
                               dados.get("email"))
    return jsonify({"message": "Usuário cadastrado com sucesso", "usuario": usuario}), 201


@bp.post("/login")
@limites.login
def login():
    """Exchange username and password for a JWT."""
    dados = corpo_json()
    usuario = servicos().usuarios.autenticar(dados.get("nome_usuario"), dados.get("senha"))
    if usuario is None:
        raise NaoAutenticado("login_invalido")
    return jsonify({"token": emitir_token(usuario), "user_id": usuario["id"], "nome_usuario": usuario["nome_usuario"]})


@bp.post("/logout")
@token_required
def logout():
    """End this session: its token stops working; the user's other devices stay logged in."""
    seguranca.encerrar_esta_sessao()
    return jsonify({"message": "Sessão encerrada"})


@bp.post("/logout-all")
@token_required
def logout_todos():
    """End every session of the user on every device (each open page says so within ~30 s)."""
    seguranca.encerrar_todas_as_sessoes(g.usuario["id"])
    return jsonify({"message": "Sessões encerradas em todos os dispositivos"})


@bp.get("/me")
@token_required
def eu():
    return jsonify({"usuario": g.usuario})


@bp.post("/password")
@token_required
def alterar_senha():
    dados = corpo_json()
    if not contas.alterar_senha(servicos(), g.usuario["id"], dados.get("senha_atual"), dados.get("senha_nova")):
        raise AcessoNegado("senha_atual_incorreta")
    return jsonify({"message": "Senha alterada; entre novamente"})


@bp.put("/preferences")
@token_required
def preferencias():
    """Time zone, language and theme of the pages."""
    return jsonify({"preferencias": contas.salvar_preferencias(servicos(), g.usuario, corpo_json())})


@bp.get("/shifts")
@token_required
def turnos_do_usuario():
    """My shifts (A 06-14, B 14-22, C 22-06 until I choose mine), wall-clock times in my zone."""
    return jsonify({"turnos": turnos.do_usuario(servicos(), g.usuario["id"])})


@bp.put("/shifts")
@token_required
def salvar_turnos():
    """Replace my shifts: {"turnos": [{"nome", "inicio": "HH:MM", "fim": "HH:MM"}]}; fim <= inicio crosses midnight."""
    return jsonify({"turnos": turnos.salvar(servicos(), g.usuario["id"], corpo_json())})


@bp.get("/downtime-reasons")
@token_required
def motivos_de_parada():
    """The reasons I label my stops with."""
    return jsonify({"motivos": paradas.motivos_do_usuario(servicos(), g.usuario["id"])})


@bp.put("/downtime-reasons")
@token_required
def salvar_motivos_de_parada():
    """Replace my list of reasons: {"motivos": ["manutenção", ...]}."""
    return jsonify({"motivos": paradas.salvar_motivos(servicos(), g.usuario["id"], corpo_json())})


@bp.get("/notifications")
@token_required
def notificacoes_do_usuario():
    """My alarm notifications: webhook URL (never its secret), e-mail, minimum severity, each channel's last delivery."""
    return jsonify({"notificacoes": notificacoes.ler(servicos(), g.usuario["id"])})


@bp.put("/notifications")
@token_required
def salvar_notificacoes():
    """{"webhook_url", "email", "severidade_minima", "gerar_novo_segredo"}; a new webhook secret is answered once."""
    return jsonify(notificacoes.salvar(servicos(), g.usuario["id"], corpo_json()))
