"""History export: CSV streamed in order, in the operator's zone, owner only."""
import csv
import io
from datetime import timedelta

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
