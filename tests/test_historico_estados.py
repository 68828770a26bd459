"""The state history on a real store: intervals from status messages, readings and silence, on a test clock,
across a restart, with two app processes on one machine, and with a process killed between its two writes."""
import threading
from datetime import timedelta

import mongomock
import pytest

from bancos import servicos_do_banco  # noqa: F401  (one fixture per backend)
from conftest import LEITURA
from MongoDB.gerencia_BD import agora_utc
from nucleo import utilizacao, validacao
from nucleo.estados import status_simples
from nucleo.gravador import Pedido
from nucleo.historico import ESTADO, em_ms
from nucleo.servicos import criar_servicos

FUSO = "America/Sao_Paulo"
DESARME = {"motivo": "temperatura_acima_do_limite", "valor": 27.8, "limite": 20.0}


class Relogio:
    def __init__(self, inicio):
        self.agora = inicio

    def __call__(self):
        return self.agora

    def passar(self, segundos):
        self.agora += timedelta(seconds=segundos)
        return self.agora


@pytest.fixture
def planta(servicos_do_banco):
    servicos = servicos_do_banco
    relogio = Relogio(agora_utc().replace(microsecond=0) - timedelta(hours=6))
    servicos.motor_alarmes.agora = relogio
    usuario = servicos.usuarios.criar("dona", "senha-da-dona", "Frigo", "dona@frigo.com")
    criada = servicos.maquinas.criar("WEG", "W22")
    maquina_id = criada["maquina"]["id"]
    servicos.maquinas.reivindicar(maquina_id, criada["segredo"], usuario["id"], "Moedor")
    servicos.maquinas.ajustar(maquina_id, usuario["id"], {"timeout_s": 30})
    return {"servicos": servicos, "relogio": relogio, "maquina_id": maquina_id, "usuario_id": usuario["id"],
            "inicio": relogio.agora}


def status(planta, estado, servicos=None, **detalhes):
    """A status message received now (on the test clock), through the writer as MQTT delivers it."""
    servicos = servicos or planta["servicos"]
    carga = {**status_simples(estado), **detalhes}
    servicos.gravador._processar([Pedido(planta["maquina_id"], planta["relogio"].agora, estado=estado, detalhes=carga)])


def leituras(planta, segundos, servicos=None):
    """One reading a second for `segundos`, stamped by the device, stored by the writer."""
    servicos = servicos or planta["servicos"]
    for _ in range(segundos):
        leitura = validacao.validar_leitura(dict(LEITURA, ts=planta["relogio"].agora.isoformat()), agora=planta["relogio"].agora)
        servicos.gravador._processar([Pedido(planta["maquina_id"], planta["relogio"].agora, leituras=[leitura])])
        servicos.gravador._gravar_pendencias(forcar=True)  # the heartbeat written now, not 5 real seconds later
        planta["relogio"].passar(1)


def intervalos(planta, servicos=None):
    """[(estado, seconds from the start, seconds from the start or None)] of the whole test."""
    servicos = servicos or planta["servicos"]
    lista = utilizacao.intervalos_da_maquina(servicos, planta["maquina_id"], planta["usuario_id"], FUSO,
                                             desde=planta["inicio"] - timedelta(hours=1),
                                             ate=planta["relogio"].agora + timedelta(hours=1), agora=planta["relogio"].agora)
    segundos = lambda momento: None if momento is None else int((momento - planta["inicio"]).total_seconds())  # noqa: E731
    return [(i["estado"], segundos(i["inicio"]), segundos(i["fim"])) + ((i["motivo"],) if i["motivo"] else ())
            for i in lista]


def test_partida_desarme_e_parada_viram_intervalos_e_o_heartbeat_repetido_nao(planta):
    relogio = planta["relogio"]
    status(planta, "iniciada")
    relogio.passar(15)
    status(planta, "iniciada")  # the 15 s heartbeat says the same again
    relogio.passar(45)
    status(planta, "desarmada", **DESARME)
    relogio.passar(30)
    status(planta, "desarmada", **DESARME)
    relogio.passar(30)
    status(planta, "parada")
    assert intervalos(planta) == [("iniciada", 0, 60), ("desarmada", 60, 120, "temperatura_acima_do_limite"),
                                  ("parada", 120, None)]


def test_maquina_calada_fica_offline_desde_o_ultimo_sinal_mais_o_tempo_e_volta_ao_que_fazia(planta):
    relogio, servicos = planta["relogio"], planta["servicos"]
    status(planta, "iniciada")
    leituras(planta, 20)  # the last one at 19 s: offline from 19 + 30 s
    relogio.passar(100)
    servicos.motor_alarmes.verificar_offline()
    servicos.motor_alarmes.verificar_offline()  # a second check changes nothing
    assert intervalos(planta) == [("iniciada", 0, 49), ("offline", 49, None)]
    leituras(planta, 5)  # back at 120 s, without a status: it resumes running
    assert intervalos(planta) == [("iniciada", 0, 49), ("offline", 49, 120), ("iniciada", 120, None)]


def test_last_will_abre_offline_na_hora_e_o_online_retoma_o_estado(planta):
    relogio = planta["relogio"]
    status(planta, "parada")
    relogio.passar(40)
    status(planta, "offline")
    relogio.passar(20)
    planta["servicos"].motor_alarmes.verificar_offline()  # the Last Will's time, not heartbeat + timeout
    status(planta, "online")
    assert intervalos(planta) == [("parada", 0, 40), ("offline", 40, 60), ("parada", 60, None)]


def test_status_antigo_reentregue_pelo_broker_nao_reescreve_o_historico(planta):
    relogio = planta["relogio"]
    status(planta, "iniciada", ts=relogio.agora)
    retido = relogio.agora
    relogio.passar(60)
    status(planta, "parada", ts=relogio.agora)
    relogio.passar(60)
    status(planta, "iniciada", ts=retido)  # the retained message replayed when the app subscribes again
    assert intervalos(planta) == [("iniciada", 0, 60), ("parada", 60, None)]


def test_o_momento_e_o_que_o_dispositivo_disse_nao_o_da_chegada(planta):
    relogio = planta["relogio"]
    status(planta, "iniciada")
    dito = relogio.passar(30)
    relogio.passar(5)  # reached the writer 5 s after the device said it
    status(planta, "parada", ts=dito)
    assert intervalos(planta) == [("iniciada", 0, 30), ("parada", 30, None)]


def test_reiniciar_o_app_no_meio_continua_o_mesmo_historico(planta):
    relogio, servicos = planta["relogio"], planta["servicos"]
    status(planta, "iniciada")
    relogio.passar(90)
    depois = criar_servicos(servicos.bd, servicos.cfg)  # a new process over the same database
    depois.motor_alarmes.agora = relogio
    status(planta, "parada", servicos=depois)
    relogio.passar(10)
    status(planta, "parada", servicos=depois)
    assert intervalos(planta, depois) == intervalos(planta) == [("iniciada", 0, 90), ("parada", 90, None)]


def test_dois_processos_com_as_mensagens_da_mesma_maquina_fazem_um_historico(planta):
    servicos, relogio = planta["servicos"], planta["relogio"]
    outro = criar_servicos(servicos.bd, servicos.cfg)  # a second app process under MQTT_SHARED_GROUP
    outro.motor_alarmes.agora = relogio
    for i, estado in enumerate(["iniciada", "parada", "iniciada", "desarmada", "parada"]):
        status(planta, estado, servicos=(servicos, outro)[i % 2], **(DESARME if estado == "desarmada" else {}))
        relogio.passar(10)
    relogio.passar(60)
    servicos.motor_alarmes.verificar_offline()  # both offline checks find it silent at once
    outro.motor_alarmes.verificar_offline()
    esperado = [("iniciada", 0, 10), ("parada", 10, 20), ("iniciada", 20, 30),
                ("desarmada", 30, 40, "temperatura_acima_do_limite"), ("parada", 40, 70), ("offline", 70, None)]
    assert intervalos(planta) == intervalos(planta, outro) == esperado


def test_dois_processos_ao_mesmo_tempo_com_as_mesmas_mensagens_fazem_um_historico(planta):
    """QoS 1 redelivered to the other process while the first still works on it: real threads on a real store."""
    servicos, maquina_id = planta["servicos"], planta["maquina_id"]
    if isinstance(servicos.bd.cliente, mongomock.MongoClient):
        pytest.skip("mongomock não é seguro entre threads; a corrida real roda no nx-27017")
    processos = [servicos, criar_servicos(servicos.bd, servicos.cfg)]
    inicio_ms = em_ms(planta["inicio"])
    estados = ["iniciada", "parada"] * 15
    largada = threading.Barrier(2)

    def processo(outro):
        largada.wait()
        for i, estado in enumerate(estados):
            outro.historico.registrar([(maquina_id, ESTADO, inicio_ms + i * 1000, status_simples(estado))])
    threads = [threading.Thread(target=processo, args=(p,)) for p in processos]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    planta["relogio"].passar(40)
    esperado = [(estado, i, i + 1) for i, estado in enumerate(estados[:-1])] + [(estados[-1], 29, None)]
    assert intervalos(planta) == esperado
    assert servicos.bd.colecao("intervalos_estado").count_documents({"maquina_id": maquina_id}) == 29


def test_quem_perde_a_corrida_le_de_novo_e_julga_outra_vez(planta):
    servicos, relogio, maquina_id = planta["servicos"], planta["relogio"], planta["maquina_id"]
    outro = criar_servicos(servicos.bd, servicos.cfg)
    status(planta, "iniciada")
    visto = servicos.historico.gerencia.aberto(maquina_id)  # this process read it...
    relogio.passar(10)
    status(planta, "parada", servicos=outro)  # ...the other one moved it in the meantime
    relogio.passar(10)
    servicos.historico._aplicar(maquina_id, visto, ESTADO, em_ms(relogio.agora), status_simples("desarmada") | DESARME)
    relogio.passar(10)
    servicos.historico._aplicar(maquina_id, visto, ESTADO, em_ms(relogio.agora - timedelta(seconds=25)),
                                status_simples("parada"))  # older than what it finds on re-reading: ignored
    assert intervalos(planta) == [("iniciada", 0, 10), ("parada", 10, 20),
                                  ("desarmada", 20, None, "temperatura_acima_do_limite")]


def test_processo_morto_entre_as_duas_escritas_nao_perde_o_intervalo(planta, monkeypatch):
    servicos, relogio = planta["servicos"], planta["relogio"]
    status(planta, "iniciada")
    relogio.passar(30)
    gerencia = servicos.historico.gerencia
    guardar = gerencia._guardar
    monkeypatch.setattr(gerencia, "_guardar", lambda *a: (_ for _ in ()).throw(SystemExit("morto")))
    with pytest.raises(SystemExit):
        status(planta, "parada")  # the open interval moved, the closed one never inserted
    monkeypatch.setattr(gerencia, "_guardar", guardar)
    assert intervalos(planta) == [("iniciada", 0, 30), ("parada", 30, None)]  # read from `anterior` meanwhile
    relogio.passar(30)
    status(planta, "iniciada")  # the next transition stores it for good
    assert intervalos(planta) == [("iniciada", 0, 30), ("parada", 30, 60), ("iniciada", 60, None)]
    assert servicos.bd.colecao("intervalos_estado").count_documents({"maquina_id": planta["maquina_id"]}) == 2


def test_intervalos_sao_cortados_nas_bordas_do_periodo(planta):
    servicos, relogio = planta["servicos"], planta["relogio"]
    status(planta, "iniciada")
    relogio.passar(100)
    status(planta, "parada")
    relogio.passar(100)
    inicio = planta["inicio"]
    lista = utilizacao.intervalos_da_maquina(servicos, planta["maquina_id"], planta["usuario_id"], FUSO,
                                             desde=inicio + timedelta(seconds=50), ate=inicio + timedelta(seconds=150),
                                             agora=relogio.agora)
    assert [(i["estado"], i["inicio"] - inicio, i["fim"] - inicio) for i in lista] == [
        ("iniciada", timedelta(seconds=50), timedelta(seconds=100)), ("parada", timedelta(seconds=100), timedelta(seconds=150))]
