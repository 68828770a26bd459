"""Operations: /metrics for Prometheus behind a token, and JSON log lines for a log collector."""
import json
import subprocess
import sys
import time
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from conftest import assert_envelope
from test_eventos import abrir_fluxo

TOKEN = "token-do-prometheus-" + "p" * 30


def amostras(resposta) -> dict:
    """{(name, labels...): value} of a Prometheus text answer."""
    valores = {}
    for familia in text_string_to_metric_families(resposta.get_data(as_text=True)):
        for amostra in familia.samples:
            valores[(amostra.name, *sorted(amostra.labels.values()))] = amostra.value
    return valores


def test_sem_metrics_token_a_rota_nao_existe(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


def test_metricas_exigem_o_token(app, client):
    app.config["METRICS_TOKEN"] = TOKEN
    assert_envelope(client.get("/metrics", headers={"Accept": "application/json"}), 401)
    assert_envelope(client.get("/metrics", headers={"Accept": "application/json",
                                                    "Authorization": f"Bearer {TOKEN}x"}), 401)
    resposta = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resposta.status_code == 200 and resposta.mimetype == "text/plain"
    assert resposta.headers["Cache-Control"] == "no-store"


def test_metricas_contam_ingestao_fila_fluxos_e_alarmes(app, client, atores, servicos):
    app.config.update(METRICS_TOKEN=TOKEN, SSE_INTERVALO_S=0.01, SSE_VIDA_MAXIMA_S=5)
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    ts = int(time.time() * 1000) - 60_000
    for seq in (1, 2, 3, 3):  # the last one repeats: a duplicate
        atores.enviar_leitura(maquina, ts=ts + seq, seq=seq, vibracao=9.0 if seq == 3 else 1.0)
    atores.enviar_leitura(maquina, rpm=-5)  # refused by validation
    fluxo = abrir_fluxo(client, dono["headers"])
    try:
        valores = amostras(client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}))
    finally:
        fluxo.close()
    assert valores[("databutcher_ingestao_total", "gravadas")] == 3
    assert valores[("databutcher_ingestao_total", "duplicadas")] == 1
    assert valores[("databutcher_ingestao_total", "recusadas")] == 1
    assert valores[("databutcher_fila_gravacao",)] == servicos.gravador.pendentes() == 0
    assert valores[("databutcher_fila_gravacao_capacidade",)] == app.config["FILA_GRAVACAO"]
    assert valores[("databutcher_fluxos_abertos",)] == 1
    assert valores[("databutcher_fluxos_maximo",)] == app.config["SSE_MAX_TOTAL"]
    assert valores[("databutcher_alarmes_ativos", "critica")] == 0  # zone D needs 10 s in the zone
    assert valores[("databutcher_alarmes_ativos", "alta")] == valores[("databutcher_alarmes_ativos", "baixa")] == 0
    servicos.maquinas.ajustar(maquina["id"], dono["id"], {"regras_alarme": [{"sensor": "rpm", "maximo": 1000.0, "minimo": None,
        "duracao_s": None, "leituras_seguidas": None, "histerese": 0.0, "severidade": "media"}]})
    servicos.motor_alarmes.esquecer(maquina["id"])
    atores.enviar_leitura(maquina, seq=10)  # now (not a stale backlog): rpm 1500 > 1000, raised at once
    valores = amostras(client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}))
    assert valores[("databutcher_alarmes_ativos", "media")] == 1
    assert valores[("databutcher_mqtt_conectado",)] == 0
    depois = amostras(client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}))
    assert depois[("databutcher_fluxos_abertos",)] == 0


# A process of its own: the test run's logging (pytest's handlers) must not be the one under test.
LOGAR = """
import logging, mongomock
from app import create_app
app = create_app({"TESTING": True, "MQTT_ENABLED": False, "LOG_FORMAT": %r},
                 mongo_client=mongomock.MongoClient(tz_aware=True))
try:
    raise ValueError("motivo")
except ValueError:
    logging.getLogger("databutcher.teste").exception("falhou ao gravar: %%s", "máquina 7")
app.extensions["databutcher"].encerrar()
"""


def _logs(formato, tmp_path):
    ambiente = {"DATA_DIR": str(tmp_path), "QRCODE_DIR": str(tmp_path / "qr"), "PATH": "/usr/bin:/bin",
                "PYTHONIOENCODING": "utf-8"}
    resultado = subprocess.run([sys.executable, "-c", LOGAR % formato], capture_output=True, text=True, timeout=60,
                               env=ambiente, cwd=Path(__file__).resolve().parent.parent)
    assert resultado.returncode == 0, resultado.stderr
    return [linha for linha in resultado.stderr.splitlines() if linha.strip()]


def test_log_format_json_escreve_um_objeto_json_por_linha(tmp_path):
    linhas = [json.loads(linha) for linha in _logs("json", tmp_path)]
    falha = next(linha for linha in linhas if linha["logger"] == "databutcher.teste")
    assert falha["nivel"] == "ERROR" and falha["mensagem"] == "falhou ao gravar: máquina 7"
    assert "ValueError: motivo" in falha["excecao"] and falha["ts"].endswith("+00:00")
    assert any(linha["logger"] == "databutcher" and "Banco de dados" in linha["mensagem"] for linha in linhas)


def test_sem_log_format_os_logs_continuam_texto(tmp_path):
    linhas = _logs("text", tmp_path)
    assert any(" ERROR databutcher.teste: falhou ao gravar: máquina 7" in linha for linha in linhas)
    assert not any(linha.startswith("{") for linha in linhas)
