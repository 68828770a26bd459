"""The admin's label sheet in a real Chromium: pick machines of any owner, see them on A4 label stock, print to PDF.

What a person would check with a ruler: each label is the stock's size, the stock's count fits one sheet, nothing
runs over a label's edge (the longest names the product accepts included), and the PDF has one page per sheet.
"""
import re
import zlib

import pytest

from nucleo import maquinas as casos_maquinas
from nucleo.maquinas import NOME_MAXIMO
from navegador import verificar_acessibilidade

pytestmark = [pytest.mark.navegador, pytest.mark.mosquitto, pytest.mark.embutido]
TELAS = [{"width": 360, "height": 740}, {"width": 1440, "height": 900}]
A4_PT = (595.92, 842.88)  # 210 × 297 mm in PDF points, as Chromium writes the MediaBox
# The stock as the labels' maker prints it: columns, rows, label width and height, gap between columns, top margin (mm).
ESTOQUES = {"a4-2x7": (2, 7, 99.1, 38.1, 2.5, 15.15), "a4-3x7": (3, 7, 63.5, 38.1, 2.5, 15.15)}
NOME_LONGO = "Moedor de carne industrial da linha de embutidos número dois, ala norte, térreo."
assert len(NOME_LONGO) == NOME_MAXIMO

# In print media: every label's parts against the label's own box, the labels per sheet and their size in mm.
MEDIR_FOLHAS = """() => {
    const mm = 96 / 25.4, folga = 0.5, problemas = [];
    const paginas = [...document.querySelectorAll("#folha-etiquetas .folha-etiquetas__pagina")];
    const etiquetas = paginas.flatMap((p) => [...p.querySelectorAll(".etiqueta")]);
    for (const etiqueta of etiquetas) {
        const caixa = etiqueta.getBoundingClientRect(), id = etiqueta.dataset.maquinaId;
        for (const parte of etiqueta.querySelectorAll(".etiqueta__qr, .etiqueta__texto, .etiqueta__texto > p, code")) {
            const b = parte.getBoundingClientRect();
            if (b.left < caixa.left - folga || b.right > caixa.right + folga || b.top < caixa.top - folga
                || b.bottom > caixa.bottom + folga) problemas.push(`${id} ${parte.className || parte.tagName} sai da etiqueta`);
            if (parte.scrollWidth > parte.clientWidth + 1 || parte.scrollHeight > parte.clientHeight + 1)
                problemas.push(`${id} ${parte.className || parte.tagName} transborda ou foi cortado (${parte.scrollWidth}×${parte.scrollHeight} em ${parte.clientWidth}×${parte.clientHeight})`);
        }
    }
    const arredondar = (v) => Math.round(v / mm * 10) / 10;
    return {
        problemas,
        por_pagina: paginas.map((p) => p.querySelectorAll(".etiqueta").length),
        colunas: paginas.map((p) => new Set([...p.querySelectorAll(".etiqueta")].map((e) => Math.round(e.getBoundingClientRect().left))).size),
        tamanhos_mm: [...new Set(etiquetas.map((e) => `${arredondar(e.getBoundingClientRect().width)}×${arredondar(e.getBoundingClientRect().height)}`))],
        escolha_visivel: getComputedStyle(document.getElementById("form-etiquetas")).display !== "none",
        topo_visivel: getComputedStyle(document.querySelector(".topo")).display !== "none",
        nomes: etiquetas.map((e) => e.querySelector("[data-campo=nome]").textContent.trim()),
        codigos: etiquetas.map((e) => e.querySelector("[data-campo=codigo]").textContent.trim()),
    };
}"""


def paginas_do_pdf(pdf: bytes) -> list:
    """The MediaBox of every page of a PDF as Chromium (Skia) writes it: page objects are plain text."""
    assert pdf.startswith(b"%PDF-")
    paginas = re.findall(rb"/Type\s*/Page\b(?!s).*?/MediaBox\s*\[([^\]]+)\]", pdf, re.S)
    return [tuple(round(float(n), 2) for n in caixa.split()[2:]) for caixa in paginas]


def _dicionarios(pdf: bytes) -> list:
    """The objects that are a bare dictionary (pages among them). Compressed streams are binary and may hold
    any bytes, "endobj" included, so no match may cross a stream."""
    return re.findall(rb"(?:^|[\r\n])\d+ 0 obj\s*(<<(?:(?!endobj|stream).)*>>)\s*endobj", pdf, re.S)


def _fluxo(pdf: bytes, numero: int) -> bytes:
    """Object `numero`'s stream, decompressed, cut by its /Length (direct or an indirect number)."""
    inicio = re.search(rb"(?:^|[\r\n])%d 0 obj\s*<<(.*?)>>\s*stream\r?\n" % numero, pdf, re.S)
    comprimento = re.search(rb"/Length\s+(\d+)(\s+0\s+R)?", inicio.group(1))
    tamanho = int(comprimento.group(1))
    if comprimento.group(2):
        tamanho = int(re.search(rb"(?:^|[\r\n])%d 0 obj\s*(\d+)" % tamanho, pdf).group(1))
    return zlib.decompress(pdf[inicio.end():inicio.end() + tamanho])


def _imagens_da_pagina(conteudo: bytes) -> list:
    """Where each image (`Do`) lands on the page, in mm from the top-left corner: only q/Q/cm are followed."""
    pilha, ctm, numeros, caixas = [], (1, 0, 0, 1, 0, 0), [], []
    for token in conteudo.split():
        if re.fullmatch(rb"[-+]?(\d+\.?\d*|\.\d+)", token):
            numeros.append(float(token))
            continue
        if token == b"q":
            pilha.append(ctm)
        elif token == b"Q":
            ctm = pilha.pop()
        elif token == b"cm":
            a, b, c, d, e, f = numeros[-6:]
            A, B, C, D, E, F = ctm
            ctm = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)
        elif token == b"Do":
            a, b, c, d, e, f = ctm
            xs, ys = (e, e + a + c), (f, f + b + d)
            pt = 25.4 / 72
            caixas.append((min(xs) * pt, (A4_PT[1] - max(ys)) * pt, max(xs) * pt, (A4_PT[1] - min(ys)) * pt))
        if not token.startswith((b"<", b"/", b"[")):  # any other operator uses up its operands
            numeros = []
    return caixas


def celulas_dos_qr(pdf: bytes, estoque) -> list:
    """How many QR images each PDF page puts inside a distinct cell of the label stock (all must be in one)."""
    contagens = []
    for pagina in (o for o in _dicionarios(pdf) if re.search(rb"/Type\s*/Page\b(?!s)", o)):
        numero = int(re.search(rb"/Contents\s+(\d+)\s+0\s+R", pagina).group(1))
        colunas, linhas, largura, altura, intervalo, topo = estoque
        esquerda = (210 - colunas * largura - (colunas - 1) * intervalo) / 2
        celulas = set()
        for x0, y0, x1, y1 in _imagens_da_pagina(_fluxo(pdf, numero)):
            coluna, linha = int((x0 - esquerda) // (largura + intervalo)), int((y0 - topo) // altura)
            cx, cy = esquerda + coluna * (largura + intervalo), topo + linha * altura
            assert 0 <= coluna < colunas and 0 <= linha < linhas, f"QR fora da folha em {x0:.1f}, {y0:.1f} mm"
            assert cx <= x0 and x1 <= cx + largura and cy <= y0 and y1 <= cy + altura, f"QR fora da etiqueta {coluna},{linha}"
            celulas.add((coluna, linha))
        contagens.append(len(celulas))
    return contagens


def _admin(servidor):
    servidor.servicos.usuarios.criar("chefe", "senha-do-chefe", "Frigorífico Sul", "chefe@frigo.com")
    servidor.servicos.usuarios.definir_papel("chefe", "admin")


def _maquina(servidor, fabricante="WEG", modelo="W22", dono=None, nome=None):
    """A machine with its QR label PNG, as `main.py maquina criar` leaves it; claimed by `dono` when given."""
    criada = casos_maquinas.criar_com_etiqueta(servidor.servicos, fabricante, modelo)
    if dono:
        usuario = servidor.servicos.usuarios.buscar_por_nome(dono) or servidor.servicos.usuarios.criar(
            dono, f"senha-de-{dono}", "Frigorífico Sul", f"{dono}@frigo.com")
        servidor.servicos.maquinas.reivindicar(criada["id"], criada["segredo"], usuario["id"], nome)
    return criada["id"]


def _medir(pagina):
    pagina.emulate_media(media="print")
    try:
        return pagina.evaluate(MEDIR_FOLHAS)
    finally:
        pagina.emulate_media(media="null")


def _itens_mostrados(pagina):
    return pagina.locator("#lista-etiquetas li:visible")


@pytest.mark.parametrize("tela", TELAS, ids=["360", "1440"])
def test_admin_escolhe_maquinas_de_dois_donos_e_imprime_etiquetas_que_cabem_na_folha_a4(servidor_vivo, chromium, tela,
                                                                                       capturas):
    servidor = servidor_vivo
    _admin(servidor)
    moedor = _maquina(servidor, dono="joana", nome="Moedor da linha 2")
    serra = _maquina(servidor, "ABB", "M3BP", dono="pedro", nome=NOME_LONGO)
    # unnamed and as long as the console allows: the label shows maker + model (161 characters)
    _maquina(servidor, "F" * NOME_MAXIMO, "M" * NOME_MAXIMO)
    for _ in range(13):
        _maquina(servidor)
    contexto = chromium.new_context(viewport=tela, locale="pt-BR", timezone_id="America/Sao_Paulo")
    try:
        pagina = contexto.new_page()
        erros = []
        pagina.on("pageerror", lambda erro: erros.append(str(erro)))
        pagina.on("console", lambda msg: erros.append(msg.text) if msg.type == "error" else None)
        pagina.goto(f"{servidor.url}/entrar")
        pagina.fill("#nome_usuario", "chefe")
        pagina.fill("#senha", "senha-do-chefe")
        pagina.click("button[type=submit]")
        pagina.wait_for_url(f"{servidor.url}/maquinas")
        if pagina.is_visible("#botao-menu"):  # a phone: the links are behind the menu
            pagina.click("#botao-menu")
        pagina.click("nav >> text=Etiquetas")
        pagina.wait_for_url(f"{servidor.url}/admin/etiquetas")

        # Every machine is listed with its owner; the free ones come ticked.
        assert _itens_mostrados(pagina).count() == 16
        lista = pagina.inner_text("#lista-etiquetas")
        assert "Moedor da linha 2" in lista and "Dono: joana · joana@frigo.com" in lista
        assert NOME_LONGO in lista and "Dono: pedro · pedro@frigo.com" in lista and lista.count("Dono: sem dono") == 14
        assert pagina.inner_text("#contagem-etiquetas") == "Marcadas: 14 de 16 máquinas · folhas A4: 1"

        pagina.click("#desmarcar-todas")
        assert pagina.locator("#folha-etiquetas .etiqueta").count() == 0 and pagina.is_visible("#sem-etiquetas")
        pagina.fill("#busca-etiquetas", "JOANA")
        assert _itens_mostrados(pagina).count() == 1 and pagina.is_visible("#aviso-filtro")
        pagina.check(f"#marcar-{moedor}")
        pagina.fill("#busca-etiquetas", "")
        assert _itens_mostrados(pagina).count() == 16
        pagina.check(f"#marcar-{serra}")

        etiquetas = pagina.locator("#folha-etiquetas .etiqueta")
        assert etiquetas.count() == 2
        assert etiquetas.locator("[data-campo=nome]").all_inner_texts() == ["Moedor da linha 2", NOME_LONGO]
        assert etiquetas.locator("[data-campo=codigo]").all_inner_texts() == [moedor, serra]
        assert pagina.inner_text("#contagem-etiquetas") == "Marcadas: 2 de 16 máquinas · folhas A4: 1"
        pagina.wait_for_function("() => [...document.querySelectorAll('#folha-etiquetas img')].every(i => i.complete && i.naturalWidth)")
        assert f"ids={moedor},{serra}" in pagina.url
        verificar_acessibilidade(pagina, f"folha de etiquetas com duas marcadas em {tela['width']} px")
        pagina.screenshot(path=str(capturas / f"etiquetas-{tela['width']}.png"), full_page=True)

        medidas = _medir(pagina)
        assert medidas["problemas"] == []
        assert medidas["por_pagina"] == [2] and medidas["tamanhos_mm"] == ["99.1×38.1"]
        assert medidas["codigos"] == [moedor, serra]
        assert not medidas["escolha_visivel"] and not medidas["topo_visivel"]
        assert paginas_do_pdf(pagina.pdf(format="A4")) == [A4_PT]

        # All 16 on 2 × 7 stock: two sheets, the second with two labels; then 3 × 7 stock: one sheet of 16.
        pagina.click("#marcar-todas")
        pagina.wait_for_function("() => [...document.querySelectorAll('#folha-etiquetas img')].every(i => i.complete && i.naturalWidth)")
        medidas = _medir(pagina)
        assert medidas["problemas"] == []
        assert medidas["por_pagina"] == [14, 2] and medidas["colunas"] == [2, 2]
        assert "F" * NOME_MAXIMO + " " + "M" * NOME_MAXIMO in medidas["nomes"]
        pdf = pagina.pdf(format="A4")
        assert paginas_do_pdf(pdf) == [A4_PT, A4_PT]
        assert celulas_dos_qr(pdf, ESTOQUES["a4-2x7"]) == [14, 2]
        pagina.check("input[name=folha][value=a4-3x7]")
        medidas = _medir(pagina)
        assert medidas["problemas"] == []
        assert medidas["por_pagina"] == [16] and medidas["colunas"] == [3]
        assert medidas["tamanhos_mm"] == ["63.5×38.1"]
        pdf = pagina.pdf(format="A4")
        assert paginas_do_pdf(pdf) == [A4_PT] and celulas_dos_qr(pdf, ESTOQUES["a4-3x7"]) == [16]
        verificar_acessibilidade(pagina, f"folha 3 × 7 com todas marcadas em {tela['width']} px")

        # The address keeps the choice: a reload (or the link sent to a colleague) shows the same sheet.
        pagina.reload()
        assert pagina.locator("#folha-etiquetas .etiqueta").count() == 16
        assert pagina.is_checked("input[name=folha][value=a4-3x7]")
        largura = pagina.evaluate("() => document.documentElement.scrollWidth")
        assert largura <= tela["width"], "a folha não cabe na tela"
        assert erros == []
    finally:
        contexto.close()
