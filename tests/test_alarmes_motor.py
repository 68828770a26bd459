"""The alarm engine on a real store: through the writer, one alarm not a thousand, offline by time,
restarts in the middle of a duration, and two app processes judging one machine's readings."""
from datetime import timedelta

import pytest
from bson import ObjectId

from bancos import servicos_do_banco  # noqa: F401  (one fixture per backend)
from conftest import LEITURA
from MongoDB.gerencia_BD import agora_utc, carimbo
from nucleo import validacao
from nucleo.servicos import criar_servicos

REGRA = {"sensor": "temperatura", "maximo": 80.0, "minimo": None, "duracao_s": 10, "leituras_seguidas": None,
         "histerese": 5.0, "severidade": "alta"}


class Relogio:
    """The engine's clock, moved by the test."""

    def __init__(self, inicio):
        self.agora = inicio

    def __call__(self):
        return self.agora


@pytest.fixture
def planta(servicos_do_banco):
    """Services whose engine runs on a test clock, a machine with one owner and the temperature rule."""
    servicos = servicos_do_banco
    relogio = Relogio(agora_utc().replace(microsecond=0))
    servicos.motor_alarmes.agora = relogio
    notificacoes = []
    servicos.motor_alarmes.notificar = lambda evento, alarme, maquina: notificacoes.append((evento, alarme["tipo"]))
    usuario = servicos.usuarios.criar("dona", "senha-da-dona", "Frigo", "dona@frigo.com")
    criada = servicos.maquinas.criar("WEG", "W22")
    maquina_id = criada["maquina"]["id"]
    servicos.maquinas.reivindicar(maquina_id, criada["segredo"], usuario["id"], "Moedor")
    servicos.maquinas.ajustar(maquina_id, usuario["id"], {"regras_alarme": [REGRA]})
    return {"servicos": servicos, "relogio": relogio, "notificacoes": notificacoes, "maquina_id": maquina_id,
            "usuario_id": usuario["id"]}


def _temperaturas(planta, valores, servicos=None):
    """One reading a second, stamped from the test clock (which then moves on), stored and judged by the writer."""
    servicos = servicos or planta["servicos"]
    for valor in valores:
        leitura = validacao.validar_leitura(dict(LEITURA, temperatura=valor, ts=planta["relogio"].agora.isoformat()),
                                            agora=planta["relogio"].agora)
        servicos.gravador._processar([_pedido(planta["maquina_id"], leitura, planta["relogio"].agora)])
        planta["relogio"].agora += timedelta(seconds=1)
    servicos.motor_alarmes.descarregar(forcar=True)


def _pedido(maquina_id, leitura, momento):
    from nucleo.gravador import Pedido
    return Pedido(maquina_id, momento, leituras=[leitura])


def _alarmes(planta):
    servicos = planta["servicos"]
    ate = planta["relogio"].agora + timedelta(days=1)
    return [servicos.alarmes.publico(doc) for doc in
            servicos.alarmes.listar_do_usuario(planta["usuario_id"], ate - timedelta(days=30), ate)]


def test_superaquecer_oscilar_e_esfriar_da_um_alarme_e_duas_notificacoes(planta):
    _temperaturas(planta, [70] * 5 + [90] * 15)  # raised 10 s into the heat
    [alarme] = _alarmes(planta)
    assert (alarme["tipo"], alarme["estado"], alarme["severidade"]) == ("temperatura_alta", "ativo", "alta")
    _temperaturas(planta, [81, 79] * 30)  # a minute around the limit: inside the hysteresis band
    _temperaturas(planta, [70] * 3)
    [alarme] = _alarmes(planta)
    assert alarme["estado"] == "normalizado" and alarme["valor_pico"] == 90.0 and alarme["ultimo_valor"] == 81.0
    assert alarme["contagem"] == 1 + 4 + 30  # the raise (11th second above), the 4 after it, the 30 at 81 °C
    assert planta["notificacoes"] == [("alarme.ativado", "temperatura_alta"), ("alarme.normalizado", "temperatura_alta")]


def test_normalizado_sem_reconhecer_volta_o_mesmo_reconhecido_e_normalizado_vira_outro(planta):
    servicos = planta["servicos"]
    _temperaturas(planta, [90] * 12 + [70])
    [primeiro] = _alarmes(planta)
    _temperaturas(planta, [90] * 12)
    assert [a["alarme_id"] for a in _alarmes(planta)] == [primeiro["alarme_id"]]  # the same, active again
    _temperaturas(planta, [70])
    servicos.alarmes.reconhecer(primeiro["alarme_id"], planta["usuario_id"], "troquei o ventilador", planta["relogio"].agora)
    _temperaturas(planta, [90] * 12)
    segundo, primeiro_de_novo = _alarmes(planta)
    assert primeiro_de_novo["alarme_id"] == primeiro["alarme_id"] and primeiro_de_novo["reconhecido"]
    assert segundo["alarme_id"] != primeiro["alarme_id"] and segundo["estado"] == "ativo"


def test_reiniciar_no_meio_de_dez_minutos_nao_recomeca_a_contar(planta, servicos_do_banco):
    servicos = planta["servicos"]
    servicos.maquinas.ajustar(planta["maquina_id"], planta["usuario_id"], {"regras_alarme": [REGRA | {"duracao_s": 600}]})
    servicos.motor_alarmes.esquecer(planta["maquina_id"])
    _temperaturas(planta, [90] * 300)  # five minutes; then the app stops
    depois = criar_servicos(servicos.bd, servicos.cfg)  # a new process over the same database
    depois.motor_alarmes.agora = planta["relogio"]
    _temperaturas(planta, [90] * 299, servicos=depois)
    assert _alarmes(planta) == []
    _temperaturas(planta, [90] * 2, servicos=depois)
    assert [a["tipo"] for a in _alarmes(planta)] == ["temperatura_alta"]


def test_dois_processos_julgando_a_mesma_maquina_dao_um_alarme(planta):
    servicos = planta["servicos"]
    outro = criar_servicos(servicos.bd, servicos.cfg)  # a second app process under MQTT_SHARED_GROUP
    outro.motor_alarmes.agora = planta["relogio"]
    outro.motor_alarmes.notificar = servicos.motor_alarmes.notificar
    for i in range(30):  # the broker hands readings to the two processes in turn
        _temperaturas(planta, [90], servicos=(servicos, outro)[i % 2])
    _temperaturas(planta, [70], servicos=outro)
    [alarme] = _alarmes(planta)
    assert alarme["estado"] == "normalizado" and alarme["contagem"] == 30 - 10
    assert planta["notificacoes"] == [("alarme.ativado", "temperatura_alta"), ("alarme.normalizado", "temperatura_alta")]


def test_maquina_calada_alem_do_seu_tempo_vira_alarme_offline_e_volta_ao_falar(planta):
    servicos, maquina_id = planta["servicos"], planta["maquina_id"]
    servicos.maquinas.ajustar(maquina_id, planta["usuario_id"], {"timeout_s": 30})
    _temperaturas(planta, [50])
    planta["relogio"].agora += timedelta(seconds=20)
    assert servicos.motor_alarmes.verificar_offline() == 0  # 21 s silent: not yet
    planta["relogio"].agora += timedelta(seconds=15)
    assert servicos.maquinas.esta_online(servicos.maquinas.buscar(maquina_id), planta["relogio"].agora) is False
    assert servicos.motor_alarmes.verificar_offline() == 1
    assert servicos.motor_alarmes.verificar_offline() == 0  # one alarm, not one per check
    [offline] = _alarmes(planta)
    assert (offline["tipo"], offline["estado"], offline["severidade"]) == ("offline", "ativo", "alta")
    _temperaturas(planta, [50])
    [offline] = _alarmes(planta)
    assert offline["estado"] == "normalizado"
    assert [evento for evento, _ in planta["notificacoes"]] == ["alarme.ativado", "alarme.normalizado"]


def test_leituras_velhas_de_uma_maquina_que_voltou_nao_levantam_nem_normalizam(planta):
    servicos = planta["servicos"]
    relogio = planta["relogio"]
    _temperaturas(planta, [90] * 12)
    [alarme] = _alarmes(planta)
    inicio = relogio.agora
    relogio.agora = inicio - timedelta(minutes=10)  # a backlog stamped ten minutes ago (past the 45 s timeout)
    leituras = []
    for i in range(5):
        leituras.append(validacao.validar_leitura(dict(LEITURA, temperatura=20.0, ts=(relogio.agora + timedelta(seconds=i)).isoformat()),
                                                  agora=inicio))
    relogio.agora = inicio
    servicos.gravador._processar([_pedido(planta["maquina_id"], leitura, inicio) for leitura in leituras])
    assert _alarmes(planta)[0]["estado"] == "ativo"


def test_maquina_removida_com_leituras_na_fila_nao_quebra_o_motor(planta):
    servicos = planta["servicos"]
    servicos.motor_alarmes.avaliar([(str(ObjectId()), {"ts": None, "dados_sensor": dict(LEITURA), "seq": None},
                                     agora_utc())], falaram=())
    assert _alarmes(planta) == []


def test_last_will_conta_como_offline_no_proximo_exame(planta):
    servicos, maquina_id = planta["servicos"], planta["maquina_id"]
    _temperaturas(planta, [50])
    servicos.maquinas.colecao.update_one({"_id": ObjectId(maquina_id)},
                                         {"$set": {"desconectada_em": carimbo(planta["relogio"].agora)}})
    assert servicos.motor_alarmes.verificar_offline() == 1


def test_um_lote_de_trinta_maquinas_le_os_estados_numa_consulta_e_julga_cada_uma(planta):
    """At 300 machines × 1 Hz one query per machine and batch was most of the writer's time in the store."""
    servicos, relogio = planta["servicos"], planta["relogio"]
    maquinas = []
    for numero in range(30):
        criada = servicos.maquinas.criar("WEG", "W22")
        servicos.maquinas.reivindicar(criada["maquina"]["id"], criada["segredo"], planta["usuario_id"], f"M{numero}")
        servicos.maquinas.ajustar(criada["maquina"]["id"], planta["usuario_id"], {"regras_alarme": [REGRA]})
        maquinas.append(criada["maquina"]["id"])
    consultas, maquinas_lidas = [], []
    carregar = servicos.motor_alarmes.estados.carregar
    servicos.motor_alarmes.estados.carregar = lambda chaves: consultas.append(len(chaves)) or carregar(chaves)
    buscar_varias = servicos.maquinas.buscar_varias
    servicos.maquinas.buscar_varias = lambda ids: maquinas_lidas.append(len(ids)) or buscar_varias(ids)
    for _ in range(12):  # 12 s: past the rule's 10 s for the hot half
        pedidos = [_pedido(maquina_id, validacao.validar_leitura(
            dict(LEITURA, temperatura=90 if numero % 2 == 0 else 70, ts=relogio.agora.isoformat()), agora=relogio.agora),
            relogio.agora) for numero, maquina_id in enumerate(maquinas)]
        servicos.gravador._processar(pedidos)
        relogio.agora += timedelta(seconds=1)
    servicos.motor_alarmes.descarregar(forcar=True)
    assert len(consultas) == 12 and all(n >= 30 for n in consultas)  # one per batch, every machine's states in it
    assert maquinas_lidas == [30]  # the machines and their rules: one query, then cached
    quentes = {a["maquina_id"] for a in _alarmes(planta) if a["tipo"] == "temperatura_alta" and a["estado"] == "ativo"}
    assert quentes == set(maquinas[::2])
