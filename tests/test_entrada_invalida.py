"""Bad input anywhere: one envelope, a 4xx, nothing stored, never a 500."""
import pytest

from conftest import assert_envelope


@pytest.fixture
def contexto(atores):
    dono = atores.usuario()
    return {"dono": dono, "maquina": atores.maquina_de(dono)}


def _rotas_com_corpo(contexto):
    maquina_id = contexto["maquina"]["id"]
    autenticado = contexto["dono"]["headers"]
    dispositivo = {"Authorization": f"Bearer {contexto['maquina']['token']}"}
    return [
        ("/api/auth/register", {}), ("/api/auth/login", {}), ("/api/machines", autenticado),
        ("/api/sensor-data", dispositivo), ("/api/manual-log", autenticado),
        (f"/api/machines/{maquina_id}/start", autenticado),
    ]


def test_corpo_que_nao_e_json_da_415_e_json_quebrado_da_400(client, contexto):
    for rota, cabecalhos in _rotas_com_corpo(contexto):
        assert_envelope(client.post(rota, data="tensao=1", headers=cabecalhos,
                                    content_type="application/x-www-form-urlencoded"), 415)
        assert_envelope(client.post(rota, data="{quebrado", headers=cabecalhos, content_type="application/json"), 400)
        assert_envelope(client.post(rota, json=[1, 2], headers=cabecalhos), 400)


def test_corpo_grande_demais_da_413(client, contexto, app):
    enorme = '{"descricao": "' + "x" * (app.config["MAX_CONTENT_LENGTH"] + 10) + '"}'
    for rota, cabecalhos in _rotas_com_corpo(contexto):
        assert_envelope(client.post(rota, data=enorme, headers=cabecalhos, content_type="application/json"), 413)


def test_operadores_do_mongo_em_qualquer_campo_dao_400(client, contexto):
    ataque = {"$ne": None}
    dono = contexto["dono"]["headers"]
    assert_envelope(client.post("/api/auth/login", json={"nome_usuario": ataque, "senha": ataque}), 401)
    assert_envelope(client.post("/api/machines", headers=dono,
                                json={"codigo": ataque, "segredo": "x", "nome_maquina": "x"}), 400)
    assert_envelope(client.post("/api/machines", headers=dono,
                                json={"codigo": contexto["maquina"]["id"], "segredo": ataque, "nome_maquina": "x"}), 400)
    assert_envelope(client.post("/api/manual-log", headers=dono,
                                json={"maquina_id": contexto["maquina"]["id"], "descricao": ataque}), 400)
    assert_envelope(client.post("/api/sensor-data", json={"maquina_id": ataque},
                                headers={"Authorization": f"Bearer {contexto['maquina']['token']}"}), 400)


def test_rota_inexistente_e_metodo_errado_usam_o_envelope(client):
    assert_envelope(client.get("/api/nao-existe"), 404)
    metodo_errado = client.put("/api/health")
    assert_envelope(metodo_errado, 405)
    assert set(metodo_errado.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_erro_inesperado_vira_500_sem_detalhes(client, app, contexto, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("segredo interno: mongodb://usuario:senha@host")
    monkeypatch.setattr(app.extensions["databutcher"].maquinas, "listar_do_usuario", explode)
    resposta = client.get("/api/machines", headers=contexto["dono"]["headers"])
    corpo = assert_envelope(resposta, 500)
    assert "segredo interno" not in resposta.get_data(as_text=True) and corpo["error"] == "Internal Server Error"
