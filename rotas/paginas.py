"""Server-rendered pages (pt-BR): login, registration, the live dashboard, one machine's panel,
the account settings and the admins' QR label sheet.

Pages read through the same managers as the API; every write from a page goes through
the API itself (fetch + X-CSRF-Token, see static/js/api.js), so each rule lives once.
"""
import re
from datetime import timedelta, timezone
from functools import wraps
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import (Blueprint, abort, current_app, g, redirect, render_template, request, send_from_directory,
                   session, url_for)

from MongoDB.erros import ErroDominio
from MongoDB.validacao import CONFIGURACAO_RESET, UNIDADES_SENSORES, agora_utc

from . import seguranca
from .seguranca import login_required, servicos

bp = Blueprint("paginas", __name__)

POLITICA_CONTEUDO = "; ".join([
    "default-src 'self'", "img-src 'self' data: blob:", "media-src 'self' blob:", "style-src 'self'",
    "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'",
])
FUSO_PADRAO = "America/Sao_Paulo"
# (field, label, decimals) of a reading, in the order the pages show them.
GRANDEZAS = [("tensao", "Tensão", 1), ("vibracao", "Vibração", 2), ("temperatura", "Temperatura", 1), ("rpm", "Rotação", 0)]
CASAS_DECIMAIS = {campo: casas for campo, _, casas in GRANDEZAS}
PARAMETROS_PARTIDA = [("voltagem", "Voltagem", "V"), ("velocidade", "Velocidade", "rpm"), ("temperatura", "Temperatura", "°C")]
NOMES_COMANDO = {"start": "Partida", "stop": "Parada", "reset": "Reset"}
ESTADOS_COMANDO = {"enviado": "Enviado, aguardando a máquina", "confirmado": "Confirmado",
                   "expirado": "Expirado sem confirmação", "falhou": "Falhou"}
MENSAGEM_CSRF = "O formulário expirou. Recarregue a página e tente de novo."
AVISOS_ENTRAR = {"senha-alterada": "Senha alterada. Entre novamente com a nova senha."}

# Alert zones of the dashboard. Vibration: ISO 10816 class II, zone C (warning) and zone D (danger).
TEMPERATURA_MAXIMA_C = 80.0
VIBRACAO_ATENCAO_MM_S = 2.8
VIBRACAO_ALERTA_MM_S = 4.5
ORDEM_NIVEL = {"perigo": 0, "atencao": 1}
FUSOS_COMUNS = [
    "America/Sao_Paulo", "America/Manaus", "America/Cuiaba", "America/Porto_Velho", "America/Rio_Branco",
    "America/Belem", "America/Fortaleza", "America/Recife", "America/Bahia", "America/Noronha",
    "America/Argentina/Buenos_Aires", "America/Montevideo", "America/Asuncion", "America/Santiago",
    "America/Bogota", "America/Lima", "America/Mexico_City", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "Europe/Lisbon", "Europe/London", "Europe/Madrid", "Europe/Berlin",
    "Africa/Luanda", "Africa/Maputo", "Asia/Shanghai", "Asia/Tokyo", "UTC",
]
ID_MAQUINA = re.compile(r"^[0-9a-f]{24}$")

# Navigation and dashboard labels follow the user's language; the other pages are pt-BR for now.
TEXTOS = {
    "pt-BR": {
        "pular": "Pular para o conteúdo", "nav_maquinas": "Máquinas", "nav_conta": "Conta",
        "nav_etiquetas": "Etiquetas", "sair": "Sair", "usuario_conectado": "Usuário conectado",
        "minhas_maquinas": "Minhas máquinas", "adicionar_maquina": "Adicionar máquina",
        "sem_maquinas": "Você ainda não tem máquinas. Adicione uma com o código e o segredo da etiqueta, "
                        "ou lendo o QR code.",
        "tensao": "Tensão", "vibracao": "Vibração", "temperatura": "Temperatura", "rpm": "Rotação",
        "iniciada": "Iniciada", "parada": "Parada", "online": "Online", "offline": "Offline",
        "superaquecimento": "Superaquecimento", "vibracao_alta": "Vibração alta", "vibracao_elevada": "Vibração elevada",
        "ultima_mensagem": "Última mensagem", "ha": "há {}", "nunca": "nunca", "sem_nome": "Sem nome",
        "ao_vivo": "Ao vivo: atualiza sozinho.", "consultando": "Atualiza sozinho a cada 5 segundos.",
        "sem_conexao": "Sem conexão com o servidor; tentando de novo…", "tendencia": "Últimos 10 minutos",
        "resumo_alertas": "{} máquina(s) pedem atenção.", "tudo_normal": "Todas as máquinas em funcionamento normal.",
    },
    "en": {
        "pular": "Skip to content", "nav_maquinas": "Machines", "nav_conta": "Account",
        "nav_etiquetas": "Labels", "sair": "Log out", "usuario_conectado": "Logged-in user",
        "minhas_maquinas": "My machines", "adicionar_maquina": "Add machine",
        "sem_maquinas": "You have no machines yet. Add one with the code and secret on its label, or by scanning the QR code.",
        "tensao": "Voltage", "vibracao": "Vibration", "temperatura": "Temperature", "rpm": "Speed",
        "iniciada": "Running", "parada": "Stopped", "online": "Online", "offline": "Offline",
        "superaquecimento": "Overheating", "vibracao_alta": "High vibration", "vibracao_elevada": "Elevated vibration",
        "ultima_mensagem": "Last message", "ha": "{} ago", "nunca": "never", "sem_nome": "Unnamed",
        "ao_vivo": "Live: updates by itself.", "consultando": "Updates by itself every 5 seconds.",
        "sem_conexao": "No connection to the server; retrying…", "tendencia": "Last 10 minutes",
        "resumo_alertas": "{} machine(s) need attention.", "tudo_normal": "All machines running normally.",
    },
}
IDIOMA_PADRAO = "pt-BR"


# ---- presentation helpers --------------------------------------------------------------
def fuso_do_usuario() -> str:
    """The user's IANA zone (preferences), else the site's, else São Paulo."""
    usuario = g.get("usuario") or {}
    nome = (usuario.get("preferencias") or {}).get("fuso_horario") or current_app.config.get("FUSO_HORARIO")
    try:
        ZoneInfo(nome or FUSO_PADRAO)
        return nome or FUSO_PADRAO
    except (ZoneInfoNotFoundError, ValueError):
        return FUSO_PADRAO


def preferencia(nome, padrao=None):
    """One of the user's page preferences (idioma, tema, fuso_horario), or `padrao`."""
    return ((g.get("usuario") or {}).get("preferencias") or {}).get(nome) or padrao


def idioma() -> str:
    nome = preferencia("idioma", IDIOMA_PADRAO)
    return nome if nome in TEXTOS else IDIOMA_PADRAO


def traduzir(chave, *valores) -> str:
    """The label `chave` in the user's language (pt-BR when missing), with `{}` filled in."""
    texto = TEXTOS[idioma()].get(chave) or TEXTOS[IDIOMA_PADRAO][chave]
    return texto.format(*valores) if valores else texto


# ---- dashboard alerts --------------------------------------------------------------------
def temperatura_maxima(maquina) -> float:
    """80 °C always; while running, the start parameter `temperatura` too if it is lower.

    The reset value (20 °C) means "no limit chosen", not a limit: a machine started at the
    panel after a reset would otherwise show as overheating at room temperature.
    """
    configurada = (maquina.get("configuracoes") or {}).get("temperatura")
    if (maquina.get("status") == "iniciada" and isinstance(configurada, (int, float))
            and configurada > CONFIGURACAO_RESET["temperatura"]):
        return min(float(configurada), TEMPERATURA_MAXIMA_C)
    return TEMPERATURA_MAXIMA_C


def alertas(maquina) -> list:
    """What needs a person's eyes: [(nivel, chave)], nivel 'perigo' or 'atencao'. Mirrored in static/js/alertas.js."""
    encontrados = []
    if not maquina.get("online"):
        encontrados.append(("perigo", "offline"))
    ultima = maquina.get("ultima_leitura") or {}
    temperatura, vibracao = ultima.get("temperatura"), ultima.get("vibracao")
    if temperatura is not None and temperatura > temperatura_maxima(maquina):
        encontrados.append(("perigo", "superaquecimento"))
    if vibracao is not None and vibracao > VIBRACAO_ALERTA_MM_S:
        encontrados.append(("perigo", "vibracao_alta"))
    elif vibracao is not None and vibracao > VIBRACAO_ATENCAO_MM_S:
        encontrados.append(("atencao", "vibracao_elevada"))
    return encontrados


def nivel_da_leitura(maquina, grandeza):
    """'perigo' / 'atencao' for the reading that caused an alert, else ''."""
    valor = (maquina.get("ultima_leitura") or {}).get(grandeza)
    if valor is None:
        return ""
    if grandeza == "temperatura" and valor > temperatura_maxima(maquina):
        return "perigo"
    if grandeza == "vibracao":
        return "perigo" if valor > VIBRACAO_ALERTA_MM_S else "atencao" if valor > VIBRACAO_ATENCAO_MM_S else ""
    return ""


def ordenar_para_o_painel(maquinas) -> list:
    """Danger first, then warnings, then the rest; by name within each group."""
    def chave(maquina):
        niveis = [ORDEM_NIVEL[nivel] for nivel, _ in alertas(maquina)]
        return min(niveis, default=len(ORDEM_NIVEL)), (maquina.get("nome_maquina") or "").casefold()
    return sorted(maquinas, key=chave)


@bp.app_template_filter("tempo_desde")
def tempo_desde(momento):
    """'há 5 s', 'há 3 min', 'há 2 h', 'há 4 d' (the dashboard keeps it ticking in JS)."""
    if momento is None:
        return traduzir("nunca")
    if momento.tzinfo is None:
        momento = momento.replace(tzinfo=timezone.utc)
    segundos = max(0, int((agora_utc() - momento).total_seconds()))
    for limite, divisor, unidade in ((60, 1, "s"), (3600, 60, "min"), (86400, 3600, "h")):
        if segundos < limite:
            return traduzir("ha", f"{segundos // divisor} {unidade}")
    return traduzir("ha", f"{segundos // 86400} d")


@bp.app_template_filter("iso")
def iso(momento):
    if momento is None:
        return ""
    if momento.tzinfo is None:
        momento = momento.replace(tzinfo=timezone.utc)
    return momento.astimezone(timezone.utc).isoformat(timespec="milliseconds")


@bp.app_template_filter("hora_local")
def hora_local(momento, vazio="nunca"):
    """dd/mm/aaaa, HH:MM:SS in the user's zone (stored times are UTC)."""
    if momento is None:
        return vazio
    if momento.tzinfo is None:
        momento = momento.replace(tzinfo=timezone.utc)
    return momento.astimezone(ZoneInfo(fuso_do_usuario())).strftime("%d/%m/%Y, %H:%M:%S")


@bp.app_template_filter("leitura")
def formatar_leitura(valor, grandeza):
    """'1.500 rpm', '220,5 V': pt-BR separators and the sensor's unit; '—' when missing."""
    if valor is None:
        return "—"
    numero = f"{valor:,.{CASAS_DECIMAIS.get(grandeza, 1)}f}".translate(str.maketrans(",.", ".,"))
    return f"{numero} {UNIDADES_SENSORES.get(grandeza, '')}".strip()


@bp.app_context_processor
def contexto_das_paginas():
    """What every template may use; the CSRF token is only created when a template asks."""
    return {
        "usuario": g.get("usuario"),
        "csrf_token": seguranca.token_csrf,
        "fuso": fuso_do_usuario(),
        "idioma": idioma(),
        "tema": preferencia("tema", ""),
        "t": traduzir,
        "textos_js": TEXTOS[idioma()],
        "alertas": alertas,
        "nivel_da_leitura": nivel_da_leitura,
        "GRANDEZAS": GRANDEZAS,
        "UNIDADES": UNIDADES_SENSORES,
        "PARAMETROS_PARTIDA": PARAMETROS_PARTIDA,
        "NOMES_COMANDO": NOMES_COMANDO,
        "ESTADOS_COMANDO": ESTADOS_COMANDO,
    }


@bp.after_app_request
def cabecalhos_de_seguranca(resposta):
    """CSP without inline code, no sniffing, no referrer to other sites; pages are never cached."""
    resposta.headers.setdefault("Content-Security-Policy", POLITICA_CONTEUDO)
    resposta.headers.setdefault("X-Content-Type-Options", "nosniff")
    resposta.headers.setdefault("Referrer-Policy", "same-origin")
    if request.blueprint == bp.name:
        resposta.headers.setdefault("Cache-Control", "no-store")
    return resposta


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
        max_age=current_app.config["JWT_HORAS_VALIDADE"] * 3600, path="/",
        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    session.pop("csrf", None)  # a fresh CSRF token once logged in
    return resposta


@bp.get("/")
def inicio():
    if seguranca.usuario_atual() is not None:
        return redirect(url_for("paginas.maquinas"))
    return redirect(url_for("paginas.entrar"))


@bp.route("/entrar", methods=["GET", "POST"])
def entrar():
    """Login form; on success the session cookie is set and the user goes back to `proximo`."""
    proximo = caminho_local(request.values.get("proximo")) or ""
    if request.method == "GET":
        if seguranca.usuario_atual() is not None:
            return redirect(proximo or url_for("paginas.maquinas"))
        return render_template("entrar.html", proximo=proximo, aviso=AVISOS_ENTRAR.get(request.args.get("aviso")))
    nome_usuario = request.form.get("nome_usuario", "")
    if not seguranca.csrf_confere():
        return render_template("entrar.html", proximo=proximo, nome_usuario=nome_usuario, erro=MENSAGEM_CSRF), 403
    usuario = servicos().usuarios.autenticar(nome_usuario, request.form.get("senha", ""))
    if usuario is None:
        return render_template("entrar.html", proximo=proximo, nome_usuario=nome_usuario,
                               erro="Usuário ou senha inválidos."), 401
    return _abrir_sessao(usuario, proximo)


@bp.route("/cadastrar", methods=["GET", "POST"])
def cadastrar():
    """Registration form; domain refusals come back on the form, with the field marked."""
    proximo = caminho_local(request.values.get("proximo")) or ""
    campos = {campo: request.form.get(campo, "") for campo in ("nome_usuario", "empresa", "email")}
    if request.method == "GET":
        return render_template("cadastrar.html", proximo=proximo, **campos)
    if not seguranca.csrf_confere():
        return render_template("cadastrar.html", proximo=proximo, erro=MENSAGEM_CSRF, **campos), 403
    try:
        usuario = servicos().usuarios.criar(campos["nome_usuario"], request.form.get("senha", ""),
                                            campos["empresa"], campos["email"])
    except ErroDominio as erro:
        return render_template("cadastrar.html", proximo=proximo, erro=erro.mensagem, campo_erro=erro.campo,
                               **campos), erro.status
    return _abrir_sessao(usuario, proximo)


@bp.post("/sair")
def sair():
    """Log out for real: every token of the user is revoked, not just this cookie."""
    if not seguranca.csrf_confere():
        abort(403, MENSAGEM_CSRF)
    usuario = seguranca.usuario_atual()
    if usuario is not None:
        servicos().usuarios.revogar_sessoes(usuario["id"])
    resposta = redirect(url_for("paginas.entrar"), 303)
    resposta.delete_cookie(seguranca.COOKIE_SESSAO, path="/", httponly=True, samesite="Lax",
                           secure=current_app.config["SESSION_COOKIE_SECURE"])
    session.clear()
    return resposta


# ---- machines -------------------------------------------------------------------------
@bp.get("/maquinas")
@login_required
def maquinas():
    """The live dashboard: machines needing attention first (static/js/maquinas.js keeps it live)."""
    lista = ordenar_para_o_painel(servicos().maquinas.listar_do_usuario(g.usuario["id"]))
    em_alerta = sum(1 for maquina in lista if alertas(maquina))
    return render_template("maquinas.html", maquinas=lista, em_alerta=em_alerta, limites_alerta={
        "temperatura-maxima": TEMPERATURA_MAXIMA_C, "vibracao-atencao": VIBRACAO_ATENCAO_MM_S,
        "vibracao-alerta": VIBRACAO_ALERTA_MM_S})


@bp.get("/maquinas/adicionar")
@login_required
def adicionar():
    """Where a QR label lands: the claim form, pre-filled from the link."""
    return render_template("adicionar.html", codigo=request.args.get("codigo", "")[:100],
                           segredo=request.args.get("segredo", "")[:100])


@bp.get("/maquinas/<maquina_id>")
@login_required
def maquina(maquina_id):
    """One machine's panel; someone else's machine is 'not found' (MaquinaNaoEncontrada → 404)."""
    s = servicos()
    doc = s.maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    dados = s.maquinas.publico(doc)
    exportar_desde = (agora_utc() - timedelta(hours=1)).isoformat(timespec="seconds")
    return render_template(
        "maquina.html", maquina=dados,
        leituras=s.telemetria.listar(dados["id"], 20),
        comandos=s.comandos.listar(dados["id"], g.usuario["id"], 10),
        registros=s.registros.listar(dados["id"], g.usuario["id"], 50),
        link_exportar=url_for("telemetria.exportar", maquina_id=dados["id"], desde=exportar_desde, format="csv"))


# ---- account --------------------------------------------------------------------------
@bp.get("/conta")
@login_required
def conta():
    """Settings: time zone, language, theme, password (saved through /api/auth, see static/js/conta.js)."""
    return render_template("conta.html", fusos=FUSOS_COMUNS, fuso_salvo=preferencia("fuso_horario", ""))


# ---- admin: QR label sheet ------------------------------------------------------------
def admin_pagina(pagina):
    """Pages for admins only: anonymous → login, operators → the 403 page."""
    @login_required
    @wraps(pagina)
    def protegida(*args, **kwargs):
        if g.usuario["papel"] != "admin":
            abort(403, "Apenas administradores podem ver esta página.")
        return pagina(*args, **kwargs)
    return protegida


@bp.get("/admin/etiquetas")
@admin_pagina
def etiquetas_admin():
    """Printable A4 sheet of labels: `?ids=a,b,c`, or every free machine. Only machines with a PNG can be printed."""
    pedidos = list(dict.fromkeys(i.strip() for i in request.args.get("ids", "").split(",") if i.strip()))[:200]
    todas = servicos().maquinas.listar_todas()
    if pedidos:
        por_id = {maquina["id"]: maquina for maquina in todas}
        escolhidas = [por_id[i] for i in pedidos if i in por_id]
        desconhecidas = [i for i in pedidos if i not in por_id]
    else:
        escolhidas, desconhecidas = [m for m in todas if not m["id_usuario"]], []
    pasta = Path(current_app.config["QRCODE_DIR"])
    for maquina in escolhidas:
        maquina["tem_etiqueta"] = (pasta / f"qrcode_{maquina['id']}.png").is_file()
    return render_template("etiquetas.html", maquinas=escolhidas, desconhecidas=desconhecidas, filtradas=bool(pedidos))


@bp.get("/admin/etiquetas/<maquina_id>.png")
@admin_pagina
def etiqueta_png(maquina_id):
    """The QR PNG written by `main.py maquina criar`; it carries the claim secret, so admins only, never cached."""
    if not ID_MAQUINA.match(maquina_id):
        abort(404)
    resposta = send_from_directory(current_app.config["QRCODE_DIR"], f"qrcode_{maquina_id}.png", mimetype="image/png")
    resposta.headers["Cache-Control"] = "no-store"
    return resposta
