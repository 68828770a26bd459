"""The data path that holds for months: lean documents, retention without TTL on the embedded store,
the migration of old data folders, and a writer that does less and waits out a database outage."""
import threading
from datetime import timedelta

import pytest
from bson import ObjectId
from pymongo.errors import AutoReconnect, ServerSelectionTimeoutError

from conftest import LEITURA, assert_envelope, contar_leituras
from MongoDB import migracao
from MongoDB.gerencia_BD import AGREGADOS_MINUTO, DADOS_SENSORES, agora_utc
from nucleo import leituras, retencao, validacao
from nucleo.agregacao import somar
from nucleo.gravador import BancoIndisponivel, Pedido
from bancos import servicos_do_banco  # noqa: F401  (one fixture per backend)


def _leitura(momento, seq=None, **valores):
    return validacao.validar_leitura(dict(LEITURA, ts=momento.isoformat(), seq=seq, **valores), agora=agora_utc())


def test_leitura_guardada_leva_so_o_que_nao_se_deduz(servicos_do_banco):
    servicos = servicos_do_banco
    maquina_id = str(ObjectId())
    momento = agora_utc() - timedelta(seconds=30)
    servicos.telemetria.inserir(maquina_id, _leitura(momento, seq=7), recebido_em=momento + timedelta(seconds=2))
    doc = servicos.bd.colecao(DADOS_SENSORES).find_one({})
    esperadas = {"_id", "k", "v", "s", "r"} | ({"t"} if servicos.bd.guarda_datas else set())
    assert set(doc) == esperadas
    [lida] = servicos.telemetria.listar(maquina_id)
    assert (lida["timestamp"], lida["seq"], lida["recebido_em"]) == (momento, 7, momento + timedelta(seconds=2))
    assert lida["dados_sensor"] == {campo: float(valor) for campo, valor in LEITURA.items()}


def test_repeticao_da_mesma_leitura_tem_o_mesmo_id_sem_consulta(servicos_do_banco):
    servicos = servicos_do_banco
    maquina_id = str(ObjectId())
    momento = agora_utc() - timedelta(minutes=1)
    itens = [(maquina_id, _leitura(momento + timedelta(seconds=i), seq=i), agora_utc()) for i in range(3)]
    primeiros = servicos.telemetria.inserir_pedidos(itens)
    servicos.bd.colecao(DADOS_SENSORES).find_one = None  # a lookup per duplicate would fail loudly now
    repetidos = servicos.telemetria.inserir_pedidos(itens + itens[:1])
    assert [i for i, _ in repetidos] == [i for i, _ in primeiros] + [primeiros[0][0]]
    assert all(duplicada for _, duplicada in repetidos)


def test_banco_embutido_fica_sem_indice_ttl_e_o_mongodb_com(servicos_do_banco):
    servicos = servicos_do_banco
    colecao = servicos.bd.colecao(DADOS_SENSORES)
    if servicos.bd.e_nx_27017:
        colecao.create_index("timestamp", expireAfterSeconds=86400)  # what an older data folder has
    servicos.bd.aplicar_retencao(7, 90)
    ttl = [info["expireAfterSeconds"] for info in colecao.index_information().values() if "expireAfterSeconds" in info]
    assert ttl == ([] if servicos.bd.e_nx_27017 else [7 * 86400])


def test_retencao_apaga_o_vencido_aos_pedacos_e_tambem_de_maquina_removida(servicos_do_banco, monkeypatch):
    servicos = servicos_do_banco
    monkeypatch.setattr(retencao, "LOTE", 3)
    agora = agora_utc()
    viva, removida = str(ObjectId()), str(ObjectId())
    velho, novo = agora - timedelta(days=40), agora - timedelta(days=1)
    for maquina_id in (viva, removida):
        itens = [(maquina_id, _leitura(momento + timedelta(seconds=i), seq=i), momento)
                 for momento in (velho, novo) for i in range(5)]
        servicos.telemetria.inserir_pedidos(itens)
        servicos.agregados.gravar(somar([(maquina_id, LEITURA, velho - timedelta(days=800)),
                                         (maquina_id, LEITURA, novo)]))
    tarefa = retencao.Retencao(servicos.telemetria, servicos.agregados, dias_brutos=35, dias_agregados=730)

    resultado = tarefa.executar(agora, pausa_s=0)

    assert (resultado["apagadas_brutas"], resultado["apagados_agregados"]) == (10, 4)
    for maquina_id in (viva, removida):
        assert [l["timestamp"] for l in servicos.telemetria.listar(maquina_id)][-1] == novo
        assert contar_leituras(servicos, maquina_id) == 5
    assert tarefa.estado(agora + timedelta(seconds=30))["atrasada_s"] == 0
    assert tarefa.estado(agora + timedelta(seconds=tarefa.intervalo_s + 90))["atrasada_s"] == 90


def _doc_antigo(maquina_id, momento, seq):
    """A reading as the first data model stored it."""
    oid = ObjectId()
    return {"_id": oid, "maquina_id": maquina_id, "dados_sensor": dict(LEITURA, rpm=1000.0 + seq),
            "timestamp": momento, "recebido_em": momento, "seq": seq,
            "chave_tempo": f"{maquina_id}:{int(momento.timestamp() * 1000):013d}:{oid}",
            "chave_leitura": f"{maquina_id}:{int(momento.timestamp() * 1000)}:{seq}"}


def test_pasta_de_dados_antiga_e_convertida_sem_perder_leitura(servicos_do_banco, caplog, monkeypatch):
    servicos = servicos_do_banco
    monkeypatch.setattr(migracao, "LOTE", 4)
    colecao = servicos.bd.colecao(DADOS_SENSORES)
    colecao.create_index("chave_tempo")
    colecao.create_index("chave_leitura", unique=True)
    maquina_id = str(ObjectId())
    base = agora_utc().replace(microsecond=0) - timedelta(minutes=10)
    colecao.insert_many([_doc_antigo(maquina_id, base + timedelta(seconds=i), i) for i in range(10)])
    servicos.telemetria.inserir(maquina_id, _leitura(base + timedelta(seconds=3), seq=3))  # one already converted

    with caplog.at_level("INFO"):
        assert migracao.migrar_leituras_antigas(servicos.bd, servicos.telemetria) == 10

    lidas = servicos.telemetria.listar(maquina_id)
    assert [l["seq"] for l in lidas] == list(range(9, -1, -1))
    assert [l["dados_sensor"]["rpm"] for l in lidas][0] == 1009.0
    assert "chave_tempo_1" not in colecao.index_information()
    assert colecao.count_documents({"chave_tempo": {"$exists": True}}) == 0
    assert "Conversão concluída: 10 leituras" in caplog.text
    assert migracao.migrar_leituras_antigas(servicos.bd, servicos.telemetria) == 0


def test_agregados_sao_gravados_so_no_intervalo(servicos_app, atores, monkeypatch):
    maquina = atores.maquina()
    relogio = [5000.0]
    gravador = servicos_app.gravador
    gravador.relogio = lambda: relogio[0]
    gravador._agregados_gravados_em = relogio[0]
    gravacoes = []
    original = servicos_app.agregados.gravar
    monkeypatch.setattr(servicos_app.agregados, "gravar", lambda parciais: gravacoes.append(len(parciais)) or original(parciais))
    for i in range(6):  # six batches, spread over less than one interval, with the queue idle in between
        leituras.receber(servicos_app, maquina["id"], dict(LEITURA, rpm=1000 + i)).aguardar()
        relogio[0] += gravador.intervalo_agregados_s / 10
        threading.Event().wait(0.3)  # the writer's idle poll runs in between (it must not flush)
    assert gravacoes == []
    relogio[0] += gravador.intervalo_agregados_s
    leituras.receber(servicos_app, maquina["id"], LEITURA).aguardar()
    assert gravacoes == [2]  # one minute and one hour bucket, written once


@pytest.fixture
def servicos_app(app):
    return app.extensions["databutcher"]


def test_banco_fora_do_ar_o_gravador_guarda_o_lote_e_o_http_ouve_503_na_hora(client, servicos_app, atores, monkeypatch):
    maquina = atores.maquina()
    falhas = [AutoReconnect("banco caiu"), AutoReconnect("ainda fora")]
    original = servicos_app.telemetria.inserir_pedidos

    def inserir(itens):
        if falhas:
            raise falhas.pop(0)
        return original(itens)
    monkeypatch.setattr(servicos_app.telemetria, "inserir_pedidos", inserir)
    monkeypatch.setattr("nucleo.gravador.ESPERA_MAXIMA_BANCO_S", 0.2)
    concluidos = []
    recepcao = leituras.receber(servicos_app, maquina["id"], dict(LEITURA, ts=agora_utc().isoformat()),
                                ao_concluir=concluidos.append)
    for _ in range(100):
        if not servicos_app.gravador.banco_disponivel.is_set():
            break
        threading.Event().wait(0.01)
    assert not servicos_app.gravador.banco_disponivel.is_set()
    with pytest.raises(BancoIndisponivel):
        leituras.receber(servicos_app, maquina["id"], LEITURA)  # a caller that would wait is told at once
    assert_envelope(atores.enviar_leitura(maquina), 503)

    assert servicos_app.gravador.esvaziar()
    assert [p.erro for p in concluidos] == [None] and recepcao.pedido in concluidos
    assert servicos_app.gravador.banco_disponivel.is_set()
    assert contar_leituras(servicos_app, maquina["id"]) == 1


def test_api_com_o_banco_inacessivel_responde_503_no_envelope(client, servicos_app, atores, monkeypatch):
    dono = atores.usuario()

    def fora_do_ar(*_):
        raise ServerSelectionTimeoutError("sem servidor")
    monkeypatch.setattr(servicos_app.maquinas, "listar_do_usuario", fora_do_ar)
    corpo = assert_envelope(client.get("/api/machines", headers=dono["headers"]), 503)
    assert corpo["message"] == "Banco de dados indisponível no momento, tente de novo em instantes"


def test_pedido_de_maquina_removida_nao_trava_a_fila(servicos_app):
    pedido = servicos_app.gravador.enfileirar(Pedido(str(ObjectId()), agora_utc(), leituras=[_leitura(agora_utc())]))
    assert pedido.aguardar() == [] and pedido.desconhecida
    assert servicos_app.bd.colecao(AGREGADOS_MINUTO).count_documents({}) == 0


def test_historico_de_alarmes_expira_como_os_agregados_e_alarme_aberto_nunca(servicos_do_banco):
    servicos = servicos_do_banco
    alarmes = servicos.alarmes
    agora = agora_utc()
    maquina_id, dono = str(ObjectId()), str(ObjectId())
    muito_antes, ontem = agora - timedelta(days=800), agora - timedelta(days=1)

    def fechado(tipo, momento):
        alarme, _ = alarmes.ativar(maquina_id, dono, tipo, "temperatura", "alta", 90.0, 80.0, momento)
        alarmes.normalizar(maquina_id, tipo, momento + timedelta(minutes=5))
        alarmes.reconhecer(str(alarme["_id"]), dono, None, momento + timedelta(minutes=6))
        return str(alarme["_id"])

    velho, recente = fechado("temperatura_alta", muito_antes), fechado("tensao_alta", ontem)
    aberto, _ = alarmes.ativar(maquina_id, dono, "rpm_alta", "rpm", "media", 3000.0, 2900.0, muito_antes)
    tarefa = retencao.Retencao(servicos.telemetria, servicos.agregados, dias_brutos=35, dias_agregados=730,
                               alarmes=alarmes)

    assert tarefa.executar(agora, pausa_s=0)["apagados_alarmes"] == 1
    restantes = {str(doc["_id"]) for doc in alarmes.da_maquina(maquina_id, muito_antes - timedelta(days=1), agora)}
    assert restantes == {recente, str(aberto["_id"])} and velho not in restantes
    if not servicos.bd.e_nx_27017:  # MongoDB does the same with a TTL index on the closing time
        servicos.bd.aplicar_retencao(35, 730)
        ttl = [info for info in alarmes.colecao.index_information().values() if "expireAfterSeconds" in info]
        assert [(i["key"], i["expireAfterSeconds"]) for i in ttl] == [([("encerrado_em.em", 1)], 730 * 86400)]
