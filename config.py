"""Every DataButcher setting, read from the environment (and `.env`) in one place.

`ler_configuracao()` returns a plain dict that both the Flask app (`app.config`) and the
console (`main.py`) use, so they always agree on the database, the data folder and the
limits. Each key is spelled as the environment variable that sets it (`.env.example`
documents them all); `em_producao(cfg)` says whether DATABUTCHER_ENV is production.
"""
import json
import logging
import os
import secrets
import uuid
from pathlib import Path
from urllib.parse import quote_plus

from dotenv import load_dotenv

from nucleo.contrato import FUSO_PADRAO

log = logging.getLogger(__name__)

RAIZ = Path(__file__).resolve().parent

# Values that must never reach production: the seed README's placeholders.
SEGREDOS_PROIBIDOS = {"", "dev", "changeme", "sua_chave_secreta_flask", "sua_chave_secreta_jwt"}
USUARIO_MQTT_PADRAO = "databutcher-app"
ARQUIVO_CREDENCIAIS_MQTT = "mqtt-app.json"


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


def _caminho(ambiente, chave, padrao) -> Path:
    """Relative folders are relative to the project, not to wherever the command was run."""
    caminho = Path(_texto(ambiente, chave, padrao))
    return (caminho if caminho.is_absolute() else RAIZ / caminho).resolve()


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


def _segredos_guardados(arquivo: Path, gerar) -> dict:
    """The JSON in `arquivo`, or `gerar()` written there once, readable by this user only."""
    if arquivo.exists():
        return json.loads(arquivo.read_text())
    arquivo.parent.mkdir(parents=True, exist_ok=True)
    gerados = gerar()
    try:
        # Created 0600 in one step: the secrets are never readable by others, not even for a moment.
        descritor = os.open(arquivo, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process (the console?) wrote it first: use theirs
        return json.loads(arquivo.read_text())
    with os.fdopen(descritor, "w") as saida:
        json.dump(gerados, saida)
    return gerados


def _segredos_de_desenvolvimento(pasta_dados: Path) -> dict:
    """Random keys kept in DATA_DIR so dev sessions survive a restart without a shared default."""
    return _segredos_guardados(pasta_dados / "segredos-dev.json",
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
        "EMBEDDED_MONGO_PORT": _inteiro(ambiente, "EMBEDDED_MONGO_PORT", 27027),
        "MQTT_ENABLED": _booleano(ambiente, "MQTT_ENABLED", True),
        "MQTT_BROKER_URL": _texto(ambiente, "MQTT_BROKER_URL"),
        "MQTT_BROKER_PORT": _inteiro(ambiente, "MQTT_BROKER_PORT", 1883),
        # Where the embedded broker listens: loopback unless devices on the plant network must reach it.
        "MQTT_BIND": _texto(ambiente, "MQTT_BIND", "127.0.0.1"),
        "MQTT_USERNAME": _texto(ambiente, "MQTT_USERNAME"),
        "MQTT_PASSWORD": _texto(ambiente, "MQTT_PASSWORD"),
        "MQTT_TLS_ENABLED": _booleano(ambiente, "MQTT_TLS_ENABLED", False),
        "MQTT_KEEPALIVE": _inteiro(ambiente, "MQTT_KEEPALIVE", 30),
        # A client id shared by two processes makes the broker kick one of them in a loop.
        "MQTT_CLIENT_ID": _texto(ambiente, "MQTT_CLIENT_ID", f"databutcher-app-{uuid.uuid4().hex[:12]}"),
        "MQTT_SHARED_GROUP": _texto(ambiente, "MQTT_SHARED_GROUP"),
        # mosquitto's dynamic security plugin: device logins created, rotated and removed by the app.
        "MQTT_DYNSEC": _booleano(ambiente, "MQTT_DYNSEC", False),
        "MQTT_DYNSEC_USERNAME": _texto(ambiente, "MQTT_DYNSEC_USERNAME", "admin"),
        "MQTT_DYNSEC_PASSWORD": _texto(ambiente, "MQTT_DYNSEC_PASSWORD"),
        "HEARTBEAT_TIMEOUT": _inteiro(ambiente, "HEARTBEAT_TIMEOUT", 45),
        "RETENCAO_DIAS_BRUTOS": _inteiro(ambiente, "RETENCAO_DIAS_BRUTOS", 35),
        "RETENCAO_DIAS_AGREGADOS": _inteiro(ambiente, "RETENCAO_DIAS_AGREGADOS", 730),
        "FILA_GRAVACAO": _inteiro(ambiente, "FILA_GRAVACAO", 50_000),
        "COMMAND_TTL_SECONDS": _inteiro(ambiente, "COMMAND_TTL_SECONDS", 30),
        "TIMEZONE": _texto(ambiente, "TIMEZONE", FUSO_PADRAO),
        "SSE_INTERVALO_S": _inteiro(ambiente, "SSE_INTERVALO_S", 2),
        "SSE_VIDA_MAXIMA_S": _inteiro(ambiente, "SSE_VIDA_MAXIMA_S", 600),
        "MAX_CONTENT_LENGTH": _inteiro(ambiente, "MAX_CONTENT_LENGTH", 64 * 1024),
        "CORS_ORIGINS": _texto(ambiente, "CORS_ORIGINS"),
        # COOKIE_SECURE is the name older .env files use.
        "SESSION_COOKIE_SECURE": _booleano(ambiente, "SESSION_COOKIE_SECURE",
                                           _booleano(ambiente, "COOKIE_SECURE", producao)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }
    _validar_segredos(cfg, pasta_dados)
    _validar_mqtt(cfg)
    return cfg


def _validar_mqtt(cfg: dict) -> None:
    """Refuse MQTT settings that would leave the broker open or the device logins unmanaged."""
    if cfg["MQTT_DYNSEC"] and not (cfg["MQTT_BROKER_URL"] and cfg["MQTT_DYNSEC_PASSWORD"]):
        raise ConfiguracaoInvalida("MQTT_DYNSEC=true precisa de MQTT_BROKER_URL (o mosquitto) e MQTT_DYNSEC_PASSWORD")
    if em_producao(cfg) and cfg["MQTT_ENABLED"] and cfg["MQTT_BROKER_URL"] and not (
            cfg["MQTT_USERNAME"] and cfg["MQTT_PASSWORD"]):
        raise ConfiguracaoInvalida("em produção o app entra no broker com MQTT_USERNAME e MQTT_PASSWORD: "
                                   "um broker que aceita anônimos aceita qualquer um")


def _validar_segredos(cfg: dict, pasta_dados: Path) -> None:
    """Production refuses missing or placeholder keys; development generates and keeps its own."""
    for chave in ("SECRET_KEY", "JWT_SECRET_KEY"):
        valor = cfg[chave]
        if em_producao(cfg):
            if valor is None or valor.lower() in SEGREDOS_PROIBIDOS or len(valor) < 32:
                raise ConfiguracaoInvalida(
                    f"{chave} precisa ser definido com pelo menos 32 caracteres aleatórios em produção"
                )
        elif valor is None:
            cfg[chave] = _segredos_de_desenvolvimento(pasta_dados)[chave]
