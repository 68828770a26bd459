"""Claim links and their QR code labels (PNG files in QRCODE_DIR).

A label carries the claim secret, so its PNG is created 0600 and kept out of version control.
"""
import io
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import qrcode

from .arquivos import gravar_privado

CAMINHO_REIVINDICACAO = "/maquinas/adicionar"
LINK_MAXIMO = 500


def link_reivindicacao(url_publica, codigo, segredo) -> str:
    """The link a QR label carries: opening it on a phone lands on the claim form, pre-filled."""
    return f"{url_publica}{CAMINHO_REIVINDICACAO}?{urlencode({'codigo': codigo, 'segredo': segredo})}"


def ler_link_reivindicacao(link):
    """(codigo, segredo) from a claim link, or (None, None) if it is not one."""
    if not isinstance(link, str) or len(link) > LINK_MAXIMO:
        return None, None
    consulta = parse_qs(urlparse(link.strip()).query)
    return consulta.get("codigo", [None])[0], consulta.get("segredo", [None])[0]


def parece_link(texto) -> bool:
    """What an operator pasted: a whole claim link (or its query) rather than a bare code."""
    return isinstance(texto, str) and ("://" in texto or "codigo=" in texto)


def nome_na_etiqueta(maquina) -> str:
    """The name printed on a label: the owner's name for the machine, else its maker and model."""
    return maquina.get("nome_maquina") or f"{maquina['fabricante']} {maquina['modelo']}"


def arquivo_qrcode(maquina_id) -> str:
    """The label's file name in QRCODE_DIR (the console and the API write it, the label sheet reads it)."""
    return f"qrcode_{maquina_id}.png"


def gravar_qrcode(link, pasta, maquina_id) -> Path:
    """Write (or overwrite) <pasta>/qrcode_<id>.png, readable by the app's user only."""
    caminho = Path(pasta) / arquivo_qrcode(maquina_id)
    imagem = io.BytesIO()
    qrcode.make(link, box_size=8, border=4).save(imagem, format="PNG")
    gravar_privado(caminho, imagem.getvalue())
    return caminho


def apagar_qrcode(pasta, maquina_id):
    (Path(pasta) / arquivo_qrcode(maquina_id)).unlink(missing_ok=True)
