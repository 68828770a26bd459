"""Claim links and their QR code labels (PNG files in Qrcode/)."""
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import qrcode

CAMINHO_REIVINDICACAO = "/maquinas/adicionar"


def link_reivindicacao(url_publica, codigo, segredo) -> str:
    """The link a QR label carries: opening it on a phone lands on the claim form, pre-filled."""
    return f"{url_publica}{CAMINHO_REIVINDICACAO}?{urlencode({'codigo': codigo, 'segredo': segredo})}"


def ler_link_reivindicacao(link):
    """(codigo, segredo) from a claim link, or (None, None) if it is not one."""
    if not isinstance(link, str) or len(link) > 500:
        return None, None
    consulta = parse_qs(urlparse(link.strip()).query)
    codigo, segredo = consulta.get("codigo", [None])[0], consulta.get("segredo", [None])[0]
    return codigo, segredo


def arquivo_qrcode(maquina_id) -> str:
    """The label's file name in QRCODE_DIR (the console writes it, the admin label page reads it)."""
    return f"qrcode_{maquina_id}.png"


def gerar_qrcode(link, pasta, maquina_id) -> Path:
    """Write (or overwrite) Qrcode/qrcode_<id>.png. It holds the claim secret: keep the file out of git."""
    pasta = Path(pasta)
    pasta.mkdir(parents=True, exist_ok=True)
    caminho = pasta / arquivo_qrcode(maquina_id)
    imagem = qrcode.make(link, box_size=8, border=4)
    imagem.save(caminho)
    return caminho
