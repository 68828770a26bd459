"""The telemetry pipeline: batches, rollups and chart series, retention, backpressure, shutdown."""
import threading
from datetime import timedelta

import pytest

from conftest import LEITURA, assert_envelope, contar_leituras
from MongoDB.gerencia_BD import agora_utc
from nucleo import leituras, validacao
from nucleo.gravador import FilaCheia


def _lote(atores, maquina, leituras):
    return atores.client.post("/api/sensor-data", json={"maquina_id": maquina["id"], "leituras": leituras},
                              headers={"Authorization": f"Bearer {maquina['token']}"})


def _serie(client, dono, maquina, desde, ate, **extra):
    resposta = client.get(f"/api/sensor-data/{maquina['id']}/serie", headers=dono["headers"],
                          query_string={"desde": desde.isoformat(), "ate": ate.isoformat(), **extra})
    assert resposta.status_code == 200, resposta.get_json()
    return resposta.get_json()


def test_lote_http_guarda_as_boas_aponta_as_ruins_e_reenvio_nao_duplica(atores, servicos):
    maquina = atores.maquina()
    base = agora_utc() - timedelta(minutes=10)
    leituras = [dict(LEITURA, ts=(base + timedelta(seconds=i)).isoformat(), seq=i) for i in range(3)]
    misto = _lote(atores, maquina, [leituras[0], dict(leituras[1], tensao="x"), leituras[2]])
    assert misto.status_code == 201, misto.get_json()
    corpo = misto.get_json()
    assert corpo["inseridas"] == 2 and len(corpo["sensor_data_ids"]) == 2
    assert [(r["posicao"], r["campo"]) for r in corpo["recusadas"]] == [(1, "leituras[1].tensao")]
    assert contar_leituras(servicos, maquina["id"]) == 2
    todas = _lote(atores, maquina, leituras)
    assert todas.status_code == 201 and (todas.get_json()["inseridas"], todas.get_json()["duplicadas"]) == (1, 2)
    repetido = _lote(atores, maquina, leituras).get_json()
    assert (repetido["inseridas"], repetido["duplicadas"], repetido["recusadas"]) == (0, 3, [])
    assert repetido["sensor_data_ids"] == todas.get_json()["sensor_data_ids"]
    so_ruins = _lote(atores, maquina, [dict(LEITURA, rpm=-1), dict(LEITURA, tensao=None)])
    assert assert_envelope(so_ruins, 400)["campo"] == "leituras[0].rpm"
    assert_envelope(_lote(atores, maquina, [LEITURA] * 101), 400)
    assert contar_leituras(servicos, maquina["id"]) == 3


def test_serie_curta_vem_dos_brutos_com_lacuna_quando_o_dispositivo_silenciou(client, atores, servicos):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    base = agora_utc().replace(microsecond=0) - timedelta(minutes=30)
    antes = [dict(LEITURA, temperatura=40.0 + i, ts=(base + timedelta(seconds=10 * i)).isoformat()) for i in range(6)]
    depois = [dict(LEITURA, temperatura=80.0, ts=(base + timedelta(minutes=10, seconds=10 * i)).isoformat()) for i in range(3)]
    assert _lote(atores, maquina, antes + depois).status_code == 201
    serie = _serie(client, dono, maquina, base - timedelta(minutes=1), base + timedelta(minutes=20))
    assert serie["fonte"] == "bruto"
    temperaturas = [p["temperatura"]["med"] if p["temperatura"] else None for p in serie["pontos"]]
    assert temperaturas == [40.0, 41.0, 42.0, 43.0, 44.0, 45.0, None, 80.0, 80.0, 80.0]


def test_serie_de_um_dia_vem_dos_minutos_e_o_pico_nao_some_na_media(client, atores, servicos):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    inicio = agora_utc().replace(second=0, microsecond=0) - timedelta(hours=3)
    leituras = [dict(LEITURA, vibracao=1.0, ts=(inicio + timedelta(seconds=5 * i)).isoformat(), seq=i) for i in range(100)]
    leituras[37]["vibracao"] = 9.5  # one spike among 100 calm readings
    assert _lote(atores, maquina, leituras).status_code == 201
    servicos.gravador.esvaziar()
    servicos.gravador.parar()  # flushes the rollups kept in memory
    serie = _serie(client, dono, maquina, inicio - timedelta(hours=21), inicio + timedelta(hours=3))
    assert serie["fonte"] == "minuto" and len(serie["pontos"]) <= 1000
    assert sum(p["n"] for p in serie["pontos"]) == 100
    assert max(p["vibracao"]["max"] for p in serie["pontos"] if p["n"]) == 9.5
    assert all(p["vibracao"]["min"] == 1.0 for p in serie["pontos"] if p["n"])
    mensal = _serie(client, dono, maquina, inicio - timedelta(days=29), inicio + timedelta(days=1))
    assert mensal["fonte"] == "hora" and sum(p["n"] for p in mensal["pontos"]) == 100
    assert max(p["vibracao"]["max"] for p in mensal["pontos"] if p["n"]) == 9.5


def test_serie_recusa_intervalos_invalidos(client, atores):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    url = f"/api/sensor-data/{maquina['id']}/serie"
    agora = agora_utc()
    for parametros in ({"desde": agora.isoformat(), "ate": (agora - timedelta(hours=1)).isoformat()},
                       {"desde": (agora - timedelta(days=500)).isoformat()}, {"pontos": 5000}):
        assert_envelope(client.get(url, headers=dono["headers"], query_string=parametros), 400)


def test_retencao_cria_ttl_com_os_dias_configurados(servicos, app):
    brutos = servicos.bd.colecao("dados_sensores").index_information()
    ttl = {nome: info["expireAfterSeconds"] for nome, info in brutos.items() if "expireAfterSeconds" in info}
    assert list(ttl.values()) == [app.config["RETENCAO_DIAS_BRUTOS"] * 86400]
    servicos.bd.aplicar_retencao(7, 90)
    brutos = servicos.bd.colecao("dados_sensores").index_information()
    assert [i["expireAfterSeconds"] for i in brutos.values() if "expireAfterSeconds" in i] == [7 * 86400]
    minutos = servicos.bd.colecao("agregados_minuto").index_information()
    assert [i["expireAfterSeconds"] for i in minutos.values() if "expireAfterSeconds" in i] == [90 * 86400]


def test_atividade_da_maquina_e_gravada_no_maximo_uma_vez_por_intervalo(servicos, atores, monkeypatch):
    maquina = atores.maquina()
    relogio = [1000.0]
    servicos.gravador.relogio = lambda: relogio[0]
    chamadas = []
    original = servicos.maquinas.registrar_atividades
    monkeypatch.setattr(servicos.maquinas, "registrar_atividades",
                        lambda atividades: chamadas.extend(atividades) or original(atividades))
    intervalo = servicos.gravador.intervalo_atividade_s
    for i in range(5):  # five separate batches within one interval
        leituras.receber(servicos, maquina["id"], dict(LEITURA, rpm=1000 + i)).aguardar()
        relogio[0] += intervalo / 10
    assert len(chamadas) == 1
    relogio[0] += intervalo
    leituras.receber(servicos, maquina["id"], dict(LEITURA, rpm=2000)).aguardar()
    assert len(chamadas) == 2
    assert servicos.maquinas.buscar(maquina["id"])["ultima_leitura"]["rpm"] == 2000.0


def test_fila_cheia_e_contada_e_recusada_com_503(app, client, atores, servicos):
    maquina = atores.maquina()
    liberar, preso = threading.Event(), threading.Event()
    original = servicos.telemetria.inserir_pedidos
    servicos.telemetria.inserir_pedidos = lambda itens: (preso.set(), liberar.wait(10)) and original(itens)
    servicos.gravador.fila.maxsize = 2
    servicos.gravador.espera_fila_s = 0.05
    try:
        leituras.receber(servicos, maquina["id"], LEITURA)  # taken by the writer, which gets stuck
        assert preso.wait(5)
        leituras.receber(servicos, maquina["id"], LEITURA)
        leituras.receber(servicos, maquina["id"], LEITURA)
        with pytest.raises(FilaCheia):
            leituras.receber(servicos, maquina["id"], LEITURA)
        assert_envelope(atores.enviar_leitura(maquina), 503)
        assert app.extensions["databutcher"].contadores.como_dict()["fila_cheia"] == 2
    finally:
        liberar.set()
    assert servicos.gravador.esvaziar()
    assert contar_leituras(servicos, maquina["id"]) == 3


def test_desligar_grava_o_que_estava_na_fila(servicos, atores):
    maquina = atores.maquina()
    agora_ms = int(agora_utc().timestamp() * 1000)
    for i in range(300):
        leituras.receber(servicos, maquina["id"], dict(LEITURA, ts=agora_ms - 300_000 + i * 1000, seq=i))
    servicos.encerrar()
    assert contar_leituras(servicos, maquina["id"]) == 300
    baldes = servicos.bd.colecao("agregados_minuto").find({"chave": {"$gte": maquina["id"] + ":", "$lt": maquina["id"] + ";"}})
    assert sum(doc["n"] for doc in baldes) == 300
