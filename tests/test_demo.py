"""`main.py demo`: a user's machines with a week of history, so every page has something to show at once.

On the embedded nx-27017 (the store a new user has, and the one the seeding must be quick on), in memory.
"""
import io
import time
import uuid
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from pymongo import MongoClient

import main
from app import create_app
from conftest import CONFIG_TESTE
from MongoDB.gerencia_BD import agora_utc
from nucleo import contrato

pytestmark = pytest.mark.embutido


@pytest.fixture
def app(nx_27017, tmp_path):
    cliente = MongoClient(nx_27017.uri, tz_aware=True)
    nome_banco = f"demo_{uuid.uuid4().hex[:10]}"
    aplicacao = create_app(dict(CONFIG_TESTE, DB_NAME=nome_banco, QRCODE_DIR=str(tmp_path / "qr")), mongo_client=cliente)
    yield aplicacao
    aplicacao.extensions["databutcher"].encerrar()
    cliente.drop_database(nome_banco)
    cliente.close()


@pytest.fixture
def demo(app, servicos, tmp_path):
    """Run `main.py demo` in-process on the app's services; returns (code, output)."""
    cfg = dict(app.config, DATA_DIR=str(tmp_path))

    def rodar(*argv):
        saida = io.StringIO()
        codigo = main.executar(["demo", *argv], servicos=servicos, cfg=cfg, saida=saida)
        return codigo, saida.getvalue()
    return rodar


def _consulta(client, dono, caminho, **parametros):
    resposta = client.get(f"{caminho}?{urlencode(parametros)}", headers=dono["headers"])
    assert resposta.status_code == 200, resposta.get_json()
    return resposta.get_json()


def _semana():
    agora = agora_utc()
    return {"desde": (agora - timedelta(days=7)).isoformat(), "ate": agora.isoformat()}


def test_demo_semeia_uma_semana_que_graficos_planta_paradas_e_alarmes_mostram(demo, client, atores):
    dono = atores.usuario("maria")
    inicio = time.monotonic()
    codigo, saida = demo("--usuario", "maria@exemplo.com", "--maquinas", "1", "--sem-simular")
    assert codigo == 0, saida
    assert time.monotonic() - inicio < 30, "semear deve levar segundos"

    maquinas = client.get("/api/machines", headers=dono["headers"]).get_json()["machines"]
    assert sorted(m["nome_maquina"] for m in maquinas) == ["Demo 01"]
    utilizacao = _consulta(client, dono, "/api/utilization", **_semana())["maquinas"]
    assert len(utilizacao) == 1
    for linha in utilizacao:
        assert linha["iniciada_s"] > 24 * 3600 and linha["parada_s"] > 3600, linha
    assert sum(linha["desarmada_s"] for linha in utilizacao) > 0 and sum(linha["offline_s"] for linha in utilizacao) > 0

    estados = []
    for maquina in maquinas:
        intervalos = _consulta(client, dono, f"/api/machines/{maquina['id']}/states", desde=_semana()["desde"])["intervalos"]
        assert len(intervalos) > 20 and intervalos[-1]["estado"] == "iniciada" and intervalos[-1]["fim"] is None
        estados += intervalos
    assert {"iniciada", "parada", "desarmada", "offline"} <= {i["estado"] for i in estados}
    assert {i["motivo"] for i in estados if i["estado"] == "desarmada"} == {"temperatura_acima_do_limite"}

    paradas = _consulta(client, dono, "/api/downtimes", **_semana())["paradas"]
    assert any(p["motivo"] for p in paradas) and any(not p["motivo"] for p in paradas)
    assert all(p["motivo"] in contrato.MOTIVOS_PARADA_PADRAO for p in paradas if p["motivo"])
    assert _consulta(client, dono, "/api/downtimes/pareto", **_semana())["total_s"] > 0

    agora = agora_utc()
    um_dia = _consulta(client, dono, f"/api/sensor-data/{maquinas[0]['id']}/serie",
                       desde=(agora - timedelta(hours=24)).isoformat(), ate=agora.isoformat())
    assert um_dia["fonte"] == "minuto" and sum(1 for p in um_dia["pontos"] if p["n"]) > 200
    semana = _consulta(client, dono, f"/api/sensor-data/{maquinas[0]['id']}/serie", **_semana())
    assert semana["fonte"] == "hora" and sum(1 for p in semana["pontos"] if p["n"]) > 100
    hora = _consulta(client, dono, f"/api/sensor-data/{maquinas[0]['id']}/serie",
                     desde=(agora - timedelta(hours=1)).isoformat(), ate=agora.isoformat())
    assert hora["fonte"] == "bruto" and sum(1 for p in hora["pontos"] if p["n"]) > 100

    alarmes = _consulta(client, dono, "/api/alarms", **_semana())["alarmes"]
    assert {"temperatura_alta", "offline"} <= {a["tipo"] for a in alarmes}
    assert all(a["estado"] == "normalizado" and a["reconhecido"] for a in alarmes)


def test_segunda_demo_nao_semeia_de_novo(demo, servicos, atores):
    atores.usuario("maria")
    assert demo("--usuario", "maria", "--maquinas", "2", "--dias", "1", "--sem-simular")[0] == 0
    intervalos = servicos.bd.colecao("intervalos_estado").count_documents({})

    codigo, saida = demo("--usuario", "maria", "--maquinas", "2", "--dias", "1", "--sem-simular")

    assert codigo == 0 and "nada é semeado de novo" in saida
    assert len(servicos.maquinas.listar_todas()) == 2
    assert servicos.bd.colecao("intervalos_estado").count_documents({}) == intervalos


def test_demo_pede_um_usuario_que_exista(demo, atores, capsys):
    assert demo("--sem-simular")[0] == 1
    assert "Nenhum usuário cadastrado" in capsys.readouterr().err
    assert demo("--usuario", "ninguem@exemplo.com", "--sem-simular")[0] == 1
    assert "ninguem@exemplo.com não encontrado" in capsys.readouterr().err
    atores.usuario("ana")
    atores.usuario("bia")
    assert demo("--sem-simular")[0] == 1
    assert "--usuario" in capsys.readouterr().err
