"""Backend conformance: the managers give the same answers on every supported backend.

nx-27017 (the embedded default) fails silently on some queries, so each manager
rule is checked here with real values on mongomock, on nx-27017 and, when
MONGO_TEST_URI is set, on a real MongoDB.
"""
import os
import uuid
from datetime import timedelta

import mongomock
import pytest
from pymongo import MongoClient

from MongoDB.gerencia_BD import agora_utc
from nucleo import contas, validacao
from MongoDB.erros import MaquinaDeOutroUsuario, SegredoInvalido, TokenDispositivoInvalido, UsuarioDuplicado
from MongoDB.gerencia_BD import GerenciadorBD
from nucleo.servicos import criar_servicos
from bancos import servicos_do_banco  # noqa: F401  (fixture)
from conftest import contar_leituras, aplicar_estado_agora

@pytest.fixture
def servicos(servicos_do_banco):
    """Every test here runs once per backend."""
    return servicos_do_banco


LEITURA = {"tensao": 230.0, "vibracao": 2.0, "temperatura": 50.0, "rpm": 1200.0}


def test_usuario_unico_por_nome_e_email(servicos):
    servicos.usuarios.criar("ana", "senha-da-ana", "Frigo", "ana@x.com")
    with pytest.raises(UsuarioDuplicado) as nome:
        servicos.usuarios.criar("ana", "senha-da-ana", "Frigo", "outra@x.com")
    with pytest.raises(UsuarioDuplicado) as email:
        contas.cadastrar(servicos, "ana2", "senha-da-ana", "Frigo", "ANA@x.com")  # e-mails compare lower-cased
    assert (nome.value.campo, email.value.campo) == ("nome_usuario", "email")
    assert servicos.usuarios.autenticar("ana", "senha-da-ana")["email"] == "ana@x.com"
    assert servicos.usuarios.autenticar("ana", "errada-123") is None


def test_reivindicar_listar_e_liberar(servicos):
    criada = servicos.maquinas.criar("WEG", "W22")
    maquina_id = criada["maquina"]["id"]
    with pytest.raises(SegredoInvalido):
        servicos.maquinas.reivindicar(maquina_id, "errado", "u1", "A")
    maquina, nova = servicos.maquinas.reivindicar(maquina_id, criada["segredo"], "u1", "Moedor")
    assert nova and maquina["nome_maquina"] == "Moedor"
    assert servicos.maquinas.reivindicar(maquina_id, criada["segredo"], "u1", "Moedor")[1] is False
    with pytest.raises(MaquinaDeOutroUsuario):
        servicos.maquinas.reivindicar(maquina_id, criada["segredo"], "u2", "Roubada")
    assert [m["id"] for m in servicos.maquinas.listar_do_usuario("u1")] == [maquina_id]
    assert servicos.maquinas.listar_do_usuario("u2") == []
    servicos.maquinas.liberar(maquina_id, "u1")
    assert servicos.maquinas.listar_do_usuario("u1") == []
    assert servicos.maquinas.reivindicar(maquina_id, criada["segredo"], "u2", "Nova")[1] is True


def test_token_trocado_deixa_de_valer_na_hora_mesmo_ja_lembrado(servicos):
    criada = servicos.maquinas.criar("WEG", "W22")
    maquina_id = criada["maquina"]["id"]
    servicos.maquinas.autenticar_dispositivo(maquina_id, criada["token"])  # now remembered for a few seconds
    novo = servicos.maquinas.novo_token(maquina_id)
    with pytest.raises(TokenDispositivoInvalido):
        servicos.maquinas.autenticar_dispositivo(maquina_id, criada["token"])
    servicos.maquinas.autenticar_dispositivo(maquina_id, novo)


def test_token_do_dispositivo_e_online(servicos):
    criada, outra = servicos.maquinas.criar("WEG", "W22"), servicos.maquinas.criar("WEG", "W21")
    maquina_id = criada["maquina"]["id"]
    servicos.maquinas.autenticar_dispositivo(maquina_id, criada["token"])  # no exception: accepted
    with pytest.raises(TokenDispositivoInvalido):
        servicos.maquinas.autenticar_dispositivo(maquina_id, outra["token"])
    agora = agora_utc()
    aplicar_estado_agora(servicos, maquina_id, "iniciada", agora)
    doc = servicos.maquinas.buscar(maquina_id)
    assert doc["status"] == "iniciada" and servicos.maquinas.publico(doc)["last_heartbeat"] == agora
    assert servicos.maquinas.esta_online(doc, agora + timedelta(seconds=45))
    assert not servicos.maquinas.esta_online(doc, agora + timedelta(seconds=46))
    aplicar_estado_agora(servicos, maquina_id, "offline", agora)
    assert not servicos.maquinas.esta_online(servicos.maquinas.buscar(maquina_id), agora)


def test_telemetria_idempotente_ordenada_e_por_intervalo(servicos):
    maquina_id = servicos.maquinas.criar("WEG", "W22")["maquina"]["id"]
    outra_id = servicos.maquinas.criar("WEG", "W22")["maquina"]["id"]
    base = agora_utc().replace(microsecond=0) - timedelta(minutes=30)
    for minuto in range(6):
        leitura = validacao.validar_leitura(dict(LEITURA, rpm=1000 + minuto, ts=(base + timedelta(minutes=minuto)).isoformat()))
        servicos.telemetria.inserir(maquina_id, leitura)
    repetida = validacao.validar_leitura(dict(LEITURA, ts=base.isoformat()))
    assert servicos.telemetria.inserir(maquina_id, repetida)[1] is True
    servicos.telemetria.inserir(outra_id, validacao.validar_leitura(LEITURA))
    assert contar_leituras(servicos, maquina_id) == 6
    leituras = servicos.telemetria.listar(maquina_id)
    assert [l["dados_sensor"]["rpm"] for l in leituras] == [1005.0, 1004.0, 1003.0, 1002.0, 1001.0, 1000.0]
    assert leituras[-1]["timestamp"] == base
    faixa = servicos.telemetria.listar(maquina_id, desde=base + timedelta(minutes=1), ate=base + timedelta(minutes=3))
    assert [l["dados_sensor"]["rpm"] for l in faixa] == [1003.0, 1002.0, 1001.0]
    assert len(servicos.telemetria.listar(maquina_id, limite=2)) == 2


def test_lote_com_duplicatas_conta_cada_uma(servicos):
    maquina_id = servicos.maquinas.criar("WEG", "W22")["maquina"]["id"]
    base = agora_utc() - timedelta(minutes=5)
    agora = agora_utc()
    itens = [(maquina_id, validacao.validar_leitura(dict(LEITURA, ts=(base + timedelta(seconds=i)).isoformat(), seq=i)), agora)
             for i in range(10)]
    primeiros = servicos.telemetria.inserir_pedidos(itens[:4])
    todos = servicos.telemetria.inserir_pedidos(itens)
    assert [duplicada for _, duplicada in todos] == [True] * 4 + [False] * 6
    assert [leitura_id for leitura_id, _ in todos[:4]] == [leitura_id for leitura_id, _ in primeiros]
    assert contar_leituras(servicos, maquina_id) == 10


def test_registros_sao_do_dono_que_escreveu(servicos):
    maquina_id = servicos.maquinas.criar("WEG", "W22")["maquina"]["id"]
    servicos.registros.criar(maquina_id, "u1", "primeiro")
    servicos.registros.criar(maquina_id, "u1", "segundo")
    servicos.registros.criar(maquina_id, "u2", "do outro")
    assert [r["descricao"] for r in servicos.registros.listar(maquina_id, "u1")] == ["segundo", "primeiro"]
    assert [r["descricao"] for r in servicos.registros.listar(maquina_id, "u2")] == ["do outro"]


def test_comando_confirmado_pelo_estado_e_expirado_pelo_tempo(servicos):
    maquina_id = servicos.maquinas.criar("WEG", "W22")["maquina"]["id"]
    start = servicos.comandos.registrar(maquina_id, "u1", "start", {"voltagem": 220.0}, validade_s=30)
    velho = servicos.comandos.registrar(maquina_id, "u1", "stop", validade_s=-1)
    aplicar_estado_agora(servicos, maquina_id, "iniciada")
    aplicar_estado_agora(servicos, maquina_id, "parada")
    estados = {c["comando_id"]: c["estado"] for c in servicos.comandos.listar(maquina_id, "u1")}
    assert estados == {start["comando_id"]: "confirmado", velho["comando_id"]: "expirado"}
    assert servicos.comandos.listar(maquina_id, "u2") == []


def test_agregados_somam_min_max_e_contagem_por_balde(servicos):
    from nucleo.agregacao import somar
    maquina_id = servicos.maquinas.criar("WEG", "W22")["maquina"]["id"]
    inicio = agora_utc().replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    leituras = [(maquina_id, dict(LEITURA, temperatura=40.0 + i), inicio + timedelta(seconds=20 * i)) for i in range(9)]
    servicos.agregados.gravar(somar(leituras[:4]))
    servicos.agregados.gravar(somar(leituras[4:]))  # the same buckets again: $inc/$min/$max on upserts
    minutos = list(servicos.bd.colecao("agregados_minuto").find({}, {"_id": 0, "inicio": 1, "n": 1, "min_temperatura": 1,
                                                                     "max_temperatura": 1, "soma_temperatura": 1}).sort("inicio", 1))
    assert [(m["n"], m["min_temperatura"], m["max_temperatura"], m["soma_temperatura"]) for m in minutos] == [
        (3, 40.0, 42.0, 123.0), (3, 43.0, 45.0, 132.0), (3, 46.0, 48.0, 141.0)]
    serie = servicos.agregados.serie(maquina_id, inicio - timedelta(hours=10), inicio + timedelta(hours=4))
    assert serie["fonte"] == "minuto" and serie["largura_s"] == 60
    assert [(p["n"], p["temperatura"]) for p in serie["pontos"]] == [
        (3, {"min": 40.0, "med": 41.0, "max": 42.0}), (3, {"min": 43.0, "med": 44.0, "max": 45.0}),
        (3, {"min": 46.0, "med": 47.0, "max": 48.0})]
    hora = servicos.agregados.serie(maquina_id, inicio - timedelta(days=10), inicio + timedelta(days=1))
    assert hora["fonte"] == "hora" and [p["n"] for p in hora["pontos"]] == [9]


def test_percorrer_por_janelas_nao_pula_nem_repete_leituras(servicos):
    maquina_id = servicos.maquinas.criar("WEG", "W22")["maquina"]["id"]
    momento = agora_utc() - timedelta(minutes=1)
    itens = [(maquina_id, validacao.validar_leitura(dict(LEITURA, rpm=float(i))), momento) for i in range(7)]
    servicos.telemetria.inserir_pedidos(itens)  # 7 readings without ts, all received in the same millisecond
    antes, depois = momento - timedelta(hours=5), momento + timedelta(hours=1)
    lidas = list(servicos.telemetria.percorrer(maquina_id, antes, depois, janela=timedelta(minutes=7)))
    assert sorted(doc["dados_sensor"]["rpm"] for doc in lidas) == [float(i) for i in range(7)]
    assert list(servicos.telemetria.percorrer(maquina_id, momento + timedelta(milliseconds=1), depois)) == []
    assert len(list(servicos.telemetria.percorrer(maquina_id, momento, momento))) == 7


def test_percorrer_em_ordem_atravessando_janelas(servicos):
    maquina_id = servicos.maquinas.criar("WEG", "W22")["maquina"]["id"]
    base = agora_utc().replace(microsecond=0) - timedelta(hours=3)
    itens = [(maquina_id, validacao.validar_leitura(dict(LEITURA, rpm=float(i), ts=(base + timedelta(minutes=7 * i)).isoformat())),
              base) for i in range(20)]
    servicos.telemetria.inserir_pedidos(itens)
    lidas = list(servicos.telemetria.percorrer(maquina_id, base, base + timedelta(hours=3), janela=timedelta(minutes=30)))
    assert [doc["dados_sensor"]["rpm"] for doc in lidas] == [float(i) for i in range(20)]


def test_limites_por_maquina_estreitam_so_o_campo_pedido(servicos):
    maquina_id = servicos.maquinas.criar("WEG", "W22")["maquina"]["id"]
    publica = servicos.maquinas.definir_limites(maquina_id, validacao.validar_limites_partida({"temperatura": [20, 90]}))
    assert publica["limites"] == {"voltagem": [220, 380], "velocidade": [500, 3000], "temperatura": [20.0, 90.0]}
    limites = servicos.maquinas.limites_partida(servicos.maquinas.buscar(maquina_id))
    assert limites["temperatura"] == (20.0, 90.0) and limites["voltagem"] == (220, 380)
