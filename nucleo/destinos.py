"""Where a webhook may point: http(s) to public addresses only, the guard against SSRF.

A URL is checked when the user saves it and again before every delivery (a name may resolve elsewhere
later: DNS rebinding), and the delivery then connects to the addresses this check accepted, never
resolving the name a second time. Every address the name resolves to must be public: one private answer
among public ones is refused too. `WEBHOOK_PERMITIR_REDE_LOCAL=true` lifts the address rule (a plant whose
receiver lives on its own network, and the tests); the scheme and form rules stay.
"""
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from MongoDB.erros import DadosInvalidos

URL_MAXIMA = 2000
PORTAS_PADRAO = {"http": 80, "https": 443}
CAMPO = "webhook_url"


@dataclass(frozen=True)
class Destino:
    esquema: str
    host: str
    porta: int
    caminho: str  # path and query, as sent in the request line
    enderecos: tuple  # the accepted IP addresses, in the resolver's order


def endereco_publico(endereco: str) -> bool:
    """Reachable on the public internet: not loopback, private, link-local, shared, multicast or reserved."""
    ip = ipaddress.ip_address(endereco.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    return ip.is_global and not ip.is_multicast


def analisar(url) -> tuple:
    """(esquema, host, porta, caminho) of a well-formed http(s) URL without credentials, else DadosInvalidos."""
    if not isinstance(url, str):
        raise DadosInvalidos("campo_texto", CAMPO)
    url = url.strip()
    if len(url) > URL_MAXIMA:
        raise DadosInvalidos("campo_longo", CAMPO, maximo=URL_MAXIMA)
    try:
        partes = urlsplit(url)
        porta = partes.port
    except ValueError:
        raise DadosInvalidos("webhook_url_formato", CAMPO) from None
    if partes.scheme not in PORTAS_PADRAO or not partes.hostname or any(c.isspace() for c in url):
        raise DadosInvalidos("webhook_url_formato", CAMPO)
    if partes.username is not None or partes.password is not None:
        raise DadosInvalidos("webhook_url_credenciais", CAMPO)
    caminho = (partes.path or "/") + (f"?{partes.query}" if partes.query else "")
    return partes.scheme, partes.hostname, porta or PORTAS_PADRAO[partes.scheme], caminho


def validar(url, permitir_rede_local=False, resolvedor=socket.getaddrinfo) -> Destino:
    """The destination of `url` with its resolved addresses, every one public unless `permitir_rede_local`."""
    esquema, host, porta, caminho = analisar(url)
    try:
        respostas = resolvedor(host, porta, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise DadosInvalidos("webhook_url_nao_resolve", CAMPO, host=host) from None
    enderecos = tuple(dict.fromkeys(resposta[4][0] for resposta in respostas))
    if not enderecos:
        raise DadosInvalidos("webhook_url_nao_resolve", CAMPO, host=host)
    if not permitir_rede_local:
        for endereco in enderecos:
            if not endereco_publico(endereco):
                raise DadosInvalidos("webhook_url_rede_local", CAMPO, host=host, endereco=endereco)
    return Destino(esquema, host, porta, caminho, enderecos)
