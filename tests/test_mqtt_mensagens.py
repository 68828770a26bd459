"""MQTT message handling as a plain function: no broker needed to prove the rules."""
import json
import time

import pytest

from mqtt.contrato import topico
from mqtt.mensagens import processar_mensagem
from conftest import LEITURA, contar_leituras


@pytest.fixture
def contadores(servicos):
    return servicos.contadores


def _enviar(servicos, contadores, maquina_id, tipo, carga):
    """Handle one message as the MQTT thread would, then wait for the writer to store it."""
    payload = carga if isinstance(carga, bytes) else json.dumps(carga).encode()
    resultado, _ = processar_mensagem(topico(maquina_id, tipo), payload, servicos)
    assert servicos.gravador.esvaziar()
    return resultado


def test_status_iniciada_atualiza_estado_e_heartbeat(servicos, atores, contadores):
    maquina = atores.maquina()
    assert _enviar(servicos, contadores, maquina["id"], "status", {"state": "iniciada"}) == "estado:iniciada"
    doc = servicos.maquinas.buscar(maquina["id"])
    assert doc["status"] == "iniciada" and doc["last_heartbeat"] is not None
    assert servicos.maquinas.esta_online(doc)


def test_last_will_offline_derruba_o_online_sem_mudar_o_estado(servicos, atores, contadores):
    maquina = atores.maquina()
    _enviar(servicos, contadores, maquina["id"], "status", {"state": "iniciada"})
    assert _enviar(servicos, contadores, maquina["id"], "status", b"offline") == "estado:offline"
    doc = servicos.maquinas.buscar(maquina["id"])
    assert not servicos.maquinas.esta_online(doc) and doc["status"] == "iniciada"


def test_telemetria_unica_e_em_lote_sao_guardadas(servicos, atores, contadores):
    maquina = atores.maquina()
    assert _enviar(servicos, contadores, maquina["id"], "telemetria", LEITURA) == "telemetria:1"
    agora_ms = int(time.time() * 1000)
    lote = [dict(LEITURA, ts=agora_ms - 10_000 + i * 1000, seq=i) for i in range(5)]
    assert _enviar(servicos, contadores, maquina["id"], "telemetria", lote) == "telemetria:5"
    assert _enviar(servicos, contadores, maquina["id"], "telemetria", lote) == "telemetria:5"
    assert contar_leituras(servicos, maquina["id"]) == 6


@pytest.mark.parametrize("topico_recebido", [
    "databutcher/nao-e-id/status",
    "databutcher/0123456789abcdef01234567/outra",
    "/databutcher/0123456789abcdef01234567/status",
])
def test_topico_invalido_e_descartado_e_contado(servicos, contadores, topico_recebido):
    assert processar_mensagem(topico_recebido, b'{"state":"parada"}', servicos) == ("descartada:topico", None)
    assert contadores.como_dict()["descartadas_topico"] == 1


def test_maquina_desconhecida_e_descartada_pelo_gravador_sem_consultar_o_banco_na_thread_da_rede(
        servicos, contadores, monkeypatch):
    consultas = []
    monkeypatch.setattr(servicos.maquinas, "buscar", lambda *a: consultas.append(a))
    desconhecida = "0123456789abcdef01234567"
    _, pedido = processar_mensagem(topico(desconhecida, "telemetria"), json.dumps(LEITURA).encode(), servicos)
    assert pedido is not None and consultas == []  # queued as is: the MQTT thread asked nothing
    assert servicos.gravador.esvaziar()
    assert pedido.desconhecida and pedido.resultados == []
    assert contadores.como_dict()["descartadas_maquina_desconhecida"] == 1
    assert contar_leituras(servicos, desconhecida) == 0


@pytest.mark.parametrize("tipo, payload, motivo", [
    ("status", b"\xff\xfe", "payload"),
    ("status", b"{nao json", "payload"),
    ("status", b'{"state": "explodida"}', "estado"),
    ("status", b'["iniciada"]', "estado"),
    ("status", b'{"state": "desarmada"}', "estado"),  # a trip says why
    ("status", b'{"state": "desarmada", "motivo": "Calor!"}', "estado"),
    ("status", b'{"state": "desarmada", "motivo": "temperatura_acima_do_limite", "valor": "alto"}', "estado"),
    ("status", b'{"state": "desarmada", "motivo": "temperatura_acima_do_limite", "valor": 1e400}', "estado"),
    ("status", b'{"state": "iniciada", "parametros": {"voltagem": 9999}}', "estado"),
    ("status", b'{"state": "iniciada", "ts": "ontem"}', "estado"),
    ("telemetria", b'{"tensao": "alta"}', "leitura"),
    ("telemetria", json.dumps([LEITURA] * 101).encode(), "lote"),
    ("telemetria", b"[]", "lote"),
])
def test_payload_malformado_e_descartado_sem_excecao(servicos, atores, contadores, tipo, payload, motivo):
    maquina = atores.maquina()
    _enviar(servicos, contadores, maquina["id"], tipo, payload)
    assert contadores.como_dict()[f"descartadas_{motivo}"] >= 1
    assert contar_leituras(servicos, maquina["id"]) == 0
    assert servicos.maquinas.buscar(maquina["id"])["status"] == "parada"
