"""The operator's day in a real Chromium on a phone-sized screen, against a live server.

The server runs on the embedded store with a real mosquitto; devices are simulated with paho.
Screenshots of the dashboard and the machine page go to a temporary folder, or to docs/screenshots/ with
`python -m pytest tests/test_navegador.py --capturas docs/screenshots`.
"""
import csv
import io
import time
from datetime import datetime, time as time_of_day, timedelta, timezone
from zoneinfo import ZoneInfo
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
from navegador import ARGS_CHROMIUM, TELEFONE, verificar_acessibilidade

pytestmark = [pytest.mark.navegador, pytest.mark.mosquitto, pytest.mark.embutido]
ESPERA_MS = 15_000
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
TELAS = [{"width": 360, "height": 740}, {"width": 1440, "height": 900}]  # the phone and the desktop of the review


def _operador(servidor, nome="maria", senha="senha-da-maria"):
    usuario = servidor.servicos.usuarios.criar(nome, senha, "Frigorífico Sul", f"{nome}@frigo.com")
    return {"id": usuario["id"], "nome": nome, "senha": senha}


def _maquina_de(servidor, usuario, nome, fabricante="WEG", modelo="W22", timeout_s=None):
    """A claimed machine; `timeout_s` longer than the server's 6 s keeps it online while a test sets its history up."""
    criada = casos_maquinas.criar(servidor.servicos, fabricante, modelo)  # with its mosquitto login
    maquina_id = criada["maquina"]["id"]
    servidor.servicos.maquinas.reivindicar(maquina_id, criada["segredo"], usuario["id"], nome)
    if timeout_s is not None:
        servidor.servicos.maquinas.ajustar(maquina_id, usuario["id"], {"timeout_s": timeout_s})
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


def _aquecer(servidor, maquina, temperatura, segundos=12):
    """A reading a second over the last `segundos` (the default rule wants 10 s above 80 °C), until its alarm is up."""
    agora = agora_utc()
    for i in range(segundos, -1, -1):
        leituras.receber(servidor.servicos, maquina["id"], dict(
            LEITURA, temperatura=temperatura, ts=(agora - timedelta(seconds=i)).isoformat(), seq=10_000 + i)).aguardar()
    esperar(lambda: any(a["tipo"] == "temperatura_alta" and a["estado"] == "ativo"
                        for a in servidor.servicos.alarmes.abertos_da_maquina(maquina["id"])), mensagem="alarme ativo")
    # The latest values are written at most once per GRAVACAO_ATIVIDADE_S: wait for them, as the operator would.
    esperar(lambda: servidor.servicos.maquinas.buscar(maquina["id"])["ultima_leitura"]["temperatura"] == temperatura,
            mensagem="última leitura gravada")


def test_quem_nunca_viu_o_produto_acha_a_maquina_superaquecida_e_exporta_as_ultimas_24h(servidor_vivo, pagina, capturas):
    usuario = _operador(servidor_vivo)
    calmas = [_maquina_de(servidor_vivo, usuario, f"Serra {i}", timeout_s=600) for i in range(1, 4)]
    quente = _maquina_de(servidor_vivo, usuario, "Moedor 2", timeout_s=600)
    for maquina in calmas:
        aplicar_estado_agora(servidor_vivo.servicos, maquina["id"], "iniciada")
        leituras.receber(servidor_vivo.servicos, maquina["id"], dict(LEITURA, temperatura=45.0)).aguardar()
    aplicar_estado_agora(servidor_vivo.servicos, quente["id"], "iniciada")
    _historico(servidor_vivo, quente, horas=26, temperatura=70.0)
    _aquecer(servidor_vivo, quente, 97.0)

    _entrar(pagina, servidor_vivo, usuario)
    primeiro = pagina.locator("article[data-maquina-id]").first
    assert primeiro.get_attribute("data-maquina-id") == quente["id"]
    assert primeiro.locator("[data-campo=alarmes]").inner_text().startswith("Alta Temperatura alta · 97,0 °C")
    for maquina in calmas:  # running at 45 °C: nothing to look at
        assert _cartao(pagina, maquina).locator("[data-campo=alarmes]").inner_text().strip() == ""
    assert pagina.inner_text("#resumo-alarmes") == "1 máquina com alarme ativo."
    # The "Alta" counter filters the cards down to the hot one, and back.
    pagina.click("#contadores [data-severidade=alta]")
    assert pagina.get_attribute("#contadores [data-severidade=alta]", "aria-pressed") == "true"
    assert pagina.locator("article[data-maquina-id]:visible").count() == 1
    pagina.screenshot(path=str(capturas / "painel.png"), full_page=True)
    pagina.click("#contadores [data-severidade=alta]")
    assert pagina.locator("article[data-maquina-id]:visible").count() == 4

    primeiro.locator("a[data-campo=link]").click()
    pagina.wait_for_url(f"{servidor_vivo.url}/maquinas/{quente['id']}")
    assert pagina.locator("#banner-alarmes").is_visible()
    pagina.wait_for_selector("#lista-alarmes-maquina .form-reconhecer", timeout=ESPERA_MS)  # the live banner, with its form
    assert " ".join(pagina.inner_text("#lista-alarmes-maquina").split()).startswith("Alta Temperatura alta · 97,0 °C · desde")
    pagina.check("#intervalo-24h", force=True)
    pagina.wait_for_function("() => Number(document.querySelector('#grafico-temperatura').dataset.pontos) > 100",
                             timeout=ESPERA_MS)
    # The chart draws the rule's limit (80 °C) and shades the period the alarm has been active.
    pagina.wait_for_function("() => document.querySelector('#grafico-temperatura').dataset.periodosAlarme === '1'",
                             timeout=ESPERA_MS)
    assert pagina.get_attribute("#grafico-temperatura", "data-limites") == "80"
    assert "limites 80,0 °C" in pagina.inner_text("#grafico-temperatura [data-marcas]")
    assert pagina.locator("#grafico-temperatura canvas").count() >= 1
    pagina.screenshot(path=str(capturas / "maquina.png"), full_page=True)

    with pagina.expect_download() as baixado:
        pagina.click("#link-exportar")
    texto = Path(baixado.value.path()).read_text(encoding="utf-8-sig")
    linhas = list(csv.DictReader(io.StringIO(texto)))
    assert 24 * 60 - 2 <= len(linhas) <= 24 * 60 + 20  # one reading a minute over the last 24 h, plus the hot seconds
    assert {linha["temperatura_C"] for linha in linhas} <= {"70.0", "97.0"}
    assert all(linha["horario_local"].endswith("-03:00") for linha in linhas)

    # Acknowledge from the banner, with a note: the alarm stays active, and says it was seen.
    pagina.fill("#lista-alarmes-maquina input[name=nota]", "Verificando o ventilador")
    pagina.click("#lista-alarmes-maquina button[type=submit]")
    pagina.wait_for_function("() => document.querySelector('#mensagem-alarmes').textContent === 'Alarme reconhecido.'",
                             timeout=ESPERA_MS)
    [alarme] = servidor_vivo.servicos.alarmes.abertos_da_maquina(quente["id"])
    assert alarme["nota"] == "Verificando o ventilador" and alarme["estado"] == "ativo"
    assert pagina.erros == []


def test_operador_experimenta_um_limite_antes_de_salvar_e_ve_o_alarme_na_lista(servidor_vivo, pagina):
    usuario = _operador(servidor_vivo, "rita", "senha-da-rita1")
    maquina = _maquina_de(servidor_vivo, usuario, "Forno 1", timeout_s=600)
    _historico(servidor_vivo, maquina, horas=3, temperatura=70.0, pico=95.0)
    _entrar(pagina, servidor_vivo, usuario)
    pagina.goto(f"{servidor_vivo.url}/maquinas/{maquina['id']}")
    pagina.select_option("#regra-sensor", "temperatura")
    pagina.fill("#regra-maximo", "90")
    # The one spike to 95 °C in the last 3 h: one alarm, before anything is saved.
    pagina.wait_for_function("() => document.querySelector('#previa-resultado').dataset.alarmes24h === '1'", timeout=ESPERA_MS)
    assert pagina.inner_text("#previa-resultado").startswith("Últimas 24 h: 1 alarme(s)")
    pagina.fill("#regra-maximo", "60")
    pagina.wait_for_function("() => document.querySelector('#previa-resultado').textContent.includes('ativo por 3 h')",
                             timeout=ESPERA_MS)
    pagina.fill("#regra-maximo", "90")
    pagina.fill("#regra-duracao_s", "0")
    pagina.click("#form-regra button[type=submit]")
    pagina.wait_for_function("() => document.querySelector('#lista-regras').textContent.includes('> 90,0 °C')", timeout=ESPERA_MS)
    pagina.click("#botao-salvar-regras")
    pagina.wait_for_function("() => document.querySelector('#mensagem-regras').textContent === 'Regras salvas.'", timeout=ESPERA_MS)
    regras = servidor_vivo.servicos.maquinas.buscar(maquina["id"])["regras_alarme"]
    assert [(r["sensor"], r["maximo"], r["duracao_s"]) for r in regras] == [("temperatura", 90.0, 0)]
    pagina.wait_for_function("() => document.querySelector('#grafico-temperatura').dataset.limites === '90'", timeout=ESPERA_MS)

    assert pagina.erros == []
    # An invalid limit is refused by the app, naming the field, in Portuguese (the 400 is the only console line).
    pagina.fill("#regra-maximo", "5000")
    pagina.click("#form-regra button[type=submit]")
    pagina.wait_for_selector("#regra-maximo[aria-invalid=true]", timeout=ESPERA_MS)
    assert "maximo" in pagina.inner_text("#mensagem-regra")

    _aquecer(servidor_vivo, maquina, 96.0, segundos=2)
    pagina.goto(f"{servidor_vivo.url}/alarmes")
    pagina.wait_for_selector("#lista-alarmes tr[data-severidade=alta]", timeout=ESPERA_MS)
    assert "Temperatura alta" in pagina.inner_text("#lista-alarmes") and "Forno 1" in pagina.inner_text("#lista-alarmes")
    pagina.select_option("#filtro-severidade", "critica")
    pagina.click("#filtros-alarmes button[type=submit]")
    pagina.wait_for_function("() => document.querySelector('#lista-alarmes').dataset.total === '0'", timeout=ESPERA_MS)
    assert "Nenhum alarme neste período." in pagina.inner_text("#lista-alarmes")
    assert "severidade=critica" in pagina.get_attribute("#link-exportar-alarmes", "href")
    assert pagina.erros and all("400 (BAD REQUEST)" in erro for erro in pagina.erros)


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
        # Nothing leaves before the operator confirms what the machine will run with.
        assert "380 V, 1.750 rpm e 90 °C" in pagina.inner_text("#pergunta-partida")
        assert dispositivo.comandos.empty()
        pagina.click("#botao-confirmar-partida")
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
    esperar(lambda: servidor_vivo.servicos.maquinas.buscar(maquina["id"])["ultima_leitura"]["vibracao"] == 5.2,
            mensagem="última leitura gravada")
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
        zona = _cartao(pagina, maquina).locator("[data-campo=zona]").inner_text()
        assert zona == "zona D"  # the vibration zone is words, not only a colour
        for caminho in ("/maquinas", f"/maquinas/{maquina['id']}", "/conta"):
            pagina.goto(f"{servidor_vivo.url}{caminho}")
            largura = pagina.evaluate("() => document.documentElement.scrollWidth")
            largos = pagina.evaluate("() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361 && (!e.closest('.rolagem') || e.classList.contains('rolagem')))"
                                     ".map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)")
            assert largura <= 360, (caminho, largura, largos)
        pagina.goto(f"{servidor_vivo.url}/maquinas")
        pagina.keyboard.press("Tab")
        focado = pagina.evaluate("() => document.activeElement.textContent.trim()")
        assert focado == "Pular para o conteúdo"  # a keyboard user skips the navigation first
    finally:
        contexto.close()


def test_sair_de_todos_num_celular_avisa_o_painel_aberto_no_computador(servidor_vivo, chromium):
    servidor_vivo.app.config["SSE_REVALIDAR_SESSAO_S"] = 1
    usuario = _operador(servidor_vivo, "bia", "senha-da-bia1")
    _maquina_de(servidor_vivo, usuario, "Serra 9")
    computador = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="pt-BR")
    celular = chromium.new_context(viewport=TELEFONE, locale="pt-BR")
    try:
        painel = computador.new_page()
        _entrar(painel, servidor_vivo, usuario)
        painel.wait_for_selector("#estado-atualizacao[data-modo=ao-vivo]", timeout=ESPERA_MS)
        outro = celular.new_page()
        _entrar(outro, servidor_vivo, usuario)
        outro.goto(f"{servidor_vivo.url}/conta")
        outro.click("#form-sair-conta button[type=submit]")
        outro.wait_for_url(f"{servidor_vivo.url}/entrar?aviso=saiu-de-todos")
        assert "Você saiu de todos os dispositivos." in outro.inner_text("#aviso-entrar")
        # The open dashboard says why it stopped, and offers the way back in.
        painel.wait_for_selector("#aviso-sessao", timeout=ESPERA_MS)
        assert "Sessão encerrada em outro dispositivo." in painel.inner_text("#aviso-sessao")
        painel.click("#aviso-sessao a")
        painel.wait_for_url(f"{servidor_vivo.url}/entrar?proximo=%2Fmaquinas")
    finally:
        computador.close()
        celular.close()


def test_formularios_explicam_o_erro_em_portugues_pelo_app_e_nao_pelo_navegador(servidor_vivo, pagina):
    usuario = _operador(servidor_vivo, "caio", "senha-do-caio1")
    maquina = _maquina_de(servidor_vivo, usuario, "Prensa 4")
    pagina.goto(f"{servidor_vivo.url}/entrar")
    pagina.click("button[type=submit]")
    assert pagina.url == f"{servidor_vivo.url}/entrar"  # nothing was sent
    assert pagina.text_content("#erro-nome_usuario") == "Preencha este campo."
    assert pagina.get_attribute("#nome_usuario", "aria-invalid") == "true"
    assert "erro-nome_usuario" in pagina.get_attribute("#nome_usuario", "aria-describedby")
    assert pagina.evaluate("() => document.activeElement.id") == "nome_usuario"
    _entrar(pagina, servidor_vivo, usuario)
    pagina.goto(f"{servidor_vivo.url}/maquinas/{maquina['id']}")
    # Offline: every command control is off, and the page says why.
    assert pagina.is_disabled("#botao-partida") and pagina.is_disabled("#botao-parar") and pagina.is_disabled("#partida-voltagem")
    assert "comandos desativados" in pagina.inner_text("#aviso-offline")
    servidor_vivo.servicos.maquinas.registrar_estado(maquina["id"], "online")
    pagina.wait_for_selector("#botao-partida:not([disabled])", timeout=ESPERA_MS)  # the stream brings it back
    assert pagina.is_hidden("#aviso-offline")
    pagina.fill("#partida-voltagem", "9999")
    pagina.click("#botao-partida")
    assert pagina.text_content("#erro-partida-voltagem") == "O máximo é 380."
    assert servidor_vivo.servicos.comandos.listar(maquina["id"], usuario["id"], 5) == []
    pagina.fill("#partida-voltagem", "380")
    pagina.click("#botao-partida")
    assert pagina.is_hidden("#erro-partida-voltagem")
    assert pagina.get_attribute("#partida-voltagem", "aria-invalid") is None
    assert pagina.is_visible("#confirmar-partida")  # valid: now the operator confirms
    assert pagina.erros == []


def test_planta_de_24_maquinas_na_lista_compacta_procura_filtra_e_agrupa_por_linha(servidor_vivo, chromium, capturas):
    servidor = servidor_vivo
    usuario = _operador(servidor, "gil", "senha-do-gil1")
    maquinas = []
    for i in range(24):
        maquina = _maquina_de(servidor, usuario, f"Máquina {i:02d}", timeout_s=600)
        servidor.servicos.maquinas.ajustar(maquina["id"], usuario["id"], {"linha": f"Linha {i % 3 + 1}", "local": "Galpão"})
        leituras.receber(servidor.servicos, maquina["id"], dict(LEITURA, temperatura=40.0 + i)).aguardar()
        maquinas.append(maquina)
    _aquecer(servidor, maquinas[17], 99.0)
    contexto = chromium.new_context(viewport={"width": 1440, "height": 900}, locale="pt-BR")
    try:
        pagina = contexto.new_page()
        _entrar(pagina, servidor, usuario)
        pagina.wait_for_selector("#estado-atualizacao[data-modo=ao-vivo]", timeout=ESPERA_MS)
        pagina.click("[data-visao=lista]")
        assert pagina.is_visible("#tabela-maquinas") and pagina.is_hidden("#lista-maquinas")
        linhas = pagina.locator("#linhas-maquinas tr[data-maquina-id]")
        assert linhas.count() == 24
        # The whole plant on one desktop screen, the alarmed machine on top.
        pagina.screenshot(path=str(capturas / "painel-lista-24.png"))
        assert pagina.evaluate("() => document.querySelector('#linhas-maquinas tr:last-child').getBoundingClientRect().bottom") < 2 * 900
        assert linhas.first.get_attribute("data-maquina-id") == maquinas[17]["id"]
        assert "Alta Temperatura alta" in " ".join(linhas.first.inner_text().split())
        pagina.fill("#busca-maquinas", "máquina 1")
        pagina.wait_for_function("() => document.querySelector('#contagem-visiveis').textContent === 'Mostrando 10 de 24 máquinas.'")
        pagina.fill("#busca-maquinas", "")
        pagina.select_option("#agrupar-por", "linha")
        titulos = pagina.locator("#linhas-maquinas tr.linha-grupo")
        assert [titulos.nth(i).inner_text() for i in range(titulos.count())] == ["Linha 1 (8)", "Linha 2 (8)", "Linha 3 (8)"]
        pagina.select_option("#filtro-situacao", "alarme")
        assert pagina.locator("#linhas-maquinas tr[data-maquina-id]:visible").count() == 1
        assert pagina.locator("#linhas-maquinas tr.linha-grupo:visible").count() == 1
        pagina.screenshot(path=str(capturas / "painel-lista.png"), full_page=True)
        verificar_acessibilidade(pagina, "painel em lista agrupada")
        # The view and the grouping are the user's: they come back on the next visit.
        pagina.reload()
        assert pagina.get_attribute("[data-visao=lista]", "aria-pressed") == "true"
        assert pagina.input_value("#agrupar-por") == "linha"
        prefs = servidor.servicos.usuarios.buscar_por_id(usuario["id"])["preferencias"]
        assert (prefs["visao_painel"], prefs["agrupar_painel"]) == ("lista", "linha")
    finally:
        contexto.close()


def test_swagger_ui_mostra_todas_as_operacoes_da_api_sem_erro_de_csp(servidor_vivo, pagina):
    pagina.goto(f"{servidor_vivo.url}/api/docs")
    operacoes = pagina.locator(".opblock")
    operacoes.first.wait_for(timeout=ESPERA_MS)
    assert operacoes.count() == sum(len(metodos) for metodos in especificacao()["paths"].values())
    assert pagina.erros == []


@pytest.mark.parametrize("tela", TELAS, ids=["360", "1440"])
def test_toda_pagina_passa_no_axe_core_sem_achado_serio_ou_critico(servidor_vivo, chromium, tela):
    servidor = servidor_vivo
    usuario = _operador(servidor, f"axe{tela['width']}", "senha-do-axe1")
    servidor.servicos.usuarios.definir_papel(usuario["nome"], "admin")
    quente = _maquina_de(servidor, usuario, "Moedor quente", timeout_s=600)
    _maquina_de(servidor, usuario, "Serra parada")
    aplicar_estado_agora(servidor.servicos, quente["id"], "iniciada")
    _aquecer(servidor, quente, 95.0)
    contexto = chromium.new_context(viewport=tela, locale="pt-BR", timezone_id="America/Sao_Paulo")
    try:
        pagina = contexto.new_page()
        for caminho in ("/entrar", "/cadastrar"):
            pagina.goto(f"{servidor.url}{caminho}")
            verificar_acessibilidade(pagina)
        _entrar(pagina, servidor, usuario)
        pagina.wait_for_selector("#estado-atualizacao[data-modo=ao-vivo]", timeout=ESPERA_MS)
        verificar_acessibilidade(pagina, "painel com alarme")
        pagina.click("#contadores [data-severidade=alta]")
        verificar_acessibilidade(pagina, "painel filtrado")
        pagina.goto(f"{servidor.url}/maquinas/{quente['id']}")
        pagina.wait_for_selector("#lista-alarmes-maquina .form-reconhecer", timeout=ESPERA_MS)
        pagina.wait_for_function("() => document.querySelector('#grafico-temperatura').dataset.pontos !== undefined",
                                 timeout=ESPERA_MS)
        verificar_acessibilidade(pagina, "página da máquina com alarme")
        pagina.fill("#regra-maximo", "90")
        pagina.wait_for_function("() => document.querySelector('#previa-resultado').dataset.alarmes24h !== undefined",
                                 timeout=ESPERA_MS)
        verificar_acessibilidade(pagina, "editor de regras com prévia")
        for caminho in ("/alarmes", "/conta", "/maquinas/adicionar", "/admin/etiquetas", "/planta"):
            pagina.goto(f"{servidor.url}{caminho}")
            pagina.wait_for_load_state("networkidle")
            verificar_acessibilidade(pagina)
    finally:
        contexto.close()


# ---- the plant page ------------------------------------------------------------------------------
@pytest.mark.parametrize("tela", TELAS, ids=["360", "1440"])
def test_gerente_acha_a_maquina_que_ficou_mais_parada_hoje_e_da_o_motivo(servidor_vivo, chromium, tela, capturas):
    usuario = _operador(servidor_vivo)
    moedor = _maquina_de(servidor_vivo, usuario, "Moedor 1")
    serra = _maquina_de(servidor_vivo, usuario, "Serra 2", timeout_s=3600)
    # Yesterday from 10:00 in the operator's zone: one whole day on the strip, whenever the test runs.
    ontem = (agora_utc().astimezone(SAO_PAULO) - timedelta(days=1)).date()
    inicio = datetime.combine(ontem, time_of_day(10, 0), SAO_PAULO).astimezone(timezone.utc)
    aplicar_estado_agora(servidor_vivo.servicos, moedor["id"], "iniciada", inicio)
    aplicar_estado_agora(servidor_vivo.servicos, moedor["id"], "desarmada", inicio + timedelta(minutes=10),
                         motivo="temperatura_acima_do_limite", valor=27.8, limite=20.0)
    aplicar_estado_agora(servidor_vivo.servicos, moedor["id"], "iniciada", inicio + timedelta(minutes=30))
    aplicar_estado_agora(servidor_vivo.servicos, serra["id"], "iniciada", inicio)
    aplicar_estado_agora(servidor_vivo.servicos, serra["id"], "parada", inicio + timedelta(minutes=35))
    aplicar_estado_agora(servidor_vivo.servicos, serra["id"], "iniciada", inicio + timedelta(minutes=41))
    servidor_vivo.servicos.motor_alarmes.verificar_offline()  # Moedor silent since: offline 6 s (HEARTBEAT_TIMEOUT) later
    servidor_vivo.servicos.registros.criar(moedor["id"], usuario["id"], "Troca do ventilador do motor")
    contexto = chromium.new_context(viewport=tela, locale="pt-BR", timezone_id="America/Sao_Paulo")
    pagina = contexto.new_page()
    pagina.erros = []
    pagina.on("pageerror", lambda erro: pagina.erros.append(str(erro)))
    try:
        _verificar_planta(servidor_vivo, pagina, usuario, moedor, inicio, ontem, tela, capturas)
    finally:
        contexto.close()


def _verificar_planta(servidor_vivo, pagina, usuario, moedor, inicio, dia, tela, capturas):
    _entrar(pagina, servidor_vivo, usuario)
    if pagina.is_visible("#botao-menu"):  # a phone: the links are behind the menu
        pagina.click("#botao-menu")
    pagina.click("nav >> text=Planta")
    pagina.wait_for_url(f"{servidor_vivo.url}/planta")
    pagina.goto(f"{servidor_vivo.url}/planta?dia={dia.isoformat()}")
    faixa = pagina.locator("figure.faixa-estados", has_text="Moedor 1")
    classes = faixa.locator("rect.faixa__segmento").evaluate_all("rs => rs.map(r => r.classList[1])")
    assert classes == [f"faixa__segmento--{estado}" for estado in ("iniciada", "desarmada", "iniciada", "offline")]
    largura = faixa.locator("rect.faixa__segmento--desarmada").bounding_box()["width"]
    assert largura > 0  # drawn from attributes: no inline style needed
    # The utilization table says the same as the strips: Moedor tripped 20 min, Serra stopped 6 min.
    uso = {linha[0]: linha[1:] for linha in pagina.locator(".rolagem[aria-labelledby=titulo-utilizacao] tbody tr").evaluate_all(
        "trs => trs.map(tr => [...tr.children].map(c => c.textContent.trim()))")}
    assert uso["Moedor 1"][2] == "20 min" and uso["Serra 2"][1] == "6 min"
    verificar_acessibilidade(pagina, f"planta {tela['width']}")
    pagina.screenshot(path=str(capturas / f"planta-{tela['width']}.png"), full_page=True)

    # The stops without a reason, longest first: the tripped Moedor (20 min) before the Serra (6 min).
    linhas = pagina.locator("tr[data-parada-id]")
    assert linhas.count() == 2 and "Moedor 1" in linhas.first.inner_text() and "20 min" in linhas.first.inner_text()
    linha = linhas.first
    linha.locator("select[name=motivo]").select_option("quebra")
    linha.locator("input[name=nota]").fill("ventilador travado")
    linha.locator("select[name=registro_id]").select_option(label=linha.locator("select[name=registro_id] option").nth(1).inner_text())
    linha.locator("button").click()
    pagina.wait_for_selector("#mensagem-paradas[data-tipo=sucesso]", timeout=ESPERA_MS)
    assert pagina.locator("tr[data-parada-id]").count() == 1
    [parada] = servidor_vivo.servicos.paradas.rotulos(
        [f"{moedor['id']}-{int((inicio + timedelta(minutes=10)).timestamp() * 1000):013d}"], usuario["id"]).values()
    assert (parada["motivo"], parada["nota"]) == ("quebra", "ventilador travado")
    [registro] = servidor_vivo.servicos.registros.listar(moedor["id"], usuario["id"])
    assert parada["registro_id"] == registro["registro_id"]  # the stop points at the log entry of its repair

    pagina.fill("#ajustes-turnos", "Dia 07:00 19:00\nNoite 19:00 07:00")
    pagina.fill("#ajustes-motivos", "quebra\nsetup\nlimpeza")
    with pagina.expect_navigation():
        pagina.click("#form-ajustes-planta button[type=submit]")
    assert pagina.locator("#planta-turno option").all_inner_texts() == ["Dia inteiro", "Dia (07:00–19:00)", "Noite (19:00–07:00)"]
    assert "quebra" in pagina.locator("#titulo-motivos + a, section[aria-labelledby=titulo-motivos]").first.inner_text()
    with pagina.expect_navigation():
        pagina.select_option("#planta-turno", "Noite")  # the shift picker shows its period at once
    assert "turno=Noite" in pagina.url
    assert pagina.evaluate("() => document.documentElement.scrollWidth") <= tela["width"]  # tables scroll inside
    assert pagina.erros == []


# ---- the account page: alarm notifications ----------------------------------------------------------
def test_operador_salva_o_webhook_ve_o_segredo_uma_vez_e_a_ultima_entrega(servidor_vivo, pagina):
    servidor_vivo.app.config["WEBHOOK_PERMITIR_REDE_LOCAL"] = True  # the receiver would be on loopback
    usuario = _operador(servidor_vivo, "nina", "senha-da-nina1")
    _entrar(pagina, servidor_vivo, usuario)
    pagina.goto(f"{servidor_vivo.url}/conta")
    assert pagina.is_disabled("#notif-email")  # no SMTP_HOST on this server, and the page says so
    assert "não está configurado" in pagina.inner_text("#ajuda-email")
    assert pagina.inner_text("dd[data-canal=webhook]") == "Desligado. Nenhuma entrega ainda."

    pagina.fill("#notif-webhook", "ftp://receptor.exemplo.com/x")
    pagina.click("#salvar-notificacoes")
    pagina.wait_for_selector("#mensagem-notificacoes[data-tipo=erro]", timeout=ESPERA_MS)
    assert "http://" in pagina.inner_text("#mensagem-notificacoes")
    assert pagina.get_attribute("#notif-webhook", "aria-invalid") == "true"

    pagina.fill("#notif-webhook", "http://127.0.0.1:9/alarmes")
    pagina.select_option("#notif-severidade", "critica")
    pagina.click("#salvar-notificacoes")
    pagina.wait_for_selector("#notif-segredo:not([hidden])", timeout=ESPERA_MS)
    segredo = pagina.inner_text("#notif-segredo-valor")
    ajustes = servidor_vivo.servicos.usuarios.notificacoes(usuario["id"])
    assert segredo == ajustes["webhook_segredo"] and ajustes["severidade_minima"] == "critica"
    verificar_acessibilidade(pagina, "conta com o segredo do webhook à mostra")

    agora = agora_utc()
    servidor_vivo.servicos.notificacoes.registrar_situacao(usuario["id"], "webhook", "nova_tentativa",
                                                            "HTTP 500 Internal Server Error", agora)
    pagina.reload()
    assert pagina.is_hidden("#notif-segredo") and segredo not in pagina.content()  # once, and never again
    assert pagina.input_value("#notif-webhook") == "http://127.0.0.1:9/alarmes"
    situacao = pagina.inner_text("dd[data-canal=webhook]")
    assert situacao.startswith("Falhou; tentando de novo. Último erro (") and "HTTP 500 Internal Server Error" in situacao
    verificar_acessibilidade(pagina, "conta com erro de entrega")
    # The only console line is Chromium's own for the refused save (400), which the page showed at the field.
    assert [erro for erro in pagina.erros if "status of 400" not in erro] == []
