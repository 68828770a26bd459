"""Inputs at the edge of what Python and a datetime hold: each one a 4xx naming its field, never a 500.

Every case here answered 500 (or aborted a stream, or lost a whole MQTT batch) in an outside test.
"""
import json

import pytest

from conftest import LEITURA, assert_envelope, contar_leituras
from mqtt.contrato import topico
from mqtt.mensagens import processar_mensagem

MUITOS_DIGITOS = "9" * 400
PROFUNDO = "[" * 10_000 + "]" * 10_000
# Instants no datetime holds: past year 9999 in epoch ms, or before year 1 once moved to UTC.
INSTANTES_IMPOSSIVEIS = [253_402_300_800_000, 10**17, "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.fixture
def contexto(atores, servicos):
    """An admin (so the admin routes are reached too) who owns a machine, and that machine's device token."""
    dono = atores.usuario()
    servicos.usuarios.definir_papel(dono["nome"], "admin")
    maquina = atores.maquina_de(dono)
    return {"dono": dono["headers"], "maquina": maquina,
            "dispositivo": {"Authorization": f"Bearer {maquina['token']}"}}


def _postar_texto(client, url, texto, cabecalhos, metodo="post"):
    return getattr(client, metodo)(url, data=texto, headers=cabecalhos, content_type="application/json")


@pytest.mark.parametrize("ts", INSTANTES_IMPOSSIVEIS)
def test_ts_fora_do_que_uma_data_guarda_da_400_nomeando_ts(client, contexto, servicos, ts):
    corpo = {"maquina_id": contexto["maquina"]["id"], **LEITURA, "ts": ts}
    resposta = client.post("/api/sensor-data", json=corpo, headers=contexto["dispositivo"])
    assert assert_envelope(resposta, 400)["campo"] == "ts"
    assert contar_leituras(servicos, contexto["maquina"]["id"]) == 0


@pytest.mark.parametrize("rota", ["", "/serie", "/export"])
@pytest.mark.parametrize("parametro", ["desde", "ate"])
@pytest.mark.parametrize("valor", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "²", "１２",
                                   MUITOS_DIGITOS, "253402300800000"])
def test_desde_e_ate_impossiveis_no_historico_dao_400_nomeando_o_parametro(client, contexto, rota, parametro, valor):
    url = f"/api/sensor-data/{contexto['maquina']['id']}{rota}"
    resposta = client.get(url, query_string={parametro: valor}, headers=contexto["dono"])
    assert assert_envelope(resposta, 400)["campo"] == parametro


@pytest.mark.parametrize("campo", ["tensao", "vibracao", "temperatura", "rpm", "ts", "seq"])
def test_inteiro_de_400_digitos_numa_leitura_da_400_nomeando_o_campo(client, contexto, campo):
    leitura = {"maquina_id": contexto["maquina"]["id"], **LEITURA}
    texto = json.dumps(leitura)[:-1] + f', "{campo}": {MUITOS_DIGITOS}}}'
    resposta = _postar_texto(client, "/api/sensor-data", texto, contexto["dispositivo"])
    assert assert_envelope(resposta, 400)["campo"] == campo


def test_inteiro_de_400_digitos_nos_parametros_de_partida_limites_e_consultas_da_400(client, contexto, servicos):
    maquina_id = contexto["maquina"]["id"]
    servicos.maquinas.registrar_estado(maquina_id, "parada")
    partida = f'{{"voltagem": {MUITOS_DIGITOS}, "velocidade": 600, "temperatura": 50}}'
    resposta = _postar_texto(client, f"/api/machines/{maquina_id}/start", partida, contexto["dono"])
    assert assert_envelope(resposta, 400)["campo"] == "voltagem"
    limites = f'{{"temperatura": [20, {MUITOS_DIGITOS}]}}'
    resposta = _postar_texto(client, f"/api/admin/machines/{maquina_id}/limits", limites, contexto["dono"], "put")
    assert assert_envelope(resposta, 400)["campo"] == "temperatura"
    for url, parametro in [(f"/api/sensor-data/{maquina_id}", "limit"), (f"/api/sensor-data/{maquina_id}/serie", "pontos"),
                           (f"/api/machines/{maquina_id}/commands", "limit")]:
        resposta = client.get(url, query_string={parametro: MUITOS_DIGITOS}, headers=contexto["dono"])
        assert assert_envelope(resposta, 400)["campo"] == parametro


@pytest.mark.parametrize("rota,metodo", [("/api/auth/register", "post"), ("/api/auth/login", "post"),
                                         ("/api/auth/password", "post"), ("/api/auth/preferences", "put"),
                                         ("/api/machines", "post"), ("/api/sensor-data", "post"),
                                         ("/api/manual-log", "post"), ("/api/admin/machines", "post")])
def test_json_aninhado_dez_mil_niveis_da_400(client, contexto, rota, metodo):
    cabecalhos = contexto["dispositivo"] if rota == "/api/sensor-data" else contexto["dono"]
    assert_envelope(_postar_texto(client, rota, PROFUNDO, cabecalhos, metodo), 400)


@pytest.mark.parametrize("rota,metodo,campo", [("/api/sensor-data", "post", "rpm"),
                                               ("/api/auth/preferences", "put", "tema"),
                                               ("/api/manual-log", "post", "descricao")])
def test_json_aninhado_dentro_de_um_campo_da_400_nomeando_o_campo(client, contexto, rota, metodo, campo):
    corpo = {"maquina_id": contexto["maquina"]["id"], **LEITURA, "descricao": "troca de rolamento"}
    texto = json.dumps(corpo)[:-1] + f', "{campo}": {PROFUNDO}}}'
    cabecalhos = contexto["dispositivo"] if rota == "/api/sensor-data" else contexto["dono"]
    assert assert_envelope(_postar_texto(client, rota, texto, cabecalhos, metodo), 400)["campo"] == campo


def test_leitura_aninhada_demais_num_lote_http_e_recusada_e_as_outras_guardadas(client, contexto, servicos):
    maquina_id = contexto["maquina"]["id"]
    texto = f'{{"maquina_id": "{maquina_id}", "leituras": [{json.dumps(LEITURA)}, {PROFUNDO}, {json.dumps(LEITURA)}]}}'
    resposta = _postar_texto(client, "/api/sensor-data", texto, contexto["dispositivo"])
    corpo = resposta.get_json()
    assert resposta.status_code == 201 and corpo["inseridas"] == 2
    assert [recusa["posicao"] for recusa in corpo["recusadas"]] == [1]
    assert contar_leituras(servicos, maquina_id) == 2


@pytest.mark.parametrize("campo", ["tema", "idioma", "fuso_horario"])
@pytest.mark.parametrize("valor", [[], {}, 1, None])
def test_preferencia_que_nao_e_texto_da_400_nomeando_o_campo(client, contexto, campo, valor):
    resposta = client.put("/api/auth/preferences", json={campo: valor}, headers=contexto["dono"])
    assert assert_envelope(resposta, 400)["campo"] == campo


# ---- MQTT: the same inputs inside a batch are dropped one by one, counted, and the rest is kept
LEITURAS_RUINS = [
    json.dumps(dict(LEITURA, ts=10**17)),
    json.dumps(dict(LEITURA, ts="0001-01-01T00:00:00+14:00")),
    json.dumps(LEITURA)[:-1] + f', "rpm": {MUITOS_DIGITOS}}}',
    json.dumps(LEITURA)[:-1] + f', "seq": {MUITOS_DIGITOS}}}',
    PROFUNDO,
    json.dumps(LEITURA)[:-1] + f', "tensao": {PROFUNDO}}}',
]


@pytest.mark.parametrize("ruim", LEITURAS_RUINS, ids=["ts-9999", "ts-ano-1", "rpm-400-digitos", "seq-400-digitos",
                                                      "aninhada", "campo-aninhado"])
def test_lote_mqtt_com_uma_leitura_impossivel_guarda_as_outras(servicos, atores, ruim):
    maquina = atores.maquina()
    payload = f"[{json.dumps(LEITURA)}, {ruim}, {json.dumps(LEITURA)}, {json.dumps(LEITURA)}]".encode()
    assert processar_mensagem(topico(maquina["id"], "telemetria"), payload, servicos)[0] == "telemetria:3"
    assert servicos.gravador.esvaziar()
    assert contar_leituras(servicos, maquina["id"]) == 3
    assert servicos.contadores.valor("descartadas_leitura") == 1


@pytest.mark.parametrize("tipo", ["telemetria", "status"])
@pytest.mark.parametrize("payload", [PROFUNDO, '{"state": ' + "[" * 900 + "]" * 900 + "}"], ids=["10000", "900"])
def test_payload_mqtt_aninhado_demais_e_descartado_e_contado(servicos, atores, tipo, payload):
    maquina = atores.maquina()
    processar_mensagem(topico(maquina["id"], tipo), payload.encode(), servicos)
    assert servicos.gravador.esvaziar()
    assert servicos.contadores.valor("descartadas") == 1 and contar_leituras(servicos, maquina["id"]) == 0


@pytest.mark.parametrize("ate", ["2300-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "253402300799999"])
def test_historico_ate_uma_data_muito_distante_ainda_mostra_as_leituras(client, atores, contexto, ate):
    atores.enviar_leitura(contexto["maquina"])
    resposta = client.get(f"/api/sensor-data/{contexto['maquina']['id']}", query_string={"ate": ate},
                          headers=contexto["dono"])
    assert resposta.status_code == 200 and len(resposta.get_json()["leituras"]) == 1
