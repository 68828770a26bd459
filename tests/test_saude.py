"""Health reports the app, the database and the broker."""


def test_saude_com_banco_ok_e_mqtt_desativado(client):
    resposta = client.get("/api/health")
    assert resposta.status_code == 200
    corpo = resposta.get_json()
    assert corpo["status"] == "healthy" and corpo["banco"]["estado"] == "ok" and corpo["mqtt"]["estado"] == "desativado"


def test_saude_degradada_quando_o_banco_nao_responde(client, app, monkeypatch):
    monkeypatch.setattr(app.extensions["databutcher"].bd, "ping", lambda: False)
    resposta = client.get("/api/health")
    assert resposta.status_code == 503 and resposta.get_json()["banco"]["estado"] == "indisponivel"
