"""The plant API as a client sees it: states, utilization (JSON and CSV), downtimes, Pareto, shifts and reasons;
owner-scoped (another user's machine is 404) and refusing what makes no sense with 400 naming the field."""
import csv
import io
from datetime import timedelta

import pytest

from conftest import aplicar_estado_agora, assert_envelope
from MongoDB.gerencia_BD import agora_utc

DESARME = {"motivo": "temperatura_acima_do_limite", "valor": 27.8, "limite": 20.0}


@pytest.fixture
def fabrica(atores, servicos):
    """An owner with a machine that ran, tripped for 20 min and runs again (the last two hours)."""
    dona = atores.usuario()
    maquina = atores.maquina_de(dona, "Moedor")
    inicio = agora_utc() - timedelta(hours=2)
    aplicar_estado_agora(servicos, maquina["id"], "iniciada", inicio)
    aplicar_estado_agora(servicos, maquina["id"], "desarmada", inicio + timedelta(minutes=30), **DESARME)
    aplicar_estado_agora(servicos, maquina["id"], "iniciada", inicio + timedelta(minutes=50))
    return {"dona": dona, "maquina": maquina, "inicio": inicio, "intruso": atores.usuario()}


def _consulta(fabrica):
    return {"desde": fabrica["inicio"].isoformat(), "ate": (fabrica["inicio"] + timedelta(hours=3)).isoformat()}


def test_estados_da_maquina_com_o_aberto_sem_fim(client, fabrica):
    resposta = client.get(f"/api/machines/{fabrica['maquina']['id']}/states", headers=fabrica["dona"]["headers"],
                          query_string=_consulta(fabrica))
    assert resposta.status_code == 200
    intervalos = resposta.get_json()["intervalos"]
    assert [(i["estado"], i["motivo"]) for i in intervalos] == [
        ("iniciada", None), ("desarmada", "temperatura_acima_do_limite"), ("iniciada", None)]
    assert set(intervalos[0]) == {"estado", "inicio", "fim", "motivo"}
    assert intervalos[0]["fim"] == intervalos[1]["inicio"] and intervalos[-1]["fim"] is None


def test_maquina_de_outro_usuario_da_404_em_tudo_que_e_dela(client, fabrica, servicos):
    maquina_id, intruso = fabrica["maquina"]["id"], fabrica["intruso"]["headers"]
    assert_envelope(client.get(f"/api/machines/{maquina_id}/states", headers=intruso), 404)
    assert_envelope(client.get("/api/downtimes", headers=intruso, query_string={"maquina_id": maquina_id}), 404)
    [parada] = client.get("/api/downtimes", headers=fabrica["dona"]["headers"]).get_json()["paradas"]
    assert_envelope(client.put(f"/api/downtimes/{parada['parada_id']}", headers=intruso, json={"motivo": "setup"}), 404)
    alheia = client.get("/api/utilization", headers=intruso).get_json()
    assert alheia["maquinas"] == [] and alheia["planta"]["iniciada_s"] == 0
    assert client.get("/api/downtimes/pareto", headers=intruso).get_json() == {"total_s": 0.0, "motivos": []}


def test_utilizacao_em_json_e_csv(client, fabrica):
    cabecalhos, consulta = fabrica["dona"]["headers"], _consulta(fabrica)
    resposta = client.get("/api/utilization", headers=cabecalhos, query_string=consulta)
    assert resposta.status_code == 200
    [linha] = resposta.get_json()["maquinas"]
    assert set(linha) == {"maquina_id", "nome_maquina", "iniciada_s", "parada_s", "desarmada_s", "offline_s",
                          "disponibilidade"}
    assert (linha["nome_maquina"], linha["desarmada_s"], linha["parada_s"]) == ("Moedor", 1200.0, 0.0)
    assert linha["iniciada_s"] == pytest.approx(6000, abs=5) and linha["disponibilidade"] == pytest.approx(6000 / 7200, abs=0.01)
    assert resposta.get_json()["planta"]["desarmada_s"] == 1200.0
    exportado = client.get("/api/utilization/export", headers=cabecalhos, query_string=consulta)
    assert exportado.mimetype == "text/csv" and "attachment" in exportado.headers["Content-Disposition"]
    linhas = list(csv.DictReader(io.StringIO(exportado.get_data(as_text=True).lstrip("\ufeff"))))
    assert [l["maquina_id"] for l in linhas] == [fabrica["maquina"]["id"], "planta"] and linhas[0]["desarmada_s"] == "1200.0"


def test_paradas_rotular_e_pareto_pela_api(client, fabrica, servicos):
    cabecalhos, maquina_id = fabrica["dona"]["headers"], fabrica["maquina"]["id"]
    [parada] = client.get("/api/downtimes", headers=cabecalhos, query_string={"maquina_id": maquina_id}).get_json()["paradas"]
    assert (parada["estado"], parada["desarme"], parada["duracao_s"], parada["motivo"]) == ("desarmada", DESARME, 1200.0, None)
    registro = client.post("/api/manual-log", headers=cabecalhos, json={"maquina_id": maquina_id, "descricao": "Ventilador"})
    corpo = {"motivo": "quebra", "nota": "ventilador travado", "registro_id": registro.get_json()["registro_id"]}
    rotulada = client.put(f"/api/downtimes/{parada['parada_id'].upper()}", headers=cabecalhos, json=corpo)
    assert rotulada.status_code == 200 and rotulada.get_json()["parada"] | corpo == rotulada.get_json()["parada"]
    assert client.get("/api/downtimes/pareto", headers=cabecalhos).get_json()["motivos"] == [
        {"motivo": "quebra", "total_s": 1200.0, "contagem": 1, "fracao": 1.0}]
    assert assert_envelope(client.put(f"/api/downtimes/{parada['parada_id']}", headers=cabecalhos,
                                      json={"motivo": "não está na lista"}), 400)["campo"] == "motivo"
    exportado = client.get("/api/downtimes/export", headers=cabecalhos).get_data(as_text=True)
    assert "quebra" in exportado and "ventilador travado" in exportado


def test_turnos_e_motivos_do_dono_pela_api(client, fabrica):
    cabecalhos = fabrica["dona"]["headers"]
    assert [t["nome"] for t in client.get("/api/auth/shifts", headers=cabecalhos).get_json()["turnos"]] == ["A", "B", "C"]
    novos = [{"nome": "Dia", "inicio": "07:00", "fim": "19:00"}, {"nome": "Noite", "inicio": "19:00", "fim": "07:00"}]
    assert client.put("/api/auth/shifts", headers=cabecalhos, json={"turnos": novos}).get_json() == {"turnos": novos}
    assert client.get("/api/auth/shifts", headers=cabecalhos).get_json() == {"turnos": novos}
    assert client.get("/api/utilization", headers=cabecalhos, query_string={"turno": "Noite"}).status_code == 200
    assert assert_envelope(client.get("/api/utilization", headers=cabecalhos, query_string={"turno": "A"}), 400)["campo"] == "turno"
    assert assert_envelope(client.put("/api/auth/shifts", headers=cabecalhos,
                                      json={"turnos": [{"nome": "X", "inicio": "25:00", "fim": "07:00"}]}), 400)["campo"] == "inicio"
    motivos = ["setup", "limpeza"]
    assert client.put("/api/auth/downtime-reasons", headers=cabecalhos, json={"motivos": motivos}).get_json() == {"motivos": motivos}
    assert client.get("/api/auth/downtime-reasons", headers=cabecalhos).get_json() == {"motivos": motivos}
    assert_envelope(client.put("/api/auth/downtime-reasons", headers=cabecalhos, json={"motivos": ["a", "A"]}), 400)
    assert client.get("/api/auth/shifts", headers=fabrica["intruso"]["headers"]).get_json()["turnos"][0]["nome"] == "A"


def test_periodos_invertidos_ou_longos_demais_dao_400(client, fabrica):
    cabecalhos, maquina_id = fabrica["dona"]["headers"], fabrica["maquina"]["id"]
    agora = agora_utc()
    invertido = {"desde": agora.isoformat(), "ate": (agora - timedelta(hours=1)).isoformat()}
    longo = {"desde": (agora - timedelta(days=100)).isoformat(), "ate": agora.isoformat()}
    for url in (f"/api/machines/{maquina_id}/states", "/api/utilization", "/api/downtimes", "/api/downtimes/pareto"):
        for consulta in (invertido, longo):
            assert assert_envelope(client.get(url, headers=cabecalhos, query_string=consulta), 400)["campo"] == "desde", url
