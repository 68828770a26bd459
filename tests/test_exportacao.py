"""History export: CSV streamed in order, in the operator's zone, owner only."""
import csv
import io
import time
from datetime import timedelta

import pytest

from conftest import LEITURA, assert_envelope
from MongoDB.gerencia_BD import agora_utc
from nucleo import validacao


def test_exporta_csv_do_intervalo_em_ordem_com_horario_local(client, atores):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono, nome="Moedor <1>")
    base = agora_utc().replace(microsecond=0) - timedelta(hours=2)
    leituras = [dict(LEITURA, rpm=1000 + i, ts=(base + timedelta(minutes=i)).isoformat(), seq=i) for i in range(30)]
    client.post("/api/sensor-data", json={"maquina_id": maquina["id"], "leituras": leituras},
                headers={"Authorization": f"Bearer {maquina['token']}"})
    resposta = client.get(f"/api/sensor-data/{maquina['id']}/export", headers=dono["headers"], query_string={
        "desde": (base + timedelta(minutes=10)).isoformat(), "ate": (base + timedelta(minutes=19)).isoformat(),
        "format": "csv"})
    assert resposta.status_code == 200 and resposta.mimetype == "text/csv"
    assert resposta.is_streamed
    assert 'filename="leituras_Moedor__1_.csv"' in resposta.headers["Content-Disposition"]
    linhas = list(csv.DictReader(io.StringIO(resposta.get_data(as_text=True).lstrip("\ufeff"))))
    assert [int(float(linha["rpm"])) for linha in linhas] == list(range(1010, 1020))
    primeira = linhas[0]
    assert primeira["timestamp_utc"] == (base + timedelta(minutes=10)).isoformat(timespec="milliseconds")
    assert primeira["horario_local"].endswith("-03:00") and primeira["seq"] == "10"


def test_exportacao_recusa_formato_desconhecido_e_maquina_alheia(client, atores):
    dono, intruso = atores.usuario(), atores.usuario()
    maquina = atores.maquina_de(dono)
    url = f"/api/sensor-data/{maquina['id']}/export"
    assert_envelope(client.get(url, headers=dono["headers"], query_string={"format": "xlsx"}), 400)
    assert_envelope(client.get(url, headers=intruso["headers"]), 404)


class ColecaoEspia:
    """Counts the queries a manager sends to its collection, forwarding everything else."""

    def __init__(self, colecao):
        self._colecao, self.consultas = colecao, 0

    def find(self, *args, **kwargs):
        self.consultas += 1
        return self._colecao.find(*args, **kwargs)

    def find_one(self, *args, **kwargs):
        self.consultas += 1
        return self._colecao.find_one(*args, **kwargs)

    def __getattr__(self, nome):
        return getattr(self._colecao, nome)


def _leituras_espacadas(atores, maquina, inicio, quantas, intervalo):
    leituras = [dict(LEITURA, ts=(inicio + intervalo * i).isoformat()) for i in range(quantas)]
    resposta = atores.client.post("/api/sensor-data", json={"maquina_id": maquina["id"], "leituras": leituras},
                                  headers={"Authorization": f"Bearer {maquina['token']}"})
    assert resposta.status_code == 201, resposta.get_json()


def _csv(resposta):
    return list(csv.DictReader(io.StringIO(resposta.get_data(as_text=True).lstrip("\ufeff"))))


def test_exportacao_ate_o_fim_do_ano_9999_termina_com_um_csv_vazio(client, atores):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    resposta = client.get(f"/api/sensor-data/{maquina['id']}/export", headers=dono["headers"],
                          query_string={"ate": "9999-12-31T23:59:59Z"})
    assert resposta.status_code == 200 and _csv(resposta) == []


def test_exportacao_mais_longa_que_o_maximo_e_recusada_na_hora(client, atores, app):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    url = f"/api/sensor-data/{maquina['id']}/export"
    antes = time.monotonic()
    resposta = client.get(url, headers=dono["headers"], query_string={"desde": "2000-01-01T00:00:00Z",
                                                                      "ate": "9999-12-30T00:00:00Z"})
    assert assert_envelope(resposta, 400)["campo"] == "desde" and time.monotonic() - antes < 1
    dias = app.config["EXPORTACAO_DIAS_MAXIMOS"]
    ate = agora_utc()
    longo = {"desde": (ate - timedelta(days=dias, seconds=1)).isoformat(), "ate": ate.isoformat()}
    assert_envelope(client.get(url, headers=dono["headers"], query_string=longo), 400)
    no_limite = {"desde": (ate - timedelta(days=dias)).isoformat(), "ate": ate.isoformat()}
    assert client.get(url, headers=dono["headers"], query_string=no_limite).status_code == 200


def test_um_longo_periodo_sem_leituras_custa_uma_consulta(servicos, atores):
    maquina = atores.maquina()
    inicio = agora_utc() - timedelta(days=34)  # within raw retention (mongomock applies the TTL index)
    for momento in (inicio, agora_utc() - timedelta(minutes=1)):
        servicos.telemetria.inserir(maquina["id"], {"dados_sensor": dict(LEITURA), "ts": momento, "seq": None})
    espia = servicos.telemetria.colecao = ColecaoEspia(servicos.telemetria.colecao)
    lidas = list(servicos.telemetria.percorrer(maquina["id"], inicio - timedelta(days=1), agora_utc()))
    assert len(lidas) == 2
    assert espia.consultas <= 5  # seek, window, one seek across the 34 empty days, window, seek: the end


def test_cliente_que_sai_no_meio_da_exportacao_encerra_as_consultas(client, atores, servicos):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    # One reading every 7 hours: each falls in a window (and queries) of its own.
    _leituras_espacadas(atores, maquina, agora_utc() - timedelta(days=20), 60, timedelta(hours=7))
    espia = servicos.telemetria.colecao = ColecaoEspia(servicos.telemetria.colecao)
    resposta = client.get(f"/api/sensor-data/{maquina['id']}/export", headers=dono["headers"], buffered=False)
    pedacos = iter(resposta.response)
    for _ in range(3):
        next(pedacos)
    resposta.close()
    consultas_ao_sair = espia.consultas
    assert consultas_ao_sair < 20
    with pytest.raises(StopIteration):
        next(pedacos)
    assert espia.consultas == consultas_ao_sair
