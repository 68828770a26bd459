"""Server-rendered pages (in the user's language): login, registration, the live dashboard, one machine's panel and the alarms list.

What every page shares (template filters, context, security and cache headers) is in rotas/ganchos.py,
the account settings in rotas/conta.py, the admins' QR label sheet in rotas/etiquetas.py, and how
things are shown (labels, time zones, formatting) in rotas/apresentacao.py.

Pages read through the same managers as the API; every write from a page goes through
the API itself (fetch + X-CSRF-Token, see static/js/api.js), so each rule lives once.
"""
from datetime import timedelta

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for

from MongoDB.erros import AcessoNegado, ErroDominio
from MongoDB.gerencia_BD import agora_utc
from nucleo import alarmes, contas, mensagens, painel
from nucleo import maquinas as casos_maquinas
from nucleo.contrato import CLASSE_VIBRACAO_PADRAO, SEVERIDADES

from . import apresentacao, limites, seguranca
from .seguranca import login_required, servicos

bp = Blueprint("paginas", __name__)

# ?aviso= → key of the text shown on the login page
AVISOS_ENTRAR = {"senha-alterada": "aviso_senha_alterada", "saiu-de-todos": "aviso_saiu_de_todos",
                 "sessao-encerrada": "aviso_sessao_encerrada"}


# ---- sessions -------------------------------------------------------------------------
def caminho_local(destino):
    """`destino` if it is a path on this site ('/x', not '//host', '/\\host' or control chars), else None."""
    if not isinstance(destino, str) or not destino.startswith("/") or destino.startswith("//"):
        return None
    if "\\" in destino or any(ord(letra) < 32 or ord(letra) == 127 for letra in destino):
        return None
    return destino


def _abrir_sessao(usuario, destino):
    """Put the user's JWT in an HttpOnly cookie and go where they were heading."""
    resposta = redirect(caminho_local(destino) or url_for("paginas.maquinas"), 303)
    resposta.set_cookie(
        seguranca.COOKIE_SESSAO, seguranca.emitir_token(usuario),
        max_age=current_app.config["JWT_EXPIRES_HOURS"] * 3600, path="/",
        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    session.pop("csrf", None)  # a fresh CSRF token once logged in
    return resposta


@bp.get("/")
def inicio():
    if seguranca.usuario_atual() is not None:
        return redirect(url_for("paginas.maquinas"))
    return redirect(url_for("paginas.entrar"))


@bp.route("/entrar", methods=["GET", "POST"])
@limites.login
def entrar():
    """Login form; on success the session cookie is set and the user goes back to `proximo`."""
    proximo = caminho_local(request.values.get("proximo")) or ""
    if request.method == "GET":
        if seguranca.usuario_atual() is not None:
            return redirect(proximo or url_for("paginas.maquinas"))
        return render_template("entrar.html", proximo=proximo, aviso=AVISOS_ENTRAR.get(request.args.get("aviso")))
    nome_usuario = request.form.get("nome_usuario", "")
    if not seguranca.csrf_confere():
        return render_template("entrar.html", proximo=proximo, nome_usuario=nome_usuario,
                               erro=apresentacao.mensagem("formulario_expirado")), 403
    usuario = servicos().usuarios.autenticar(nome_usuario, request.form.get("senha", ""))
    if usuario is None:
        return render_template("entrar.html", proximo=proximo, nome_usuario=nome_usuario,
                               erro=apresentacao.mensagem("login_invalido")), 401
    return _abrir_sessao(usuario, proximo)


@bp.route("/cadastrar", methods=["GET", "POST"])
@limites.cadastro
def cadastrar():
    """Registration form; domain refusals come back on the form, with the field marked."""
    proximo = caminho_local(request.values.get("proximo")) or ""
    campos = {campo: request.form.get(campo, "") for campo in ("nome_usuario", "empresa", "email")}
    if request.method == "GET":
        return render_template("cadastrar.html", proximo=proximo, **campos)
    if not seguranca.csrf_confere():
        return render_template("cadastrar.html", proximo=proximo, erro=apresentacao.mensagem("formulario_expirado"),
                               **campos), 403
    try:
        usuario = contas.cadastrar(servicos(), campos["nome_usuario"], request.form.get("senha", ""),
                                   campos["empresa"], campos["email"])
    except ErroDominio as erro:
        return render_template("cadastrar.html", proximo=proximo, erro=mensagens.texto(erro, apresentacao.idioma()),
                               campo_erro=erro.campo, **campos), erro.status
    return _abrir_sessao(usuario, proximo)


def _fechar_cookie(destino):
    resposta = redirect(destino, 303)
    resposta.delete_cookie(seguranca.COOKIE_SESSAO, path="/", httponly=True, samesite="Lax",
                           secure=current_app.config["SESSION_COOKIE_SECURE"])
    session.clear()
    return resposta


@bp.post("/sair")
def sair():
    """Log out of this browser: this session's token is revoked for real, the other devices stay in."""
    if not seguranca.csrf_confere():
        raise AcessoNegado("formulario_expirado")
    if seguranca.usuario_atual() is not None:
        seguranca.encerrar_esta_sessao()
    return _fechar_cookie(url_for("paginas.entrar"))


@bp.post("/sair-de-todos")
def sair_de_todos():
    """The account page's "Sair de todos os dispositivos": every session of the user ends."""
    if not seguranca.csrf_confere():
        raise AcessoNegado("formulario_expirado")
    usuario = seguranca.usuario_atual()
    if usuario is not None:
        seguranca.encerrar_todas_as_sessoes(usuario["id"])
    return _fechar_cookie(url_for("paginas.entrar", aviso="saiu-de-todos"))


# ---- machines -------------------------------------------------------------------------
@bp.get("/maquinas")
@login_required
def maquinas():
    """The live dashboard: the most severe alarm first, then the oldest (static/js/maquinas.js keeps it live)."""
    lista = painel.maquinas_do_usuario(servicos(), g.usuario["id"])
    contagem = {severidade: sum(1 for m in lista if m["severidade"] == severidade) for severidade in SEVERIDADES}
    linhas = sorted({m["linha"] for m in lista if m.get("linha")}, key=str.casefold)
    return render_template("maquinas.html", maquinas=lista, contagem=contagem, em_alarme=sum(contagem.values()),
                           linhas=linhas, visao=apresentacao.preferencia("visao_painel", "cartoes"),
                           agrupar=apresentacao.preferencia("agrupar_painel", "nenhum"))


@bp.get("/maquinas/adicionar")
@login_required
def adicionar():
    """Where a QR label lands: the claim form, pre-filled from the link."""
    return render_template("adicionar.html", codigo=request.args.get("codigo", "")[:100],
                           segredo=request.args.get("segredo", "")[:100])


@bp.get("/maquinas/<id_maquina:maquina_id>")
@login_required
def maquina(maquina_id):
    """One machine's panel; someone else's machine is 'not found' (MaquinaNaoEncontrada → 404)."""
    s = servicos()
    dados = painel.maquina_do_usuario(s, maquina_id, g.usuario["id"])
    exportar_desde = (agora_utc() - timedelta(hours=1)).isoformat(timespec="seconds")
    return render_template(
        "maquina.html", maquina=dados,
        regras=alarmes.regras_da_maquina(s, dados["id"], g.usuario["id"]),
        classes_vibracao=list(s.motor_alarmes.zonas_por_classe), classe_padrao=CLASSE_VIBRACAO_PADRAO,
        timeout_faixa=(casos_maquinas.TIMEOUT_MINIMO_S, casos_maquinas.TIMEOUT_MAXIMO_S),
        leituras=s.telemetria.listar(dados["id"], 20),
        comandos=s.comandos.listar(dados["id"], g.usuario["id"], 10),
        registros=s.registros.listar(dados["id"], g.usuario["id"], 50),
        link_exportar=url_for("telemetria.exportar", maquina_id=dados["id"], desde=exportar_desde, format="csv"))


@bp.get("/alarmes")
@login_required
def lista_de_alarmes():
    """The alarms of all my machines, filtered by machine, severity, state and period (static/js/alarmes.js)."""
    minhas = servicos().maquinas.listar_do_usuario(g.usuario["id"])
    return render_template("alarmes.html", maquinas=sorted(minhas, key=lambda m: (m["nome_maquina"] or "").casefold()),
                           filtro_maquina=request.args.get("maquina_id", ""))
