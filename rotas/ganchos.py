"""What every page shares: template filters, the template context, security and cache headers.

`registrar_ganchos_das_paginas(app)` is called by create_app(); the contract constants the
scripts need (sensor table, texts) travel in `data-` attributes of <body>, never as copies in JS.
"""
from flask import g

from nucleo.contrato import MOTIVOS_DESARME, SENSORES_INFO, SEVERIDADES, UNIDADES_SENSORES

from . import apresentacao, seguranca
from .json import iso as iso_8601

POLITICA_CONTEUDO = "; ".join([
    "default-src 'self'", "img-src 'self' data: blob:", "media-src 'self' blob:", "style-src 'self'",
    "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'",
])
# Blueprints whose every answer is a page for one logged-in person: never cached anywhere.
BLUEPRINTS_DE_PAGINAS = ("paginas", "conta", "etiquetas", "planta")
# [[campo, casas decimais, unidade]] for static/js/ui.js, from the one sensor table.
SENSORES_JS = [[sensor, info["casas"], info["unidade"]] for sensor, info in SENSORES_INFO.items()]


def iso(momento):
    """ISO 8601 in UTC as the JSON API writes it; '' when there is no time."""
    return "" if momento is None else iso_8601(momento)


def contexto_das_paginas():
    """What every template may use; the CSRF token is only created when a template asks."""
    idioma = apresentacao.idioma()
    return {
        "usuario": g.get("usuario"),
        "csrf_token": seguranca.token_csrf,
        "fuso": apresentacao.fuso_do_usuario(),
        "idioma": idioma,
        "tema": apresentacao.preferencia("tema", ""),
        "t": apresentacao.traduzir,
        "textos_js": apresentacao.TEXTOS[idioma],
        "sensores_js": SENSORES_JS,
        "MOTIVOS_DESARME": MOTIVOS_DESARME,
        "SEVERIDADES": SEVERIDADES,
        "GRANDEZAS": apresentacao.GRANDEZAS,
        "UNIDADES": UNIDADES_SENSORES,
        "PARAMETROS_PARTIDA": apresentacao.PARAMETROS_PARTIDA,
    }


def cabecalhos_de_seguranca(resposta):
    """CSP without inline code, no sniffing, no referrer to other sites."""
    resposta.headers.setdefault("Content-Security-Policy", POLITICA_CONTEUDO)
    resposta.headers.setdefault("X-Content-Type-Options", "nosniff")
    resposta.headers.setdefault("Referrer-Policy", "same-origin")
    return resposta


def sem_cache(resposta):
    """A page shows one person's data: no browser or proxy may keep it."""
    resposta.headers.setdefault("Cache-Control", "no-store")
    return resposta


def registrar_ganchos_das_paginas(app):
    app.add_template_filter(apresentacao.tempo_desde, "tempo_desde")
    app.add_template_filter(apresentacao.hora_local, "hora_local")
    app.add_template_filter(apresentacao.formatar_leitura, "leitura")
    app.add_template_filter(apresentacao.formatar_parametro, "parametro")
    app.add_template_filter(apresentacao.motivo_desarme, "motivo_desarme")
    app.add_template_filter(apresentacao.descrever_desarme, "desarme")
    app.add_template_filter(iso, "iso")
    app.context_processor(contexto_das_paginas)
    app.after_request(cabecalhos_de_seguranca)
    for nome in BLUEPRINTS_DE_PAGINAS:  # per app, as @bp.after_request would do (the blueprint is shared)
        app.after_request_funcs.setdefault(nome, []).append(sem_cache)
