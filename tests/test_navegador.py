"""The operator's day in a real Chromium on a phone-sized screen, against a live server.

The server runs on the embedded store with a real mosquitto; devices are simulated with paho.
Screenshots of the dashboard and the machine page go to a temporary folder, or to docs/screenshots/ with
`python -m pytest tests/test_navegador.py --capturas docs/screenshots`.
"""
import csv
import io
import time
from datetime import timedelta
from pathlib import Path

import pytest

from camera_falsa import imagem_para_y4m
from test_mqtt_integracao import esperar
from conftest import LEITURA, aplicar_estado_agora
from dispositivo import DispositivoSimulado
from MongoDB.gerencia_BD import agora_utc
from nucleo import etiquetas, leituras, validacao
from nucleo import maquinas as casos_maquinas
from rotas.openapi import especificacao
from navegador import ARGS_CHROMIUM, TELEFONE, capturas, servidor_vivo, chromium, pagina  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.navegador, pytest.mark.mosquitto, pytest.mark.embutido]
ESPERA_MS = 15_000


def _operador(servidor, nome="maria", senha="senha-da-maria"):
    usuario = servidor.servicos.usuarios.criar(nome, senha, "Frigorífico Sul", f"{nome}@frigo.com")
    return {"id": usuario["id"], "nome": nome, "senha": senha}


def _maquina_de(servidor, usuario, nome, fabricante="WEG", modelo="W22"):
    criada = casos_maquinas.criar(servidor.servicos, fabricante, modelo)  # with its mosquitto login
    maquina_id = criada["maquina"]["id"]
    servidor.servicos.maquinas.reivindicar(maquina_id, criada["segredo"], usuario["id"], nome)
    return {"id": maquina_id, "token": criada["token"], "segredo": criada["segredo"]}


def _entrar(pagina, servidor, usuario):
    pagina.goto(f"{servidor.url}/entrar")
    pagina.fill("#nome_usuario", usuario["nome"])
    pagina.fill("#senha", usuario["senha"])
    pagina.click("button[type=submit]")
    pagina.wait_for_url(f"{servidor.url}/maquinas")


def _historico(servidor, maquina, horas=2, temperatura=55.0, pico=None):
    """A reading a minute over the last `horas`, stored through the real ingest path."""
    agora = agora_utc().replace(second=0, microsecond=0)
    for minuto in range(horas * 60, 0, -1):
        valor = pico if pico is not None and minuto == 30 else temperatura
        leitura = dict(LEITURA, temperatura=valor, ts=(agora - timedelta(minutes=minuto)).isoformat(), seq=minuto)
        leituras.receber(servidor.servicos, maquina["id"], leitura)
    assert servidor.servicos.gravador.esvaziar()
    # Rollups are written once per GRAVACAO_AGREGADOS_S: wait until the long charts can see the history.
    esperar(lambda: sum(p["n"] for p in servidor.servicos.agregados.serie(
        maquina["id"], agora - timedelta(hours=horas + 1), agora)["pontos"]) >= horas * 60, mensagem="agregados gravados")


def _cartao(pagina, maquina):
    return pagina.locator(f"article[data-maquina-id='{maquina['id']}']")


def test_operador_ve_maquina_ficar_online_e_a_leitura_mudar_ao_vivo(servidor_vivo, pagina):
    usuario = _operador(servidor_vivo)
    maquina = _maquina_de(servidor_vivo, usuario, "Moedor 1")
    _entrar(pagina, servidor_vivo, usuario)
    cartao = _cartao(pagina, maquina)
    assert cartao.locator("[data-campo=online]").inner_text() == "Offline"

    dispositivo = DispositivoSimulado(servidor_vivo.mosquitto.porta, maquina["id"], maquina["token"])
    try:
        dispositivo.publicar_status("iniciada")
        dispositivo.publicar("telemetria", dict(LEITURA, temperatura=51.5))
        pagina.wait_for_function(
            "id => document.querySelector(`article[data-maquina-id='${id}'] [data-campo=online]`).textContent.trim() === 'Online'",
            arg=maquina["id"], timeout=ESPERA_MS)
        assert cartao.locator("[data-campo=status]").inner_text() == "Iniciada"
        pagina.wait_for_function(
            "id => document.querySelector(`article[data-maquina-id='${id}'] [data-leitura=temperatura]`).textContent.includes('51,5')",
            arg=maquina["id"], timeout=ESPERA_MS)

        time.sleep(1.1)  # the server writes a machine's latest values at most once a second
        dispositivo.publicar("telemetria", dict(LEITURA, temperatura=63.25))
        pagina.wait_for_function(
            "id => document.querySelector(`article[data-maquina-id='${id}'] [data-leitura=temperatura]`).textContent.includes('63')",
            arg=maquina["id"], timeout=ESPERA_MS)
    finally:
        dispositivo.fechar()
    # Silence: offline is computed from time (HEARTBEAT_TIMEOUT is 6 s here), with no message needed.
    pagina.wait_for_function(
        "id => document.querySelector(`article[data-maquina-id='${id}'] [data-campo=online]`).textContent.trim() === 'Offline'",
        arg=maquina["id"], timeout=ESPERA_MS)
    assert pagina.erros == []


def test_quem_nunca_viu_o_produto_acha_a_maquina_superaquecida_e_exporta_as_ultimas_24h(servidor_vivo, pagina, capturas):
    usuario = _operador(servidor_vivo)
    calmas = [_maquina_de(servidor_vivo, usuario, f"Serra {i}") for i in range(1, 4)]
    quente = _maquina_de(servidor_vivo, usuario, "Moedor 2")
    for maquina in calmas:
        aplicar_estado_agora(servidor_vivo.servicos, maquina["id"], "iniciada")
        leituras.receber(servidor_vivo.servicos, maquina["id"], dict(LEITURA, temperatura=45.0)).aguardar()
    aplicar_estado_agora(servidor_vivo.servicos, quente["id"], "iniciada")
    _historico(servidor_vivo, quente, horas=26, temperatura=70.0)
    leituras.receber(servidor_vivo.servicos, quente["id"], dict(LEITURA, temperatura=97.0)).aguardar()
    # The latest values are written at most once per GRAVACAO_ATIVIDADE_S: wait for them, as the operator would.
    esperar(lambda: servidor_vivo.servicos.maquinas.buscar(quente["id"])["ultima_leitura"]["temperatura"] == 97.0,
            mensagem="última leitura gravada")

    _entrar(pagina, servidor_vivo, usuario)
    primeiro = pagina.locator("article[data-maquina-id]").first
    assert primeiro.get_attribute("data-maquina-id") == quente["id"]
    assert "Superaquecimento" in primeiro.locator("[data-campo=alertas]").inner_text()
    for maquina in calmas:  # running at 45 °C after a reset: nothing to look at
        assert _cartao(pagina, maquina).locator("[data-campo=alertas]").inner_text().strip() == ""
    pagina.screenshot(path=str(capturas / "painel.png"), full_page=True)

    primeiro.locator("a[data-campo=link]").click()
    pagina.wait_for_url(f"{servidor_vivo.url}/maquinas/{quente['id']}")
    pagina.check("#intervalo-24h", force=True)
    pagina.wait_for_function("() => Number(document.querySelector('#grafico-temperatura').dataset.pontos) > 100",
                             timeout=ESPERA_MS)
    assert pagina.locator("#grafico-temperatura canvas").count() >= 1
    pagina.screenshot(path=str(capturas / "maquina.png"), full_page=True)

    with pagina.expect_download() as baixado:
        pagina.click("#link-exportar")
    texto = Path(baixado.value.path()).read_text(encoding="utf-8-sig")
    linhas = list(csv.DictReader(io.StringIO(texto)))
    assert 24 * 60 - 2 <= len(linhas) <= 24 * 60 + 2  # one reading a minute over the last 24 h
    assert {linha["temperatura_C"] for linha in linhas} <= {"70.0", "97.0"}
    assert all(linha["horario_local"].endswith("-03:00") for linha in linhas)
    assert pagina.erros == []


def test_partida_e_parada_respondidas_pelo_dispositivo_simulado(servidor_vivo, pagina):
    usuario = _operador(servidor_vivo)
    maquina = _maquina_de(servidor_vivo, usuario, "Moedor 3")
    dispositivo = DispositivoSimulado(servidor_vivo.mosquitto.porta, maquina["id"], maquina["token"])
    try:
        dispositivo.publicar_status("parada")
        _entrar(pagina, servidor_vivo, usuario)
        pagina.goto(f"{servidor_vivo.url}/maquinas/{maquina['id']}")
        pagina.fill("#partida-voltagem", "380")
        pagina.fill("#partida-velocidade", "1750")
        pagina.fill("#partida-temperatura", "90")
        pagina.click("#botao-partida")
        pagina.wait_for_selector("#estado-comando[data-estado=confirmado]", timeout=ESPERA_MS)
        comando = dispositivo.comandos.get(timeout=5)
        assert comando["comando"] == "start" and comando["parametros"]["velocidade"] == 1750.0

        partida_id = pagina.get_attribute("#estado-comando", "data-comando-id")
        pagina.click("#botao-parar")
        pagina.wait_for_function(
            "id => { const e = document.querySelector('#estado-comando');"
            " return e.dataset.comandoId !== id && e.dataset.estado === 'confirmado'; }",
            arg=partida_id, timeout=ESPERA_MS)
        assert dispositivo.comandos.get(timeout=5)["comando"] == "stop"
        pagina.wait_for_function("() => document.querySelector('[data-campo=status]').textContent.trim() === 'Parada'",
                                 timeout=ESPERA_MS)
        assert servidor_vivo.servicos.maquinas.buscar(maquina["id"])["status"] == "parada"
    finally:
        dispositivo.fechar()
    assert pagina.erros == []


def test_ler_a_etiqueta_pela_camera_associa_a_maquina(servidor_vivo, chromium, tmp_path):
    usuario = _operador(servidor_vivo, "joao", "senha-do-joao")
    criada = servidor_vivo.servicos.maquinas.criar("Siemens", "1LE1")
    maquina_id = criada["maquina"]["id"]
    link = etiquetas.link_reivindicacao(servidor_vivo.url, maquina_id, criada["segredo"])
    video = imagem_para_y4m(etiquetas.gravar_qrcode(link, tmp_path, maquina_id), tmp_path / "camera.y4m")

    # A browser of its own: the fake camera is a launch flag.
    navegador = chromium.browser_type.launch(executable_path=chromium_caminho(), args=ARGS_CHROMIUM + [
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        contexto = navegador.new_context(viewport=TELEFONE, locale="pt-BR")
        contexto.grant_permissions(["camera"], origin=servidor_vivo.url)
        pagina = contexto.new_page()
        _entrar(pagina, servidor_vivo, usuario)
        pagina.goto(f"{servidor_vivo.url}/maquinas/adicionar")
        pagina.click("#qr-camera")
        pagina.wait_for_function(f"() => document.querySelector('#codigo').value === '{maquina_id}'",
                                 timeout=ESPERA_MS)
        assert pagina.input_value("#segredo") == criada["segredo"]
        pagina.fill("#nome_maquina", "Câmara fria")
        pagina.click("#form-adicionar button[type=submit]")
        pagina.wait_for_url(f"{servidor_vivo.url}/maquinas/{maquina_id}", timeout=ESPERA_MS)
    finally:
        navegador.close()
    assert [m["nome_maquina"] for m in servidor_vivo.servicos.maquinas.listar_do_usuario(usuario["id"])] == ["Câmara fria"]


def chromium_caminho():
    from servidores import exigir_programa
    return exigir_programa("chromium", "apt-get install -y chromium")


def test_telefone_de_360px_sem_rolagem_lateral_e_entrada_so_com_teclado(servidor_vivo, chromium):
    usuario = _operador(servidor_vivo, "ana", "senha-da-ana1")
    maquina = _maquina_de(servidor_vivo, usuario, "Moedor com um nome bem comprido para caber na tela")
    aplicar_estado_agora(servidor_vivo.servicos, maquina["id"], "iniciada")
    leituras.receber(servidor_vivo.servicos, maquina["id"], dict(LEITURA, vibracao=5.2)).aguardar()
    contexto = chromium.new_context(viewport={"width": 360, "height": 740}, locale="pt-BR")
    try:
        pagina = contexto.new_page()
        pagina.goto(f"{servidor_vivo.url}/entrar")
        # Keyboard only: the first field has focus order, Enter submits.
        pagina.focus("#nome_usuario")
        pagina.keyboard.type(usuario["nome"])
        pagina.keyboard.press("Tab")
        pagina.keyboard.type(usuario["senha"])
        pagina.keyboard.press("Enter")
        pagina.wait_for_url(f"{servidor_vivo.url}/maquinas")
        alerta = _cartao(pagina, maquina).locator("[data-campo=alertas]").inner_text()
        assert "Vibração alta" in alerta  # the alert is words, not only a red border
        for caminho in ("/maquinas", f"/maquinas/{maquina['id']}", "/conta"):
            pagina.goto(f"{servidor_vivo.url}{caminho}")
            largura = pagina.evaluate("() => document.documentElement.scrollWidth")
            assert largura <= 360, (caminho, largura)
        pagina.goto(f"{servidor_vivo.url}/maquinas")
        pagina.keyboard.press("Tab")
        focado = pagina.evaluate("() => document.activeElement.textContent.trim()")
        assert focado == "Pular para o conteúdo"  # a keyboard user skips the navigation first
    finally:
        contexto.close()


def test_swagger_ui_mostra_todas_as_operacoes_da_api_sem_erro_de_csp(servidor_vivo, pagina):
    pagina.goto(f"{servidor_vivo.url}/api/docs")
    operacoes = pagina.locator(".opblock")
    operacoes.first.wait_for(timeout=ESPERA_MS)
    assert operacoes.count() == sum(len(metodos) for metodos in especificacao()["paths"].values())
    assert pagina.erros == []
