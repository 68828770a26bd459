"""The device simulator (bench/): the firmware's sensor model, MQTT and HTTP against the app, main.py simular."""
import io
import json
import queue
import stat
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import mongomock
import paho.mqtt.client as paho
import pytest
from werkzeug.serving import make_server

import main
from simulador.maquina_simulada import MaquinaSimulada
from simulador.simulador import Simulador
from mqtt import contrato as mqtt_contrato
from simulador.transporte_mqtt import topico
from conftest import Atores, contar_leituras
from nucleo import contrato, validacao
from nucleo import maquinas as casos_maquinas
from MongoDB.gerencia_BD import GerenciadorBD
from nucleo.servicos import criar_servicos
from MongoDB.gerencia_BD import agora_utc
from test_mqtt_integracao import app_mqtt, esperar  # noqa: F401  (fixture)

RAIZ = Path(__file__).resolve().parent.parent
ID = "65f000000000000000000001"
PARTIDA = {"voltagem": 380, "velocidade": 1750, "temperatura": 120}


def _dentro_dos_limites(leitura):
    validacao.validar_leitura(leitura)  # what the server would refuse, the test refuses
    return all(minimo <= leitura[campo] <= maximo for campo, (minimo, maximo) in contrato.LIMITES_SENSORES.items())


# ---- the machine model --------------------------------------------------------------------
def test_sensores_ficam_dentro_dos_limites_em_operacao_parada_e_com_falhas():
    for semente in range(20):
        maquina = MaquinaSimulada(ID, falhas=True, semente=semente)
        for passo in range(1500):
            if passo % 300 == 0:
                maquina.iniciar(dict(PARTIDA, temperatura=20 + semente * 5))
            if passo % 300 == 150:
                maquina.parar()
            if passo % 97 == 0 and maquina.falha is None:
                maquina.provocar_falha(("superaquecimento", "vibracao", "offline")[passo % 3])
            maquina.avancar(maquina.aleatorio.choice((0.05, 0.2, 1.0, 5.0, 60.0)))
            assert _dentro_dos_limites(maquina.leitura(int(time.time() * 1000))), maquina.sensores
    assert maquina.seq == 1500


def test_start_leva_rpm_e_tensao_ao_comandado_e_stop_esfria_e_para():
    maquina = MaquinaSimulada(ID, semente=1)
    assert maquina.obedecer({"comando": "start", "id": "c1", "parametros": PARTIDA}, 0) == "obedecido"
    for _ in range(100):  # 20 s at the firmware's 200 ms step
        maquina.avancar(0.2)
    assert abs(maquina.sensores["rpm"] - 1750) < 40 and abs(maquina.sensores["tensao"] - 380) < 15
    assert 1.0 < maquina.sensores["vibracao"] < 3.5 and maquina.sensores["temperatura"] > 30

    assert maquina.obedecer({"comando": "stop", "id": "c2"}, 0) == "obedecido"
    for _ in range(3000):  # 10 min stopped
        maquina.avancar(0.2)
    assert maquina.estado == "parada" and maquina.sensores["rpm"] == 0
    assert maquina.sensores["tensao"] < 2 and maquina.sensores["vibracao"] < 0.3
    assert abs(maquina.sensores["temperatura"] - 25) < 5


def test_superaquecimento_desarma_a_maquina_e_ela_diz_por_que_ate_o_proximo_comando():
    maquina = MaquinaSimulada(ID, semente=2)
    maquina.iniciar(dict(PARTIDA, temperatura=90))
    for _ in range(50):
        assert maquina.avancar(0.2) == []
    assert maquina.provocar_falha("superaquecimento") == ["superaquecimento"]
    eventos = []
    for _ in range(1000):
        eventos = maquina.avancar(0.2)
        if eventos:
            break
    assert eventos == ["desarmada"] and maquina.estado == "desarmada"
    assert maquina.sensores["temperatura"] > 90 and maquina.falha is None
    status = maquina.status(123)
    assert (status["state"], status["motivo"], status["limite"], status["ts"]) == ("desarmada", "temperatura_acima_do_limite", 90, 123)
    assert status["valor"] > 90 and status["parametros"] == dict(PARTIDA, temperatura=90)
    for _ in range(100):
        maquina.avancar(0.2)
    assert maquina.status(124)["state"] == "desarmada"  # its heartbeats keep saying so
    assert maquina.obedecer({"comando": "reset", "id": "r"}, 0) == "obedecido"
    assert maquina.status(125) == {"state": "parada", "ts": 125, "parametros": {
        campo: float(valor) for campo, valor in contrato.CONFIGURACAO_RESET.items()}}


def test_comando_vencido_repetido_ou_fora_dos_limites_nao_muda_a_maquina():
    maquina = MaquinaSimulada(ID)
    agora = int(time.time() * 1000)
    assert maquina.obedecer({"comando": "start", "id": "a", "expira_em": agora - 1, "parametros": PARTIDA}, agora) == "expirado"
    assert maquina.obedecer({"comando": "start", "id": "b", "parametros": dict(PARTIDA, voltagem=500)}, agora) == "rejeitado"
    assert maquina.estado == "parada"
    assert maquina.obedecer({"comando": "start", "id": "c", "expira_em": agora + 30000, "parametros": PARTIDA}, agora) == "obedecido"
    maquina.parar()
    assert maquina.obedecer({"comando": "start", "id": "c", "parametros": PARTIDA}, agora) == "repetido"
    assert maquina.estado == "parada"
    assert maquina.obedecer({"comando": "reset", "id": "d"}, agora) == "obedecido"
    assert maquina.parametros == {campo: float(valor) for campo, valor in contrato.CONFIGURACAO_RESET.items()}


def test_simulador_importa_sem_flask():
    codigo = ("import sys, simulador.simulador, simulador.cadastro; "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'flask_mqtt', 'app', 'rotas'}))")
    resultado = subprocess.run([sys.executable, "-c", codigo], cwd=RAIZ, capture_output=True, text=True, timeout=30)
    assert resultado.returncode == 0 and resultado.stdout.strip() == "[]", resultado.stderr


def test_topicos_do_simulador_sao_os_do_servidor():
    assert topico(ID, "telemetria") == f"databutcher/{ID}/telemetria"
    assert topico is mqtt_contrato.topico  # one definition, not a copy kept in step by hand


# ---- against the app ------------------------------------------------------------------------
@pytest.mark.mosquitto
def test_via_mqtt_o_app_guarda_cada_leitura_uma_vez_e_o_start_e_confirmado(app_mqtt, mosquitto):  # noqa: F811
    client, servicos = app_mqtt.test_client(), app_mqtt.extensions["databutcher"]
    atores = Atores(client, servicos)
    dono = atores.usuario()
    maquinas = [atores.maquina_de(dono), atores.maquina(), atores.maquina()]
    sim = Simulador([(m["id"], m["token"]) for m in maquinas], via="mqtt", intervalo=0.2, porta=mosquitto.porta).iniciar()
    try:
        esperar(lambda: all(servicos.maquinas.esta_online(servicos.maquinas.buscar(m["id"])) for m in maquinas),
                mensagem="máquinas online")
        url = f"/api/machines/{maquinas[0]['id']}"
        resposta = client.post(f"{url}/start", headers=dono["headers"], json={"voltagem": 380, "velocidade": 1750, "temperatura": 90})
        assert resposta.status_code == 202, resposta.get_json()
        esperar(lambda: client.get(f"{url}/commands", headers=dono["headers"]).get_json()["comandos"][0]["estado"] == "confirmado",
                mensagem="confirmação do start")
        assert client.get(url, headers=dono["headers"]).get_json()["maquina"]["status"] == "iniciada"
        time.sleep(1.5)
    finally:
        estat = sim.parar()

    assert estat["comandos"]["obedecido"] == 1 and estat["erros"] == 0
    for maquina in maquinas:
        enviadas = estat["por_maquina"][maquina["id"]]
        assert enviadas >= 5
        esperar(lambda: contar_leituras(servicos, maquina["id"]) >= enviadas, mensagem="leituras guardadas")
    time.sleep(0.3)  # a duplicate would arrive now
    assert {m["id"]: contar_leituras(servicos, m["id"]) for m in maquinas} == estat["por_maquina"]
    assert servicos.telemetria.listar(maquinas[0]["id"], 1)[0]["dados_sensor"]["tensao"] > 200  # running at 380 V


@pytest.fixture
def servicos_com_login_no_mosquitto(mosquitto):
    """Services on mongomock whose machines get their mosquitto login (dynsec), as the app's do."""
    bd = GerenciadorBD(mongomock.MongoClient(tz_aware=True), "teste")
    bd.criar_indices()
    servicos = criar_servicos(bd, {"BCRYPT_ROUNDS": 4}, credenciais=mosquitto.credenciais())
    yield servicos
    servicos.encerrar()


def _ouvinte_do_app(mosquitto, filtro, recebidas):
    """A paho client logged in as the app (which may read every machine's telemetry)."""
    credenciais = mosquitto.credenciais()
    credenciais.preparar_app(*mosquitto.app)
    credenciais.fechar()
    assinado = threading.Event()
    ouvinte = paho.Client(paho.CallbackAPIVersion.VERSION2)
    ouvinte.username_pw_set(*mosquitto.app)
    ouvinte.on_connect = lambda c, u, f, rc, p: c.subscribe(filtro, qos=1)
    ouvinte.on_subscribe = lambda *args: assinado.set()
    ouvinte.on_message = lambda c, u, mensagem: recebidas.put(json.loads(mensagem.payload)["maquina_id"])
    ouvinte.connect("127.0.0.1", mosquitto.porta)
    ouvinte.loop_start()
    assert assinado.wait(10)
    return ouvinte


@pytest.mark.mosquitto
def test_cada_maquina_entra_com_o_proprio_login_numa_so_linha_de_rede(mosquitto, servicos_com_login_no_mosquitto):
    recebidas = queue.Queue()
    ouvinte = _ouvinte_do_app(mosquitto, "databutcher/+/telemetria", recebidas)
    try:
        maquinas = [casos_maquinas.criar(servicos_com_login_no_mosquitto, "WEG", "W22") for _ in range(60)]
        linhas_antes = threading.active_count()
        sim = Simulador([(m["maquina"]["id"], m["token"]) for m in maquinas], via="mqtt", intervalo=0.5,
                        porta=mosquitto.porta).iniciar()
        linhas_durante = threading.active_count()
        conexoes = sim.transporte.conectados()
        time.sleep(1.2)
        estat = sim.parar()
        esperar(lambda: recebidas.qsize() >= estat["enviadas"]["telemetria"], mensagem="mensagens no ouvinte")
        time.sleep(0.2)
    finally:
        ouvinte.disconnect()
        ouvinte.loop_stop()
    assert conexoes == 60 and linhas_durante - linhas_antes <= 2  # the scheduler and one network thread
    assert estat["erros"] == 0 and estat["contagem"].get("desconexoes", 0) == 0
    contagem = {}
    while not recebidas.empty():
        maquina_id = recebidas.get()
        contagem[maquina_id] = contagem.get(maquina_id, 0) + 1
    assert contagem == estat["por_maquina"] and min(contagem.values()) >= 2


def test_via_http_o_app_guarda_o_que_o_simulador_enviou(app, servicos, atores):
    servidor = make_server("127.0.0.1", 0, app, threaded=True)
    linha = threading.Thread(target=servidor.serve_forever, daemon=True)
    linha.start()
    try:
        maquinas = [atores.maquina(), atores.maquina()]
        sim = Simulador([(m["id"], m["token"]) for m in maquinas], via="http", intervalo=0.1,
                        url=f"http://127.0.0.1:{servidor.port}", iniciadas=True)
        sim.iniciar()
        time.sleep(1.0)
        estat = sim.parar()
    finally:
        servidor.shutdown()
        servidor.server_close()
        linha.join(5)
    assert estat["erros"] == 0 and min(estat["por_maquina"].values()) >= 5
    assert {m["id"]: contar_leituras(servicos, m["id"]) for m in maquinas} == estat["por_maquina"]


# ---- main.py simular ------------------------------------------------------------------------
@pytest.fixture
def console_simulador(tmp_path, mosquitto, servicos_com_login_no_mosquitto):
    """Run `main.py simular` in-process against the fixture's broker; returns (code, output, servicos, cfg)."""
    servicos = servicos_com_login_no_mosquitto
    cfg = dict(mosquitto.config_app(), DATA_DIR=str(tmp_path))

    def rodar(*argv):
        saida = io.StringIO()
        codigo = main.executar(["simular", "--duracao", "0.3", "--intervalo", "0.1", *argv],
                               servicos=servicos, cfg=cfg, saida=saida)
        return codigo, saida.getvalue()
    rodar.servicos, rodar.arquivo = servicos, Path(tmp_path) / "simulador.json"
    return rodar


@pytest.mark.mosquitto
def test_simular_reaproveita_as_maquinas_na_segunda_execucao(console_simulador):
    codigo, saida = console_simulador("--maquinas", "2")
    assert codigo == 0, saida
    assert "2 criadas agora" in saida and "Simulação encerrada" in saida
    assert stat.S_IMODE(console_simulador.arquivo.stat().st_mode) == 0o600
    primeiras = [m["id"] for m in console_simulador.servicos.maquinas.listar_todas()]

    codigo, saida = console_simulador("--maquinas", "3")
    assert codigo == 0 and "1 criadas agora, 2 reaproveitadas" in saida
    todas = [m["id"] for m in console_simulador.servicos.maquinas.listar_todas()]
    assert len(todas) == 3 and todas[:2] == primeiras
    assert [m["id"] for m in json.loads(console_simulador.arquivo.read_text())["maquinas"]] == todas


@pytest.mark.mosquitto
def test_simular_com_usuario_poe_as_maquinas_no_painel_dele(console_simulador):
    servicos = console_simulador.servicos
    assert console_simulador("--maquinas", "2", "--usuario", "ninguem")[0] == 1
    usuario = servicos.usuarios.criar("ana", "senha-forte-123", "Frigorífico", "ana@exemplo.com")

    codigo, saida = console_simulador("--maquinas", "2", "--usuario", "ana")

    assert codigo == 0, saida
    assert [m["nome_maquina"] for m in servicos.maquinas.listar_do_usuario(usuario["id"])] == ["Simulada 001", "Simulada 002"]


# ---- main.py simular on machines that already exist -------------------------------------------
@pytest.fixture
def simular_no_app(app_mqtt, mosquitto, tmp_path):  # noqa: F811
    """`main.py simular` in-process on the services of an app subscribed to mosquitto (dynsec): what the
    simulated devices send goes through the app's real pipeline."""
    servicos = app_mqtt.extensions["databutcher"]
    cfg = dict(app_mqtt.config, DATA_DIR=str(tmp_path))

    def rodar(*argv, duracao="1.5"):
        saida = io.StringIO()
        codigo = main.executar(["simular", "--duracao", duracao, "--intervalo", "0.2", *argv],
                               servicos=servicos, cfg=cfg, saida=saida)
        return codigo, saida.getvalue()
    rodar.client, rodar.servicos = app_mqtt.test_client(), servicos
    rodar.atores = Atores(rodar.client, servicos)
    return rodar


def _status(simular_no_app, dono, maquina):
    return simular_no_app.client.get(f"/api/machines/{maquina['id']}", headers=dono["headers"]).get_json()["maquina"]["status"]


@pytest.mark.mosquitto
def test_simular_maquina_existente_fala_em_operacao_com_token_novo_que_fica_para_a_proxima(simular_no_app):
    atores, servicos = simular_no_app.atores, simular_no_app.servicos
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)

    codigo, saida = simular_no_app("--maquina", maquina["id"])

    assert codigo == 0, saida
    assert "Token de dispositivo trocado em 1 máquina(s)" in saida and "main.py maquina token" in saida
    esperar(lambda: contar_leituras(servicos, maquina["id"]) >= 5, mensagem="leituras da máquina existente")
    assert _status(simular_no_app, dono, maquina) == "iniciada"  # running by default, as the device said
    leitura = servicos.telemetria.listar(maquina["id"], 1)[0]["dados_sensor"]
    assert leitura["rpm"] > 400 and leitura["tensao"] > 150
    assert atores.enviar_leitura(maquina).status_code == 403  # the old token no longer works

    antes = contar_leituras(servicos, maquina["id"])
    codigo, saida = simular_no_app("--maquina", maquina["id"], "--paradas", duracao="1")
    assert codigo == 0 and "trocado" not in saida  # the token kept in simulador.json logs in again
    esperar(lambda: contar_leituras(servicos, maquina["id"]) > antes, mensagem="leituras da segunda execução")
    esperar(lambda: _status(simular_no_app, dono, maquina) == "parada", mensagem="máquina parada (--paradas)")


@pytest.mark.mosquitto
def test_simular_usuario_faz_falar_todas_as_maquinas_dele_e_so_elas(simular_no_app, capsys):
    atores, servicos = simular_no_app.atores, simular_no_app.servicos
    dono = atores.usuario("joana")
    assert simular_no_app("--usuario", "joana@exemplo.com")[0] == 1
    assert "joana não tem máquinas" in capsys.readouterr().err
    minhas = [atores.maquina_de(dono, "Moedor 1"), atores.maquina_de(dono, "Moedor 2")]
    alheia = atores.maquina()

    codigo, saida = simular_no_app("--usuario", "joana@exemplo.com")

    assert codigo == 0 and "2 máquina(s) existente(s)" in saida, saida
    for maquina in minhas:
        esperar(lambda: contar_leituras(servicos, maquina["id"]) >= 3, mensagem="leituras de cada máquina dela")
        assert _status(simular_no_app, dono, maquina) == "iniciada"
    assert contar_leituras(servicos, alheia["id"]) == 0
    assert atores.enviar_leitura(alheia).status_code == 201  # nobody else's token was touched


@pytest.mark.mosquitto
def test_simular_recusa_maquina_online_sem_trocar_token_e_nada_muda(simular_no_app, mosquitto, capsys):
    from dispositivo import DispositivoSimulado

    atores, servicos = simular_no_app.atores, simular_no_app.servicos
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    dispositivo = DispositivoSimulado(mosquitto.porta, maquina["id"], maquina["token"])
    try:
        dispositivo.publicar_status("parada")
        esperar(lambda: servicos.maquinas.esta_online(servicos.maquinas.buscar(maquina["id"])), mensagem="online")

        assert simular_no_app("--maquina", maquina["id"])[0] == 1
        erro = capsys.readouterr().err
        assert "está online" in erro and "--trocar-token" in erro
        assert atores.enviar_leitura(maquina).status_code == 201  # the real device's token still works
        assert simular_no_app("--maquina", "000000000000000000000000")[0] == 1
        assert "000000000000000000000000 não encontrada" in capsys.readouterr().err
    finally:
        dispositivo.fechar()


@pytest.mark.mosquitto
def test_demo_semeia_e_depois_as_maquinas_falam_pelo_broker(app_mqtt, tmp_path):  # noqa: F811
    servicos = app_mqtt.extensions["databutcher"]
    atores = Atores(app_mqtt.test_client(), servicos)
    atores.usuario("rita")
    saida = io.StringIO()
    codigo = main.executar(["demo", "--usuario", "rita@exemplo.com", "--maquinas", "2", "--dias", "1",
                            "--duracao", "1.5", "--intervalo", "0.2"],
                           servicos=servicos, cfg=dict(app_mqtt.config, DATA_DIR=str(tmp_path)), saida=saida)
    assert codigo == 0, saida.getvalue()
    assert "Demo 01 vai superaquecer" in saida.getvalue() and "Erros: 0;" in saida.getvalue()
    demo = {m["nome_maquina"]: m for m in servicos.maquinas.listar_todas()}
    recentes = lambda m: servicos.telemetria.listar(m["id"], 5, desde=agora_utc() - timedelta(seconds=30))  # noqa: E731
    for maquina in demo.values():
        esperar(lambda: len(recentes(maquina)) >= 3, mensagem="leituras ao vivo depois da semeadura")
    # ready to overheat: it runs at the highest maximum a start allows, so the alarm comes before the trip
    assert servicos.maquinas.buscar(demo["Demo 01"]["id"])["configuracoes"]["temperatura"] == 120
