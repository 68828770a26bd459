"""How the pages show things: labels in the user's language, time zones, the dashboard's alert
rules and number/time formatting. No routes; rotas/paginas.py registers the template filters
and the context processor that hand these to the templates.
"""
from datetime import timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, g

from MongoDB.validacao import CONFIGURACAO_RESET, UNIDADES_SENSORES, agora_utc

FUSO_PADRAO = "America/Sao_Paulo"
# (field, label, decimals) of a reading, in the order the pages show them.
GRANDEZAS = [("tensao", "Tensão", 1), ("vibracao", "Vibração", 2), ("temperatura", "Temperatura", 1), ("rpm", "Rotação", 0)]
CASAS_DECIMAIS = {campo: casas for campo, _, casas in GRANDEZAS}
PARAMETROS_PARTIDA = [("voltagem", "Voltagem", "V"), ("velocidade", "Velocidade", "rpm"), ("temperatura", "Temperatura", "°C")]
NOMES_COMANDO = {"start": "Partida", "stop": "Parada", "reset": "Reset"}
ESTADOS_COMANDO = {"enviado": "Enviado, aguardando a máquina", "confirmado": "Confirmado",
                   "expirado": "Expirado sem confirmação", "falhou": "Falhou"}

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
    """The user's page language when we have its labels, else pt-BR."""
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


def hora_local(momento, vazio="nunca"):
    """dd/mm/aaaa, HH:MM:SS in the user's zone (stored times are UTC)."""
    if momento is None:
        return vazio
    if momento.tzinfo is None:
        momento = momento.replace(tzinfo=timezone.utc)
    return momento.astimezone(ZoneInfo(fuso_do_usuario())).strftime("%d/%m/%Y, %H:%M:%S")


def formatar_leitura(valor, grandeza):
    """'1.500 rpm', '220,5 V': pt-BR separators and the sensor's unit; '—' when missing."""
    if valor is None:
        return "—"
    numero = f"{valor:,.{CASAS_DECIMAIS.get(grandeza, 1)}f}".translate(str.maketrans(",.", ".,"))
    return f"{numero} {UNIDADES_SENSORES.get(grandeza, '')}".strip()
