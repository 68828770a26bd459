"""One webhook delivery: the JSON body, its HMAC-SHA256 signature, one POST with a timeout and no redirects.

The receiver checks `X-DataButcher-Assinatura: sha256=<hex>` over the exact bytes of the body with the
secret it was shown once (docs/alarmes.md, "Notifications", has the check in Python). The connection goes
to the addresses nucleo/destinos.py accepted a moment before, so a name that now resolves to the plant's
network is never reached (the TLS certificate is still checked against the name). A 3xx is a failure:
redirects are never followed (one could lead past the address check).
"""
import hashlib
import hmac
import http.client
import json
import socket
import ssl
from datetime import datetime, timezone

from MongoDB.erros import DadosInvalidos

from . import destinos, mensagens
from .contrato import CABECALHO_ASSINATURA, CABECALHO_ID_NOTIFICACAO
from .entregador import FalhaDeEntrega

RESPOSTA_MAXIMA = 64 * 1024  # read (and ignore) at most this much of the receiver's answer
AGENTE = "DataButcher-Webhook/1"


def _iso(valor):
    """Datetimes as the API writes them (ISO 8601 UTC with milliseconds), so a webhook alarm reads like GET /api/alarms."""
    if isinstance(valor, datetime):
        momento = valor if valor.tzinfo else valor.replace(tzinfo=timezone.utc)
        return momento.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    raise TypeError(type(valor).__name__)


def corpo(evento, alarme) -> bytes:
    return json.dumps({"evento": evento, "alarme": alarme}, default=_iso, ensure_ascii=False,
                      separators=(",", ":")).encode()


def assinatura(segredo: str, dados: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of dados with segredo>`: the header value."""
    return "sha256=" + hmac.new(segredo.encode(), dados, hashlib.sha256).hexdigest()


class _HTTP(http.client.HTTPConnection):
    """Connects to one checked address while speaking to the host by its name."""

    def __init__(self, host, porta, endereco, timeout):
        super().__init__(host, porta, timeout=timeout)
        self.endereco = endereco

    def connect(self):
        self.sock = socket.create_connection((self.endereco, self.port), self.timeout)


class _HTTPS(http.client.HTTPSConnection):
    def __init__(self, host, porta, endereco, timeout):
        super().__init__(host, porta, timeout=timeout, context=ssl.create_default_context())
        self.endereco = endereco

    def connect(self):
        bruto = socket.create_connection((self.endereco, self.port), self.timeout)
        self.sock = self._context.wrap_socket(bruto, server_hostname=self.host)


class EnvioWebhook:
    """Webhook deliveries with the settings in `cfg` (read at each send: WEBHOOK_TIMEOUT_S, WEBHOOK_PERMITIR_REDE_LOCAL)."""

    def __init__(self, cfg, resolvedor=socket.getaddrinfo):
        self.cfg, self.resolvedor = cfg, resolvedor

    @property
    def timeout_s(self):
        return self.cfg.get("WEBHOOK_TIMEOUT_S", 10)

    @staticmethod
    def ativo(ajustes) -> bool:
        return bool(ajustes["webhook_url"] and ajustes["webhook_segredo"])

    def enviar(self, item, ajustes):
        """The outbox item to the user's webhook as it is now (a fixed URL gets the retries)."""
        self.postar(ajustes["webhook_url"], ajustes["webhook_segredo"], corpo(item["evento"], item["alarme"]), item["_id"])

    def postar(self, url, segredo, dados: bytes, id_notificacao):
        """POST `dados` signed with `segredo`; returns on a 2xx, raises FalhaDeEntrega otherwise."""
        try:
            destino = destinos.validar(url, self.cfg.get("WEBHOOK_PERMITIR_REDE_LOCAL", False), self.resolvedor)
        except DadosInvalidos as erro:
            raise FalhaDeEntrega(mensagens.texto(erro, "pt-BR")) from None
        cabecalhos = {"Content-Type": "application/json", "User-Agent": AGENTE,
                      CABECALHO_ASSINATURA: assinatura(segredo, dados), CABECALHO_ID_NOTIFICACAO: id_notificacao}
        classe = _HTTPS if destino.esquema == "https" else _HTTP
        ultimo_erro = None
        for endereco in destino.enderecos:
            conexao = classe(destino.host, destino.porta, endereco, self.timeout_s)
            try:
                conexao.request("POST", destino.caminho, body=dados, headers=cabecalhos)
                resposta = conexao.getresponse()
                resposta.read(RESPOSTA_MAXIMA)
            except (socket.timeout, TimeoutError):
                ultimo_erro = f"Tempo esgotado ({self.timeout_s} s) em {endereco}"
                continue
            except ssl.SSLError as erro:
                raise FalhaDeEntrega(f"Falha de TLS: {erro.reason or erro}") from None
            except (OSError, http.client.HTTPException) as erro:
                ultimo_erro = f"Sem conexão com {endereco}: {erro.strerror or type(erro).__name__}" \
                    if isinstance(erro, OSError) else f"Resposta HTTP inválida ({type(erro).__name__})"
                continue
            finally:
                conexao.close()
            if 200 <= resposta.status < 300:
                return
            if 300 <= resposta.status < 400:
                raise FalhaDeEntrega(f"HTTP {resposta.status}: redirecionamento não seguido")
            raise FalhaDeEntrega(f"HTTP {resposta.status} {resposta.reason}".strip())
        raise FalhaDeEntrega(ultimo_erro or "Sem conexão")
