"""How the pages show things: texts in the user's language (the table is rotas/textos.py), time zones,
and number/time formatting (alarms are judged in nucleo/, never here). No routes; rotas/paginas.py registers the template filters
and the context processor that hand these to the templates.
"""
from datetime import timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, g

from MongoDB.gerencia_BD import agora_utc
from nucleo import mensagens
from nucleo.contrato import (FUSO_PADRAO, IDIOMA_PADRAO, MOTIVOS_DESARME, SENSORES_INFO, UNIDADES_PARTIDA,
                             UNIDADES_SENSORES)

from .textos import TEXTOS

# (field, decimals) of a reading, in the order the pages show them; the field is also its label's key.
GRANDEZAS = [(sensor, info["casas"]) for sensor, info in SENSORES_INFO.items()]
CASAS_DECIMAIS = dict(GRANDEZAS)
PARAMETROS_PARTIDA = list(UNIDADES_PARTIDA.items())
# Dates and numbers as each language writes them (static/js/ui.js uses Intl with the page's lang).
FORMATO_HORA = {"pt-BR": "%d/%m/%Y, %H:%M:%S", "en": "%m/%d/%Y, %H:%M:%S"}
SEPARADORES = {"pt-BR": str.maketrans(",.", ".,"), "en": {}}

FUSOS_COMUNS = [
    "America/Sao_Paulo", "America/Manaus", "America/Cuiaba", "America/Porto_Velho", "America/Rio_Branco",
    "America/Belem", "America/Fortaleza", "America/Recife", "America/Bahia", "America/Noronha",
    "America/Argentina/Buenos_Aires", "America/Montevideo", "America/Asuncion", "America/Santiago",
    "America/Bogota", "America/Lima", "America/Mexico_City", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "Europe/Lisbon", "Europe/London", "Europe/Madrid", "Europe/Berlin",
    "Africa/Luanda", "Africa/Maputo", "Asia/Shanghai", "Asia/Tokyo", "UTC",
]


# ---- presentation helpers --------------------------------------------------------------
def fuso_do_usuario() -> str:
    """The user's IANA zone (preferences), else the site's, else São Paulo."""
    usuario = g.get("usuario") or {}
    nome = (usuario.get("preferencias") or {}).get("fuso_horario") or current_app.config.get("TIMEZONE")
    try:
        ZoneInfo(nome or FUSO_PADRAO)
        return nome or FUSO_PADRAO
    except (ZoneInfoNotFoundError, ValueError):
        return FUSO_PADRAO


def preferencia(nome, padrao=None):
    """One of the user's page preferences (idioma, tema, fuso_horario), or `padrao`."""
    return ((g.get("usuario") or {}).get("preferencias") or {}).get(nome) or padrao


def idioma() -> str:
    """The user's page language when we have its labels, else pt-BR."""
    nome = preferencia("idioma", IDIOMA_PADRAO)
    return nome if nome in TEXTOS else IDIOMA_PADRAO


def traduzir(chave, *valores) -> str:
    """The text `chave` in the user's language, with `{}` filled in; an unknown key comes back as itself."""
    texto = TEXTOS[idioma()].get(chave) or TEXTOS[IDIOMA_PADRAO].get(chave, chave)
    return texto.format(*valores) if valores else texto


def mensagem(chave, **valores) -> str:
    """A domain message (nucleo/mensagens.py) in the user's language."""
    return mensagens.traduzir(chave, idioma(), **valores)


# ---- formatting (template filters) -------------------------------------------------------
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


def hora_local(momento, vazio=None):
    """dd/mm/aaaa, HH:MM:SS (English: mm/dd/yyyy) in the user's zone (stored times are UTC); 'nunca' if none."""
    if momento is None:
        return vazio or traduzir("nunca")
    if momento.tzinfo is None:
        momento = momento.replace(tzinfo=timezone.utc)
    return momento.astimezone(ZoneInfo(fuso_do_usuario())).strftime(FORMATO_HORA[idioma()])


def formatar_leitura(valor, grandeza):
    """'1.500 rpm', '220,5 V' (English: '1,500 rpm', '220.5 V'): the language's separators and the sensor's unit."""
    if valor is None:
        return "—"
    numero = f"{valor:,.{CASAS_DECIMAIS.get(grandeza, 1)}f}".translate(SEPARADORES[idioma()])
    return f"{numero} {UNIDADES_SENSORES.get(grandeza, '')}".strip()


def formatar_parametro(valor, campo):
    """'1.963 rpm', '220,5 V': a start parameter with up to one decimal and its unit (nucleo/contrato.py UNIDADES_PARTIDA)."""
    if valor is None:
        return "—"
    numero = f"{valor:,.1f}".removesuffix(".0").translate(SEPARADORES[idioma()])
    return f"{numero} {UNIDADES_PARTIDA.get(campo, '')}".strip()


def motivo_desarme(motivo) -> str:
    """A trip reason in the user's words when the product knows it (nucleo/contrato.py MOTIVOS_DESARME), else as sent."""
    chave = f"motivo_desarme_{motivo}"
    texto = traduzir(chave)
    return motivo if texto == chave else texto


def descrever_desarme(desarme) -> str:
    """'27,8 °C > 20,0 °C' for a trip the device reported with its values (the sensor comes from the reason), '' without them."""
    if not desarme or desarme.get("valor") is None or desarme.get("limite") is None:
        return ""
    sensor = MOTIVOS_DESARME.get(desarme.get("motivo"))
    return f"{formatar_leitura(desarme['valor'], sensor)} > {formatar_leitura(desarme['limite'], sensor)}"
