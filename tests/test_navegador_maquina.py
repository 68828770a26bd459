"""The machine page in a real Chromium, as an operator uses it: on a phone (360×740) what matters comes first,
a start that trips says why, and on a desktop (1440×900) the charts share one crosshair and grow live.
"""
from datetime import timedelta

import pytest

from conftest import LEITURA
from dispositivo import DispositivoSimulado
from MongoDB.gerencia_BD import agora_utc
from nucleo import leituras
from test_mqtt_integracao import esperar
from test_navegador import ESPERA_MS, _entrar, _maquina_de, _operador
from navegador import verificar_acessibilidade

pytestmark = [pytest.mark.navegador, pytest.mark.mosquitto, pytest.mark.embutido]

CELULAR = {"width": 360, "height": 740}
DESKTOP = {"width": 1440, "height": 900}
DESARME = {"motivo": "temperatura_acima_do_limite", "valor": 27.8, "limite": 20}


def _pagina(chromium, tamanho):
    contexto = chromium.new_context(viewport=tamanho, locale="pt-BR", timezone_id="America/Sao_Paulo")
    pagina = contexto.new_page()
    pagina.erros = []
    pagina.on("pageerror", lambda erro: pagina.erros.append(str(erro)))
    pagina.on("console", lambda msg: pagina.erros.append(msg.text) if msg.type == "error" else None)
    return pagina


def _leituras(servidor, maquina, segundos, temperatura):
    agora = agora_utc()
    for i in range(segundos, 0, -1):
        leituras.receber(servidor.servicos, maquina["id"], dict(
            LEITURA, temperatura=temperatura, ts=(agora - timedelta(seconds=i)).isoformat(), seq=i)).aguardar()


def _topo(pagina, seletor) -> float:
    return pagina.locator(seletor).bounding_box()["y"]


def test_no_celular_a_partida_que_desarma_diz_o_motivo_e_o_que_importa_vem_antes_dos_graficos(servidor_vivo, chromium, capturas):
    usuario = _operador(servidor_vivo, "rita", "senha-da-rita1")
    maquina = _maquina_de(servidor_vivo, usuario, "Forno 7", timeout_s=600)
    dispositivo = DispositivoSimulado(servidor_vivo.mosquitto.porta, maquina["id"], maquina["token"], desarme=DESARME)
    pagina = _pagina(chromium, CELULAR)
    try:
        dispositivo.publicar_status("parada")
        _leituras(servidor_vivo, maquina, 5, 27.8)
        esperar(lambda: (servidor_vivo.servicos.maquinas.buscar(maquina["id"]).get("ultima_leitura") or {}).get("temperatura") == 27.8,
                mensagem="última leitura gravada")
        _entrar(pagina, servidor_vivo, usuario)
        pagina.goto(f"{servidor_vivo.url}/maquinas/{maquina['id']}")
        pagina.wait_for_selector("#estado-atualizacao[data-modo=ao-vivo]", timeout=ESPERA_MS)

        # One screen: a one-row header, then state, current values and the start form; the charts after them.
        assert pagina.locator("header.topo").bounding_box()["height"] <= 64
        assert _topo(pagina, "#titulo-leituras") < CELULAR["height"]
        assert _topo(pagina, "[data-leitura=temperatura]") < CELULAR["height"]
        assert _topo(pagina, "#secao-comandos") < _topo(pagina, "#secao-graficos")
        pagina.click("#botao-menu")  # the links are behind the menu, one tap away
        assert pagina.is_visible("#navegacao a[href='/planta']")
        pagina.click("#botao-menu")

        # A limit below what the machine reads now is pointed out before anything is sent.
        pagina.fill("#partida-temperatura", "20")
        assert "abaixo da leitura atual (27,8 °C)" in pagina.inner_text("#alerta-temperatura")
        pagina.click("#botao-partida")
        assert "vai desarmar" in pagina.inner_text("#alerta-confirmacao")
        verificar_acessibilidade(pagina, "partida a confirmar, celular")
        pagina.click("#botao-confirmar-partida")

        pagina.wait_for_selector("#estado-comando[data-estado=desarmou]", timeout=ESPERA_MS)
        assert "Partiu e desarmou: 27,8 °C > 20,0 °C" in pagina.inner_text("#estado-comando")
        pagina.wait_for_function("() => document.querySelector('[data-campo=status]').textContent.trim() === 'Desarmada'",
                                 timeout=ESPERA_MS)
        assert pagina.inner_text("[data-campo=desarme]") == "temperatura acima do limite: 27,8 °C > 20,0 °C"
        assert "Partiu e desarmou" in pagina.inner_text("#lista-comandos tr:first-child")
        assert "há" in pagina.inner_text("#lista-comandos tr:first-child time[data-relativo]")
        pagina.wait_for_function("() => document.querySelector('#faixa-maquina').dataset.estados.includes('desarmada')",
                                 timeout=ESPERA_MS)
        verificar_acessibilidade(pagina, "máquina desarmada, celular")
        pagina.evaluate("() => window.scrollTo(0, 0)")
        pagina.screenshot(path=str(capturas / "maquina-desarmada-celular.png"), full_page=False)
        assert pagina.erros == []
    finally:
        dispositivo.fechar()
        pagina.context.close()


def test_no_desktop_os_graficos_tem_uma_mira_so_e_crescem_com_o_fluxo(servidor_vivo, chromium, capturas):
    usuario = _operador(servidor_vivo, "otto", "senha-do-otto1")
    maquina = _maquina_de(servidor_vivo, usuario, "Prensa 9", timeout_s=600)
    _leituras(servidor_vivo, maquina, 60, 50.0)
    assert servidor_vivo.servicos.gravador.esvaziar()
    pagina = _pagina(chromium, DESKTOP)
    try:
        _entrar(pagina, servidor_vivo, usuario)
        pagina.goto(f"{servidor_vivo.url}/maquinas/{maquina['id']}")
        pagina.wait_for_selector("#estado-atualizacao[data-modo=ao-vivo]", timeout=ESPERA_MS)
        pagina.wait_for_function("() => Number(document.querySelector('#grafico-temperatura').dataset.pontos) > 0",
                                 timeout=ESPERA_MS)
        # Desktop: the charts on the left, the values and commands beside them.
        assert pagina.locator("#secao-graficos").bounding_box()["x"] < pagina.locator("#secao-comandos").bounding_box()["x"]

        # Hovering the temperature chart shows the same instant in every chart's legend.
        sobre = pagina.locator("#grafico-temperatura .u-over")
        caixa = sobre.bounding_box()
        sobre.hover(position={"x": caixa["width"] - 3, "y": caixa["height"] / 2})
        pagina.wait_for_function(
            "() => [...document.querySelectorAll('#graficos .u-legend')].every(l => l.querySelector('.u-series .u-value').textContent !== '—')",
            timeout=ESPERA_MS)
        horas = pagina.eval_on_selector_all("#graficos .u-legend", "ls => ls.map(l => l.querySelector('.u-value').textContent)")
        assert len(set(horas)) == 1 and horas[0] != "—"

        # The state strip lines up with the charts' plot area.
        faixa, area = pagina.locator("#faixa-maquina svg").bounding_box(), sobre.bounding_box()
        assert abs(faixa["x"] - area["x"]) <= 2 and abs(faixa["width"] - area["width"]) <= 2

        # A new reading reaches the charts through the event stream, without reloading them.
        series_pedidas = []
        pagina.on("request", lambda pedido: series_pedidas.append(pedido.url) if "/serie" in pedido.url else None)
        antes = int(pagina.get_attribute("#grafico-temperatura", "data-pontos"))
        leituras.receber(servidor_vivo.servicos, maquina["id"], dict(LEITURA, temperatura=61.5, seq=999)).aguardar()
        pagina.wait_for_function(
            "n => Number(document.querySelector('#grafico-temperatura').dataset.pontos) > n", arg=antes, timeout=ESPERA_MS)
        pagina.wait_for_function("() => document.querySelector('#lista-leituras').textContent.includes('61,5 °C')",
                                 timeout=ESPERA_MS)
        assert series_pedidas == []
        verificar_acessibilidade(pagina, "máquina, desktop")
        pagina.evaluate("() => window.scrollTo(0, 0)")
        pagina.screenshot(path=str(capturas / "maquina-desktop.png"), full_page=False)
        assert pagina.erros == []
    finally:
        pagina.context.close()
