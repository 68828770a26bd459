"""State history, trips and truthful commands through real MQTT status messages on mosquitto: a device logged in
as its machine, and the simulator started from the API until it trips on temperature."""
import json
import time

import pytest

from conftest import Atores
from dispositivo import DispositivoSimulado
from mqtt.contrato import topico
from simulador.simulador import Simulador
from test_mqtt_integracao import app_mqtt, esperar  # noqa: F401  (fixture)

pytestmark = pytest.mark.mosquitto


@pytest.fixture
def fabrica(app_mqtt):  # noqa: F811
    client = app_mqtt.test_client()
    atores = Atores(client, app_mqtt.extensions["databutcher"])
    dono = atores.usuario()
    return {"client": client, "dono": dono, "maquina": atores.maquina_de(dono, "Moedor")}


def _estados(fabrica, desde_ms):
    resposta = fabrica["client"].get(f"/api/machines/{fabrica['maquina']['id']}/states",
                                     headers=fabrica["dono"]["headers"], query_string={"desde": desde_ms})
    return resposta.get_json()["intervalos"]


def test_status_do_dispositivo_viram_intervalos_na_hora_que_ele_diz_e_o_last_will_abre_offline(fabrica, mosquitto):
    maquina = fabrica["maquina"]
    dispositivo = DispositivoSimulado(mosquitto.porta, maquina["id"], maquina["token"], responder=False)
    t0 = int(time.time() * 1000) - 60_000
    parametros = {"voltagem": 380, "velocidade": 1750, "temperatura": 20}
    for carga in ({"state": "iniciada", "ts": t0, "parametros": parametros},
                  {"state": "desarmada", "ts": t0 + 20_000, "motivo": "temperatura_acima_do_limite", "valor": 27.8,
                   "limite": 20, "parametros": parametros},
                  {"state": "parada", "ts": t0 + 40_000, "parametros": parametros}):
        dispositivo.publicar_em(topico(maquina["id"], "status"), json.dumps(carga).encode(), retain=True)
    intervalos = esperar(lambda: (lambda lista: lista if len(lista) == 3 else None)(_estados(fabrica, t0)),
                         mensagem="três intervalos")
    assert [(i["estado"], i["motivo"]) for i in intervalos] == [
        ("iniciada", None), ("desarmada", "temperatura_acima_do_limite"), ("parada", None)]
    assert intervalos[1]["inicio"].startswith(time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime((t0 + 20_000) / 1000)))
    maquina_api = fabrica["client"].get(f"/api/machines/{maquina['id']}", headers=fabrica["dono"]["headers"]).get_json()
    assert maquina_api["maquina"]["configuracoes"] == {"voltagem": 380.0, "velocidade": 1750.0, "temperatura": 20.0}

    dispositivo.cliente.loop_stop()
    dispositivo.cliente.socket().close()  # pulled the plug: no DISCONNECT, so the broker publishes the Last Will
    ultimo = esperar(lambda: (lambda lista: lista[-1] if lista[-1]["estado"] == "offline" else None)(_estados(fabrica, t0)),
                     mensagem="offline pelo Last Will")
    assert ultimo["fim"] is None and [i["estado"] for i in _estados(fabrica, t0)] == ["iniciada", "desarmada", "parada", "offline"]


def test_partida_que_desarma_no_simulador_fica_no_comando_e_no_historico(fabrica, mosquitto):
    client, cabecalhos, maquina = fabrica["client"], fabrica["dono"]["headers"], fabrica["maquina"]
    sim = Simulador([(maquina["id"], maquina["token"])], via="mqtt", intervalo=0.2, porta=mosquitto.porta, semente=3).iniciar()
    try:
        esperar(lambda: client.get(f"/api/machines/{maquina['id']}", headers=cabecalhos).get_json()["maquina"]["online"],
                mensagem="máquina online")
        desde = int(time.time() * 1000) - 1000
        # 20 °C maximum in a 25 °C room: it starts, and trips at once
        resposta = client.post(f"/api/machines/{maquina['id']}/start", headers=cabecalhos,
                               json={"voltagem": 380, "velocidade": 1750, "temperatura": 20})
        assert resposta.status_code == 202, resposta.get_json()
        comando = esperar(lambda: next((c for c in client.get(f"/api/machines/{maquina['id']}/commands", headers=cabecalhos)
                                        .get_json()["comandos"] if c["estado"] == "desarmou"), None), mensagem="desarmou")
        assert comando["desarme"]["motivo"] == "temperatura_acima_do_limite"
        assert comando["desarme"]["limite"] == 20 and comando["desarme"]["valor"] > 20
        estados = [(i["estado"], i["motivo"]) for i in _estados(fabrica, desde)]
        assert estados[-2:] == [("iniciada", None), ("desarmada", "temperatura_acima_do_limite")], estados
        doc = client.get(f"/api/machines/{maquina['id']}", headers=cabecalhos).get_json()["maquina"]
        assert doc["status"] == "desarmada" and doc["desarme"]["motivo"] == "temperatura_acima_do_limite"
    finally:
        sim.parar()
