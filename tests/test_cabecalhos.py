"""Response headers: an operator's data is never cached, and production insists on HTTPS.

The `Server` header (no version) is checked on the real servers: the development server in
tests/test_app_embutido.py, gunicorn in tests/test_fluxos_gunicorn.py.
"""
import mongomock
import pytest

from app import create_app

from conftest import CONFIG_TESTE


def respostas_autenticadas(client, atores):
    """(path, response) of every GET an operator's browser or script makes with a token."""
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    assert atores.enviar_leitura(maquina).status_code == 201
    client.post("/api/manual-log", headers=dono["headers"], json={"maquina_id": maquina["id"], "descricao": "óleo"})
    caminhos = ["/api/auth/me", "/api/machines", f"/api/machines/{maquina['id']}",
                f"/api/machines/{maquina['id']}/commands", f"/api/sensor-data/{maquina['id']}",
                f"/api/sensor-data/{maquina['id']}/serie", f"/api/sensor-data/{maquina['id']}/export",
                f"/api/manual-log/{maquina['id']}", f"/api/machines/{'f' * 24}"]
    return [(caminho, client.get(caminho, headers=dono["headers"])) for caminho in caminhos]


def test_nenhuma_resposta_autenticada_da_api_nem_o_csv_podem_ser_guardados_em_cache(client, atores):
    respostas = respostas_autenticadas(client, atores)
    assert [r.status_code for _, r in respostas] == [200] * 8 + [404]
    assert {caminho: r.headers.get("Cache-Control") for caminho, r in respostas} == {
        caminho: "no-store" for caminho, _ in respostas}
    exportacao = dict(respostas)[next(c for c, _ in respostas if c.endswith("/export"))]
    assert exportacao.mimetype == "text/csv"


def test_desenvolvimento_nao_manda_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/api/health").headers


@pytest.fixture
def app_producao():
    aplicacao = create_app(dict(CONFIG_TESTE, DATABUTCHER_ENV="production"),
                           mongo_client=mongomock.MongoClient(tz_aware=True))
    yield aplicacao
    aplicacao.extensions["databutcher"].encerrar()


def test_producao_manda_hsts_em_paginas_api_e_erros(app_producao):
    client = app_producao.test_client()
    for caminho in ("/entrar", "/api/health", "/api/machines", "/nao-existe"):
        assert client.get(caminho).headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
