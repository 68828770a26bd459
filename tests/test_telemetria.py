"""Telemetry over HTTP: device tokens, validation, idempotency and history queries."""
from datetime import datetime, timedelta, timezone

from conftest import LEITURA, assert_envelope, contar_leituras


def test_leitura_valida_e_guardada_e_vira_heartbeat(client, atores):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    resposta = atores.enviar_leitura(maquina, temperatura=61.5)
    assert resposta.status_code == 201
    leituras = client.get(f"/api/sensor-data/{maquina['id']}", headers=dono["headers"]).get_json()["leituras"]
    assert leituras[0]["sensor_data_id"] == resposta.get_json()["sensor_data_id"]
    assert leituras[0]["dados_sensor"] == {**{k: float(v) for k, v in LEITURA.items()}, "temperatura": 61.5}
    assert leituras[0]["timestamp"].endswith("+00:00")
    detalhe = client.get(f"/api/machines/{maquina['id']}", headers=dono["headers"]).get_json()["maquina"]
    assert detalhe["online"] is True
    assert detalhe["ultima_leitura"]["temperatura"] == 61.5


def test_sem_token_token_alheio_e_maquina_desconhecida(client, atores):
    maquina, outra = atores.maquina(), atores.maquina()
    corpo = {"maquina_id": maquina["id"], **LEITURA}
    assert_envelope(client.post("/api/sensor-data", json=corpo), 401)
    assert_envelope(client.post("/api/sensor-data", json=corpo,
                                headers={"Authorization": f"Bearer {outra['token']}"}), 403)
    # An unknown machine is refused like a wrong token: no id can be probed (tests/test_limites.py).
    assert_envelope(client.post("/api/sensor-data", json={**corpo, "maquina_id": "0123456789abcdef01234567"},
                                headers={"Authorization": f"Bearer {maquina['token']}"}), 403)


def test_campo_invalido_da_400_nomeando_o_campo_e_nada_e_guardado(client, atores, servicos):
    maquina = atores.maquina()
    invalidos = [
        ("tensao", "220"), ("vibracao", None), ("temperatura", 1e308 * 10), ("rpm", -1),
        ("tensao", True), ("rpm", {"$gt": 0}), ("temperatura", 5000), ("ts", "ontem"),
        ("ts", "2026-01-01T10:00:00"), ("seq", -3),
    ]
    for campo, valor in invalidos:
        resposta = atores.enviar_leitura(maquina, **{campo: valor})
        assert assert_envelope(resposta, 400).get("campo") == campo, (campo, valor, resposta.get_json())
    resposta = client.post("/api/sensor-data", json={"maquina_id": maquina["id"], "tensao": 1},
                           headers={"Authorization": f"Bearer {maquina['token']}"})
    assert assert_envelope(resposta, 400)["campo"] == "vibracao"
    assert contar_leituras(servicos, maquina["id"]) == 0


def test_reenvio_com_mesmo_ts_nao_duplica(client, atores, servicos):
    maquina = atores.maquina()
    ts = int(datetime.now(timezone.utc).timestamp() * 1000)
    primeira = atores.enviar_leitura(maquina, ts=ts, seq=7)
    repetida = atores.enviar_leitura(maquina, ts=ts, seq=7)
    assert primeira.status_code == 201 and repetida.status_code == 200
    assert repetida.get_json()["sensor_data_id"] == primeira.get_json()["sensor_data_id"]
    assert contar_leituras(servicos, maquina["id"]) == 1


def test_historico_mais_recente_primeiro_com_limite_e_intervalo(client, atores):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    base = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
    for minuto in range(10):
        momento = (base + timedelta(minutes=minuto)).isoformat()
        assert atores.enviar_leitura(maquina, ts=momento, rpm=1000 + minuto).status_code == 201
    url = f"/api/sensor-data/{maquina['id']}"
    tudo = client.get(url, headers=dono["headers"]).get_json()["leituras"]
    assert [leitura["dados_sensor"]["rpm"] for leitura in tudo] == [1009.0 - i for i in range(10)]
    tres = client.get(url, query_string={"limit": 3}, headers=dono["headers"]).get_json()["leituras"]
    assert len(tres) == 3
    faixa = client.get(url, headers=dono["headers"], query_string={
        "desde": (base + timedelta(minutes=2)).isoformat(), "ate": (base + timedelta(minutes=4)).isoformat()})
    assert [leitura["dados_sensor"]["rpm"] for leitura in faixa.get_json()["leituras"]] == [1004.0, 1003.0, 1002.0]
    for parametros in ({"limit": 0}, {"limit": "muitos"}, {"limit": 5000}, {"desde": "ontem"}):
        assert_envelope(client.get(url, query_string=parametros, headers=dono["headers"]), 400)


def test_historico_de_maquina_alheia_da_404(client, atores):
    dono, intruso = atores.usuario(), atores.usuario()
    maquina = atores.maquina_de(dono)
    atores.enviar_leitura(maquina)
    assert_envelope(client.get(f"/api/sensor-data/{maquina['id']}", headers=intruso["headers"]), 404)
