"""The app's MQTT subscriber against a real mosquitto, with a simulated device."""
import time
import uuid

import mongomock
import pytest

from app import create_app
from conftest import CONFIG_TESTE, LEITURA, Atores, assert_envelope, contar_leituras
from dispositivo import DispositivoSimulado

pytestmark = pytest.mark.mosquitto


def esperar(condicao, segundos=10.0, mensagem="condição"):
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        resultado = condicao()
        if resultado:
            return resultado
        time.sleep(0.05)
    raise AssertionError(f"{mensagem} não aconteceu em {segundos}s")


@pytest.fixture
def app_mqtt(mosquitto):
    config = dict(CONFIG_TESTE, **mosquitto.config_app(), MQTT_CLIENT_ID=f"teste-{uuid.uuid4().hex[:8]}")
    app = create_app(config, mongo_client=mongomock.MongoClient(tz_aware=True))
    mqtt = app.extensions["mqtt"]
    esperar(mqtt.client.is_connected, mensagem="conexão do app ao mosquitto")
    esperar(lambda: app.extensions["databutcher"].contadores.como_dict().get("conexoes"), mensagem="assinaturas")
    yield app
    mqtt.client.disconnect()
    mqtt.client.loop_stop()
    app.extensions["databutcher"].encerrar()


@pytest.fixture
def cenario(app_mqtt, mosquitto):
    client = app_mqtt.test_client()
    atores = Atores(client, app_mqtt.extensions["databutcher"])
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    dispositivo = DispositivoSimulado(mosquitto.porta, maquina["id"], maquina["token"])
    yield {"client": client, "dono": dono, "maquina": maquina, "dispositivo": dispositivo,
           "servicos": app_mqtt.extensions["databutcher"], "app": app_mqtt}
    dispositivo.fechar()


def _maquina(cenario):
    resposta = cenario["client"].get(f"/api/machines/{cenario['maquina']['id']}", headers=cenario["dono"]["headers"])
    return resposta.get_json()["maquina"]


def test_status_e_telemetria_do_dispositivo_chegam_ao_banco(cenario):
    cenario["dispositivo"].publicar_status("iniciada")
    esperar(lambda: _maquina(cenario)["status"] == "iniciada", mensagem="status iniciada")
    assert _maquina(cenario)["online"] is True
    cenario["dispositivo"].publicar("telemetria", dict(LEITURA, rpm=1777))
    esperar(lambda: contar_leituras(cenario["servicos"], cenario["maquina"]["id"]) == 1, mensagem="leitura guardada")
    assert cenario["servicos"].telemetria.listar(cenario["maquina"]["id"])[0]["dados_sensor"]["rpm"] == 1777.0


def test_mensagem_malformada_nao_derruba_o_assinante(cenario):
    dispositivo = cenario["dispositivo"]
    dispositivo.publicar("telemetria", b"\x00\xff lixo")
    dispositivo.publicar("status", b'{"state": 42}')
    dispositivo.publicar("telemetria", dict(LEITURA, temperatura=77.0))
    esperar(lambda: contar_leituras(cenario["servicos"], cenario["maquina"]["id"]) == 1, mensagem="leitura válida depois do lixo")
    contagem = cenario["app"].extensions["databutcher"].contadores.como_dict()
    assert contagem["descartadas"] == 2
    assert cenario["app"].extensions["mqtt"].client.is_connected()


def test_start_e_stop_chegam_ao_dispositivo_e_sao_confirmados(cenario):
    client, cabecalhos, maquina_id = cenario["client"], cenario["dono"]["headers"], cenario["maquina"]["id"]
    cenario["dispositivo"].publicar_status("parada")
    esperar(lambda: _maquina(cenario)["online"], mensagem="máquina online")

    resposta = client.post(f"/api/machines/{maquina_id}/start", headers=cabecalhos,
                           json={"voltagem": 380, "velocidade": 1750, "temperatura": 90})
    assert resposta.status_code == 202, resposta.get_json()
    comando = cenario["dispositivo"].comandos.get(timeout=10)
    assert comando["comando"] == "start"
    assert comando["parametros"] == {"voltagem": 380.0, "velocidade": 1750.0, "temperatura": 90.0}
    assert comando["id"] == resposta.get_json()["comando"]["comando_id"] and comando["expira_em"] > time.time() * 1000

    def estado_do_comando():
        comandos = client.get(f"/api/machines/{maquina_id}/commands", headers=cabecalhos).get_json()["comandos"]
        return comandos[0]["estado"] == "confirmado"
    esperar(estado_do_comando, mensagem="confirmação do start")
    assert _maquina(cenario)["status"] == "iniciada"

    assert client.post(f"/api/machines/{maquina_id}/stop", headers=cabecalhos).status_code == 202
    assert cenario["dispositivo"].comandos.get(timeout=10)["comando"] == "stop"
    esperar(lambda: _maquina(cenario)["status"] == "parada", mensagem="status parada")


def test_start_fora_dos_limites_da_400_e_nada_e_publicado(cenario):
    cenario["dispositivo"].publicar_status("parada")
    esperar(lambda: _maquina(cenario)["online"], mensagem="máquina online")
    url = f"/api/machines/{cenario['maquina']['id']}/start"
    for campo, valor in (("voltagem", 500), ("velocidade", 100), ("temperatura", "quente")):
        corpo = dict({"voltagem": 220, "velocidade": 1000, "temperatura": 60}, **{campo: valor})
        resposta = cenario["client"].post(url, headers=cenario["dono"]["headers"], json=corpo)
        assert assert_envelope(resposta, 400)["campo"] == campo
    time.sleep(0.3)
    assert cenario["dispositivo"].comandos.empty()


def test_broker_desconectado_da_503_e_nada_fica_na_fila(cenario):
    cenario["dispositivo"].publicar_status("parada")
    esperar(lambda: _maquina(cenario)["online"], mensagem="máquina online")
    mqtt = cenario["app"].extensions["mqtt"]
    mqtt.client.disconnect()
    esperar(lambda: not mqtt.client.is_connected(), mensagem="desconexão")
    resposta = cenario["client"].post(f"/api/machines/{cenario['maquina']['id']}/stop", headers=cenario["dono"]["headers"])
    assert_envelope(resposta, 503)
    comandos = cenario["client"].get(f"/api/machines/{cenario['maquina']['id']}/commands",
                                     headers=cenario["dono"]["headers"]).get_json()["comandos"]
    assert comandos[0]["estado"] == "falhou"
    assert cenario["dispositivo"].comandos.empty()
