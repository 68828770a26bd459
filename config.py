"""Every DataButcher setting, read from the environment (and `.env`) in one place.

`ler_configuracao()` returns a plain dict that both the Flask app (`app.config`) and the
console (`main.py`) use, so they always agree on the database, the data folder and the
limits. Each key is spelled as the environment variable that sets it (`.env.example`
documents them all); `em_producao(cfg)` says whether DATABUTCHER_ENV is production.
"""
import json
import logging
import math
import os
import secrets
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote_plus

from dotenv import load_dotenv
from limits import parse_many

from nucleo.arquivos import gravar_privado
from nucleo.contrato import FUSO_PADRAO, ZONAS_VIBRACAO_PADRAO

log = logging.getLogger(__name__)

RAIZ = Path(__file__).resolve().parent

# Values that must never reach production: the seed README's placeholders.
SEGREDOS_PROIBIDOS = {"", "dev", "changeme", "sua_chave_secreta_flask", "sua_chave_secreta_jwt"}
# Production keys (the rule .env.example states): this long, this many estimated bits, no character
# taking more than this share of the key. `secrets.token_hex(32)` always passes.
SEGREDO_MINIMO = 32
SEGREDO_BITS_MINIMOS = 90
SEGREDO_FRACAO_MAXIMA = 0.25
FORMATOS_DE_LOG = ("text", "json")

USUARIO_MQTT_PADRAO = "databutcher-app"
ARQUIVO_CREDENCIAIS_MQTT = "mqtt-app.json"
ARQUIVO_ID_CLIENTE_MQTT = "mqtt-client-id.json"


class ConfiguracaoInvalida(RuntimeError):
    """A setting is missing or unsafe; the process must not start."""


def _texto(ambiente, chave, padrao=None):
    valor = ambiente.get(chave)
    return valor.strip() if valor is not None and valor.strip() != "" else padrao


def _inteiro(ambiente, chave, padrao):
    valor = _texto(ambiente, chave)
    if valor is None:
        return padrao
    try:
        return int(valor)
    except ValueError:
        raise ConfiguracaoInvalida(f"{chave} deve ser um número inteiro, recebido {valor!r}") from None


def _booleano(ambiente, chave, padrao):
    valor = _texto(ambiente, chave)
    if valor is None:
        return padrao
    return valor.lower() in {"1", "true", "sim", "yes", "on"}


def _zonas_vibracao(ambiente):
    """VIBRACAO_ZONAS as {classe: (A, B, C)} in mm/s, merged over the ISO 10816-3 defaults."""
    bruto = _texto(ambiente, "VIBRACAO_ZONAS")
    if bruto is None:
        return dict(ZONAS_VIBRACAO_PADRAO)
    try:
        dados = json.loads(bruto)
        zonas = {str(classe): tuple(float(limite) for limite in limites) for classe, limites in dados.items()}
    except (ValueError, TypeError, AttributeError):
        raise ConfiguracaoInvalida('VIBRACAO_ZONAS deve ser JSON {"classe": [A, B, C]} em mm/s') from None
    if any(len(limites) != 3 or list(limites) != sorted(limites) for limites in zonas.values()):
        raise ConfiguracaoInvalida("VIBRACAO_ZONAS: cada classe tem três limites crescentes (zonas A, B e C)")
    return dict(ZONAS_VIBRACAO_PADRAO) | zonas


def _decimal(ambiente, chave, padrao):
    valor = _texto(ambiente, chave)
    if valor is None:
        return padrao
    try:
        numero = float(valor)
    except ValueError:
        raise ConfiguracaoInvalida(f"{chave} deve ser um número, recebido {valor!r}") from None
    if not math.isfinite(numero) or numero < 0:
        raise ConfiguracaoInvalida(f"{chave} deve ser um número positivo, recebido {valor!r}")
    return numero


def _caminho(ambiente, chave, padrao) -> Path:
    """Relative folders are relative to the project, not to wherever the command was run."""
    caminho = Path(_texto(ambiente, chave, padrao))
    return (caminho if caminho.is_absolute() else RAIZ / caminho).resolve()


def _limite(ambiente, chave, padrao):
    """A flask-limiter rate ("5 per minute", "20/hour;100/day"), checked at start-up rather than at the first request."""
    valor = _texto(ambiente, chave, padrao)
    try:
        parse_many(valor)
    except ValueError:
        raise ConfiguracaoInvalida(f"{chave} deve ser um limite como '5 per minute', recebido {valor!r}") from None
    return valor


def _uri_mongo(ambiente):
    """MONGO_URI wins; the seed's MONGO_USER/MONGO_PASS/MONGO_HOST style is URL-escaped."""
    uri = _texto(ambiente, "MONGO_URI")
    if uri:
        return uri
    usuario, senha = _texto(ambiente, "MONGO_USER"), _texto(ambiente, "MONGO_PASS")
    host = _texto(ambiente, "MONGO_HOST")
    if usuario and senha and host:
        return f"mongodb+srv://{quote_plus(usuario)}:{quote_plus(senha)}@{host}/?retryWrites=true&w=majority"
    return None


ARQUIVO_SEGREDOS_DEV = "segredos-dev.json"


def _segredos_guardados(arquivo: Path, gerar) -> dict:
    """The JSON in `arquivo`, or `gerar()` written there once, readable by this user only from its first byte;
    another process that created it first wins, and its values are used."""
    if arquivo.exists():
        return json.loads(arquivo.read_text())
    gerados = gerar()
    if not gravar_privado(arquivo, json.dumps(gerados), substituir=False):
        return json.loads(arquivo.read_text())
    return gerados


def _segredos_de_desenvolvimento(pasta_dados: Path) -> dict:
    """Random keys kept in DATA_DIR so dev sessions survive a restart without a shared default."""
    return _segredos_guardados(pasta_dados / ARQUIVO_SEGREDOS_DEV,
                               lambda: {"SECRET_KEY": secrets.token_hex(32), "JWT_SECRET_KEY": secrets.token_hex(32)})


def credenciais_mqtt_do_app(cfg) -> tuple:
    """(username, password) the app logs in with on the embedded broker.

    MQTT_USERNAME / MQTT_PASSWORD when set; otherwise generated once and kept in
    DATA_DIR/mqtt-app.json (0600), so the broker never needs an anonymous door for the app.
    """
    if cfg.get("MQTT_USERNAME") and cfg.get("MQTT_PASSWORD"):
        return cfg["MQTT_USERNAME"], cfg["MQTT_PASSWORD"]
    guardadas = _segredos_guardados(Path(cfg["DATA_DIR"]) / ARQUIVO_CREDENCIAIS_MQTT,
                                    lambda: {"MQTT_USERNAME": USUARIO_MQTT_PADRAO, "MQTT_PASSWORD": secrets.token_urlsafe(32)})
    return cfg.get("MQTT_USERNAME") or guardadas["MQTT_USERNAME"], cfg.get("MQTT_PASSWORD") or guardadas["MQTT_PASSWORD"]


def id_cliente_mqtt(cfg) -> str:
    """This instance's MQTT client id: MQTT_CLIENT_ID, else one made up once and kept in DATA_DIR, so
    restarts resume the broker session."""
    if cfg.get("MQTT_CLIENT_ID"):
        return cfg["MQTT_CLIENT_ID"]
    return _segredos_guardados(Path(cfg["DATA_DIR"]) / ARQUIVO_ID_CLIENTE_MQTT,
                               lambda: {"MQTT_CLIENT_ID": f"databutcher-app-{uuid.uuid4().hex[:12]}"})["MQTT_CLIENT_ID"]


def em_producao(cfg) -> bool:
    return cfg.get("DATABUTCHER_ENV") == "production"


def ler_configuracao(ambiente=None, carregar_dotenv=True) -> dict:
    """Build the settings dict from `ambiente` (default: os.environ after loading `.env`)."""
    if ambiente is None:
        if carregar_dotenv:
            load_dotenv(RAIZ / ".env")
        ambiente = os.environ

    ambiente_execucao = _texto(ambiente, "DATABUTCHER_ENV", "development").lower()
    producao = ambiente_execucao == "production"
    pasta_dados = _caminho(ambiente, "DATA_DIR", "data")
    host = _texto(ambiente, "HOST", "127.0.0.1")
    porta = _inteiro(ambiente, "PORT", 5000)
    retencao_brutos = _inteiro(ambiente, "RETENCAO_DIAS_BRUTOS", 35)

    cfg = {
        "DATABUTCHER_ENV": ambiente_execucao,
        "HOST": host,
        "PORT": porta,
        "PUBLIC_URL": _texto(ambiente, "PUBLIC_URL", f"http://{host}:{porta}").rstrip("/"),
        "DATA_DIR": str(pasta_dados),
        "QRCODE_DIR": str(_caminho(ambiente, "QRCODE_DIR", "Qrcode")),
        "SECRET_KEY": _texto(ambiente, "SECRET_KEY"),
        "JWT_SECRET_KEY": _texto(ambiente, "JWT_SECRET_KEY"),
        "JWT_EXPIRES_HOURS": _inteiro(ambiente, "JWT_EXPIRES_HOURS", 12),
        "BCRYPT_ROUNDS": _inteiro(ambiente, "BCRYPT_ROUNDS", 12),
        "MONGO_URI": _uri_mongo(ambiente),
        "DB_NAME": _texto(ambiente, "DB_NAME", "DataButcherDB"),
        # Production refuses the embedded database and broker unless this says a small plant wants them.
        "EMBUTIDOS_EM_PRODUCAO": _booleano(ambiente, "EMBUTIDOS_EM_PRODUCAO", False),
        "MONGO_SERVER_SELECTION_TIMEOUT_MS": _inteiro(ambiente, "MONGO_SERVER_SELECTION_TIMEOUT_MS", 800),
        "MQTT_ENABLED": _booleano(ambiente, "MQTT_ENABLED", True),
        "MQTT_BROKER_URL": _texto(ambiente, "MQTT_BROKER_URL"),
        "MQTT_BROKER_PORT": _inteiro(ambiente, "MQTT_BROKER_PORT", 1883),
        # Where the embedded broker listens: loopback unless devices on the plant network must reach it.
        "MQTT_BIND": _texto(ambiente, "MQTT_BIND", "127.0.0.1"),
        "MQTT_USERNAME": _texto(ambiente, "MQTT_USERNAME"),
        "MQTT_PASSWORD": _texto(ambiente, "MQTT_PASSWORD"),
        "MQTT_TLS_ENABLED": _booleano(ambiente, "MQTT_TLS_ENABLED", False),
        "MQTT_KEEPALIVE": _inteiro(ambiente, "MQTT_KEEPALIVE", 30),
        # Fixed per instance: the broker keeps this client's session (and queues for it) while it is away.
        # Two processes must never share one: the broker would kick one of them in a loop.
        # Unset: made up once and kept in DATA_DIR by `id_cliente_mqtt`, when the app first connects.
        "MQTT_CLIENT_ID": _texto(ambiente, "MQTT_CLIENT_ID"),
        "MQTT_SHARED_GROUP": _texto(ambiente, "MQTT_SHARED_GROUP"),
        # mosquitto's dynamic security plugin: device logins created, rotated and removed by the app.
        "MQTT_DYNSEC": _booleano(ambiente, "MQTT_DYNSEC", False),
        "MQTT_DYNSEC_USERNAME": _texto(ambiente, "MQTT_DYNSEC_USERNAME", "admin"),
        "MQTT_DYNSEC_PASSWORD": _texto(ambiente, "MQTT_DYNSEC_PASSWORD"),
        "HEARTBEAT_TIMEOUT": _inteiro(ambiente, "HEARTBEAT_TIMEOUT", 45),
        "RETENCAO_DIAS_BRUTOS": retencao_brutos,
        # The longest CSV export; the default covers every raw reading retention keeps.
        "EXPORTACAO_DIAS_MAXIMOS": _inteiro(ambiente, "EXPORTACAO_DIAS_MAXIMOS", retencao_brutos + 1),
        "RETENCAO_DIAS_AGREGADOS": _inteiro(ambiente, "RETENCAO_DIAS_AGREGADOS", 730),
        "FILA_GRAVACAO": _inteiro(ambiente, "FILA_GRAVACAO", 50_000),
        "GRAVACAO_ATIVIDADE_S": _inteiro(ambiente, "GRAVACAO_ATIVIDADE_S", 5),
        "GRAVACAO_AGREGADOS_S": _inteiro(ambiente, "GRAVACAO_AGREGADOS_S", 10),
        "RETENCAO_INTERVALO_S": _inteiro(ambiente, "RETENCAO_INTERVALO_S", 600),
        "COMMAND_TTL_SECONDS": _inteiro(ambiente, "COMMAND_TTL_SECONDS", 30),
        "TIMEZONE": _texto(ambiente, "TIMEZONE", FUSO_PADRAO),
        # A stop (parada or desarmada) at least this long is a downtime the owner can give a reason (nucleo/paradas.py).
        "PARADA_MINIMA_S": _inteiro(ambiente, "PARADA_MINIMA_S", 300),
        # Alarms: the engine (off only for benchmarks that measure ingest without it), the offline check,
        # and the vibration zone edges per machine class (JSON {"classe": [A, B, C]}; nucleo/contrato.py).
        "ALARMES_ATIVOS": _booleano(ambiente, "ALARMES_ATIVOS", True),
        "VIGIA_INTERVALO_S": _inteiro(ambiente, "VIGIA_INTERVALO_S", 5),
        "TAREFAS_PERIODICAS": _booleano(ambiente, "TAREFAS_PERIODICAS", True),
        "VIBRACAO_ZONAS": _zonas_vibracao(ambiente),
        # Alarm notifications (nucleo/notificacoes.py, nucleo/entregador.py): how often the outbox is looked at,
        # retries with exponential backoff, the lease a process holds an item for, how long settled items stay.
        "NOTIFICACOES_INTERVALO_S": _decimal(ambiente, "NOTIFICACOES_INTERVALO_S", 2.0),
        "NOTIFICACOES_TENTATIVAS": _inteiro(ambiente, "NOTIFICACOES_TENTATIVAS", 8),
        "NOTIFICACOES_ESPERA_INICIAL_S": _decimal(ambiente, "NOTIFICACOES_ESPERA_INICIAL_S", 30.0),
        "NOTIFICACOES_ESPERA_MAXIMA_S": _decimal(ambiente, "NOTIFICACOES_ESPERA_MAXIMA_S", 3600.0),
        "NOTIFICACOES_CONCESSAO_S": _decimal(ambiente, "NOTIFICACOES_CONCESSAO_S", 120.0),
        "NOTIFICACOES_RETENCAO_DIAS": _inteiro(ambiente, "NOTIFICACOES_RETENCAO_DIAS", 7),
        "WEBHOOK_TIMEOUT_S": _decimal(ambiente, "WEBHOOK_TIMEOUT_S", 10.0),
        # Webhooks to loopback, private, link-local or reserved addresses are refused (SSRF) unless this is true.
        "WEBHOOK_PERMITIR_REDE_LOCAL": _booleano(ambiente, "WEBHOOK_PERMITIR_REDE_LOCAL", False),
        # E-mail: unset SMTP_HOST = no e-mail channel. SMTP_TLS: starttls (port 587), ssl (465) or nenhum.
        "SMTP_HOST": _texto(ambiente, "SMTP_HOST"),
        "SMTP_PORT": _inteiro(ambiente, "SMTP_PORT", 587),
        "SMTP_USUARIO": _texto(ambiente, "SMTP_USUARIO"),
        "SMTP_SENHA": _texto(ambiente, "SMTP_SENHA"),
        "SMTP_REMETENTE": _texto(ambiente, "SMTP_REMETENTE"),
        "SMTP_TLS": _texto(ambiente, "SMTP_TLS", "starttls").lower(),
        "SMTP_TIMEOUT_S": _decimal(ambiente, "SMTP_TIMEOUT_S", 20.0),
        "SSE_INTERVALO_S": _inteiro(ambiente, "SSE_INTERVALO_S", 2),
        "SSE_VIDA_MAXIMA_S": _inteiro(ambiente, "SSE_VIDA_MAXIMA_S", 600),
        "SSE_REVALIDAR_SESSAO_S": _inteiro(ambiente, "SSE_REVALIDAR_SESSAO_S", 10),
        # Open live streams: per user (tabs, screens) and in this process (each holds a server thread;
        # gunicorn.conf.py gives the server this many threads plus a reserve for everything else).
        "SSE_MAX_POR_USUARIO": _inteiro(ambiente, "SSE_MAX_POR_USUARIO", 5),
        "SSE_MAX_TOTAL": _inteiro(ambiente, "SSE_MAX_TOTAL", 256),
        "MAX_CONTENT_LENGTH": _inteiro(ambiente, "MAX_CONTENT_LENGTH", 64 * 1024),
        "CORS_ORIGINS": _texto(ambiente, "CORS_ORIGINS"),
        # Proxies in front that set X-Forwarded-For (0: clients connect directly); per-IP limits need the real IP.
        "PROXIES_CONFIAVEIS": _inteiro(ambiente, "PROXIES_CONFIAVEIS", 0),
        # Attempt limits (rotas/limites.py). Storage: memory:// per process, or e.g. redis://host:6379.
        "RATELIMIT_ENABLED": _booleano(ambiente, "RATELIMIT_ENABLED", True),
        "RATELIMIT_STORAGE_URI": _texto(ambiente, "RATELIMIT_STORAGE_URI", "memory://"),
        "LIMITE_LOGIN_IP": _limite(ambiente, "LIMITE_LOGIN_IP", "20 per minute"),
        "LIMITE_LOGIN_USUARIO": _limite(ambiente, "LIMITE_LOGIN_USUARIO", "5 per minute"),
        "LIMITE_CADASTRO_IP": _limite(ambiente, "LIMITE_CADASTRO_IP", "20 per hour"),
        "LIMITE_CADASTRO_USUARIO": _limite(ambiente, "LIMITE_CADASTRO_USUARIO", "5 per hour"),
        "LIMITE_REIVINDICACAO_USUARIO": _limite(ambiente, "LIMITE_REIVINDICACAO_USUARIO", "10 per minute"),
        "LIMITE_REIVINDICACAO_MAQUINA": _limite(ambiente, "LIMITE_REIVINDICACAO_MAQUINA", "5 per minute"),
        "LIMITE_DISPOSITIVO_FALHAS": _limite(ambiente, "LIMITE_DISPOSITIVO_FALHAS", "10 per minute"),
        # GET /metrics answers only with `Authorization: Bearer <METRICS_TOKEN>`; unset, it does not exist (404).
        "METRICS_TOKEN": _texto(ambiente, "METRICS_TOKEN"),
        "LOG_FORMAT": _texto(ambiente, "LOG_FORMAT", "text").lower(),
        # COOKIE_SECURE is the name older .env files use.
        "SESSION_COOKIE_SECURE": _booleano(ambiente, "SESSION_COOKIE_SECURE",
                                           _booleano(ambiente, "COOKIE_SECURE", producao)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }
    if cfg["LOG_FORMAT"] not in FORMATOS_DE_LOG:
        raise ConfiguracaoInvalida(f"LOG_FORMAT deve ser um de {', '.join(FORMATOS_DE_LOG)}, recebido {cfg['LOG_FORMAT']!r}")
    _validar_segredos(cfg, pasta_dados)
    _validar_smtp(cfg)
    _validar_mqtt(cfg)
    _validar_embutidos(cfg)
    return cfg


def bits_estimados(valor: str) -> float:
    """A key's entropy as its own letters suggest: length × Shannon bits per character of its character counts."""
    total = len(valor)
    return total * -sum(n / total * math.log2(n / total) for n in Counter(valor).values()) if valor else 0.0


def segredo_fraco(valor) -> bool:
    """Too short, a placeholder, a block repeated ('changeme' * 4), one character too common ('a' * 32), or too
    few estimated bits. A string is a repetition exactly when it occurs inside itself doubled, edges cut."""
    if valor is None or len(valor) < SEGREDO_MINIMO or valor.lower() in SEGREDOS_PROIBIDOS:
        return True
    mais_comum = Counter(valor).most_common(1)[0][1]
    return (valor in (valor + valor)[1:-1] or mais_comum > SEGREDO_FRACAO_MAXIMA * len(valor)
            or bits_estimados(valor) < SEGREDO_BITS_MINIMOS)


TLS_SMTP = ("starttls", "ssl", "nenhum")


def _validar_smtp(cfg: dict) -> None:
    """E-mail needs a sender and a known TLS mode; retries need at least one attempt and a lease longer than a send."""
    if cfg["SMTP_TLS"] not in TLS_SMTP:
        raise ConfiguracaoInvalida(f"SMTP_TLS deve ser um de {', '.join(TLS_SMTP)}, recebido {cfg['SMTP_TLS']!r}")
    if cfg["SMTP_HOST"] and not cfg["SMTP_REMETENTE"]:
        raise ConfiguracaoInvalida("SMTP_HOST definido sem SMTP_REMETENTE (ex.: DataButcher <alarmes@empresa.com>)")
    if cfg["NOTIFICACOES_TENTATIVAS"] < 1:
        raise ConfiguracaoInvalida("NOTIFICACOES_TENTATIVAS deve ser pelo menos 1")
    if cfg["NOTIFICACOES_CONCESSAO_S"] <= max(cfg["WEBHOOK_TIMEOUT_S"], cfg["SMTP_TIMEOUT_S"]):
        raise ConfiguracaoInvalida("NOTIFICACOES_CONCESSAO_S deve ser maior que WEBHOOK_TIMEOUT_S e SMTP_TIMEOUT_S: "
                                   "senão uma entrega lenta é reenviada por outro processo")


def _validar_mqtt(cfg: dict) -> None:
    """Refuse MQTT settings that would leave the broker open or the device logins unmanaged."""
    if cfg["MQTT_DYNSEC"] and not (cfg["MQTT_BROKER_URL"] and cfg["MQTT_DYNSEC_PASSWORD"]):
        raise ConfiguracaoInvalida("MQTT_DYNSEC=true precisa de MQTT_BROKER_URL (o mosquitto) e MQTT_DYNSEC_PASSWORD")
    if em_producao(cfg) and cfg["MQTT_ENABLED"] and cfg["MQTT_BROKER_URL"] and not (
            cfg["MQTT_USERNAME"] and cfg["MQTT_PASSWORD"]):
        raise ConfiguracaoInvalida("em produção o app entra no broker com MQTT_USERNAME e MQTT_PASSWORD: "
                                   "um broker que aceita anônimos aceita qualquer um")


def _validar_embutidos(cfg: dict) -> None:
    """Production runs on a real MongoDB and mosquitto unless EMBUTIDOS_EM_PRODUCAO=true says otherwise
    (a small plant on one host): the embedded ones are for evaluation, and they never run anonymous."""
    if not em_producao(cfg) or cfg["EMBUTIDOS_EM_PRODUCAO"]:
        return
    if not cfg["MONGO_URI"]:
        raise ConfiguracaoInvalida("em produção defina MONGO_URI, ou EMBUTIDOS_EM_PRODUCAO=true para usar o banco "
                                   "embutido (docs/dados.md, \"How far the embedded store goes\")")
    if cfg["MQTT_ENABLED"] and not cfg["MQTT_BROKER_URL"]:
        raise ConfiguracaoInvalida("em produção defina MQTT_BROKER_URL (mosquitto), ou EMBUTIDOS_EM_PRODUCAO=true "
                                   "para usar o broker embutido")


def _validar_segredos(cfg: dict, pasta_dados: Path) -> None:
    """Production refuses weak or shared keys and never reads the development key file; development
    generates its own keys once and keeps them in DATA_DIR."""
    if not em_producao(cfg):
        for chave in ("SECRET_KEY", "JWT_SECRET_KEY"):
            if cfg[chave] is None:
                cfg[chave] = _segredos_de_desenvolvimento(pasta_dados)[chave]
        return
    for chave in ("SECRET_KEY", "JWT_SECRET_KEY"):
        if segredo_fraco(cfg[chave]):
            raise ConfiguracaoInvalida(
                f"{chave} fraco ou ausente: em produção use {SEGREDO_MINIMO}+ caracteres aleatórios, "
                f"ex.: python -c \"import secrets; print(secrets.token_hex(32))\"")
    if cfg["SECRET_KEY"] == cfg["JWT_SECRET_KEY"]:
        raise ConfiguracaoInvalida("SECRET_KEY e JWT_SECRET_KEY devem ser diferentes em produção")
