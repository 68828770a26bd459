"""The notification outbox on every backend, on a controllable clock: one item per transition and channel,
the minimum severity at enqueue, claims that two processes never share, leases that bring back a dead process's
item, backoff, giving up with the last error, and restarts that neither lose nor repeat a delivery."""
from datetime import timedelta

import pytest
from bson import ObjectId

from bancos import servicos_do_banco  # noqa: F401  (one fixture per backend)
from MongoDB.gerencia_BD import agora_utc
from MongoDB.gerencia_notificacoes import ENTREGUE, FALHOU, PENDENTE
from nucleo.entregador import Entregador, FalhaDeEntrega
from nucleo.notificacoes import Notificador


class Relogio:
    def __init__(self, inicio):
        self.agora = inicio

    def __call__(self):
        return self.agora

    def avancar(self, segundos):
        self.agora += timedelta(seconds=segundos)


class CanalDeTeste:
    """A channel whose receiver answers from a script: an error text fails that attempt, None delivers."""

    def __init__(self, roteiro=()):
        self.roteiro, self.entregues, self.tentativas = list(roteiro), [], 0

    @staticmethod
    def ativo(ajustes):
        return bool(ajustes["webhook_url"])

    def enviar(self, item, ajustes):
        self.tentativas += 1
        erro = self.roteiro.pop(0) if self.roteiro else None
        if erro:
            raise FalhaDeEntrega(erro)
        self.entregues.append(item["_id"])


@pytest.fixture
def planta(servicos_do_banco):
    servicos = servicos_do_banco
    relogio = Relogio(agora_utc().replace(microsecond=0))
    dona = servicos.usuarios.criar("dona", "senha-da-dona", "Frigo", "dona@frigo.com")
    servicos.usuarios.salvar_notificacoes(dona["id"], "https://hooks.frigo.com/x", "s" * 43, False, "alta")
    canal = CanalDeTeste()
    notificador = Notificador(servicos.usuarios, servicos.notificacoes, {"webhook": canal}, agora=relogio)
    return {"servicos": servicos, "relogio": relogio, "dona": dona, "canal": canal, "notificador": notificador,
            "maquina": {"_id": ObjectId(), "nome_maquina": "Moedor 1"}}


def _entregador(planta, canal=None, **ajustes):
    opcoes = {"tentativas": 4, "espera_inicial_s": 10, "espera_maxima_s": 25, "concessao_s": 60, **ajustes}
    return Entregador(planta["servicos"].notificacoes, planta["servicos"].usuarios, {"webhook": canal or planta["canal"]},
                      agora=planta["relogio"], **opcoes)


def _alarme(planta, severidade="alta", tipo="temperatura_alta"):
    alarme, _ = planta["servicos"].alarmes.ativar(str(planta["maquina"]["_id"]), planta["dona"]["id"], tipo,
                                                  "temperatura", severidade, 95.0, 80.0, planta["relogio"].agora)
    return alarme


def _fila(planta):
    return list(planta["servicos"].notificacoes.fila.find({}))


def test_cada_transicao_vira_um_item_e_repetir_o_anuncio_nao_duplica(planta):
    alarme = _alarme(planta)
    assert planta["notificador"]("alarme.ativado", alarme, planta["maquina"]) == 1
    assert planta["notificador"]("alarme.ativado", alarme, planta["maquina"]) == 0  # a replay of the same transition
    normalizado = planta["servicos"].alarmes.normalizar(alarme["maquina_id"], alarme["tipo"], planta["relogio"].agora)
    assert planta["notificador"]("alarme.normalizado", normalizado, planta["maquina"]) == 1
    # The same alarm raised again before anyone acknowledged it is another transition, so another item.
    reaberto, _ = planta["servicos"].alarmes.ativar(alarme["maquina_id"], planta["dona"]["id"], alarme["tipo"],
                                                    "temperatura", "alta", 96.0, 80.0, planta["relogio"].agora)
    assert planta["notificador"]("alarme.ativado", reaberto, planta["maquina"]) == 1
    itens = _fila(planta)
    assert len(itens) == 3 and {item["estado"] for item in itens} == {PENDENTE}
    primeiro = next(item for item in itens if item["alarme"]["estado"] == "normalizado")
    assert primeiro["alarme"]["alarme_id"] == str(alarme["_id"]) and primeiro["contexto"]["nome_maquina"] == "Moedor 1"


def test_severidade_abaixo_da_minima_nao_entra_na_fila(planta):
    assert planta["notificador"]("alarme.ativado", _alarme(planta, "media", "tensao_baixa"), planta["maquina"]) == 0
    assert planta["notificador"]("alarme.ativado", _alarme(planta, "critica", "vibracao_zona_d"), planta["maquina"]) == 1
    assert [item["alarme"]["tipo"] for item in _fila(planta)] == ["vibracao_zona_d"]


def test_entregue_uma_vez_e_nunca_de_novo(planta):
    planta["notificador"]("alarme.ativado", _alarme(planta), planta["maquina"])
    entregador = _entregador(planta)
    assert entregador.entregar_devidas() == 1
    planta["relogio"].avancar(3600)
    assert entregador.entregar_devidas() == 0 and _entregador(planta).entregar_devidas() == 0  # a restarted process too
    [item] = _fila(planta)
    assert item["estado"] == ENTREGUE and len(planta["canal"].entregues) == 1
    situacao = planta["servicos"].notificacoes.situacoes(planta["dona"]["id"], ("webhook",))["webhook"]
    assert situacao["ultimo_status"] == "entregue" and situacao["ultimo_sucesso_em"] == planta["relogio"].agora - timedelta(seconds=3600)


def test_dois_processos_nunca_pegam_o_mesmo_item_e_o_de_um_processo_morto_volta_apos_a_concessao(planta):
    planta["notificador"]("alarme.ativado", _alarme(planta), planta["maquina"])
    notificacoes, agora_ms = planta["servicos"].notificacoes, int(planta["relogio"].agora.timestamp() * 1000)
    # Process A claims the item and dies before sending (or after sending, before marking it).
    assert notificacoes.reivindicar(agora_ms, 60_000, "processo-a") is not None
    outro = _entregador(planta)
    assert outro.entregar_devidas() == 0 and planta["canal"].tentativas == 0  # A's lease holds it
    planta["relogio"].avancar(59)
    assert outro.entregar_devidas() == 0
    planta["relogio"].avancar(2)  # A's lease ran out: the item comes back, and is delivered once
    assert outro.entregar_devidas() == 1 and len(planta["canal"].entregues) == 1
    [item] = _fila(planta)
    assert item["estado"] == ENTREGUE and item["tentativas"] == 2


def test_processo_que_perdeu_a_concessao_nao_muda_o_item_de_outro(planta):
    planta["notificador"]("alarme.ativado", _alarme(planta), planta["maquina"])
    notificacoes, agora = planta["servicos"].notificacoes, planta["relogio"].agora
    lento = notificacoes.reivindicar(int(agora.timestamp() * 1000), 1_000, "lento")
    novo = notificacoes.reivindicar(int(agora.timestamp() * 1000) + 2_000, 60_000, "novo")
    assert novo["_id"] == lento["_id"]
    assert notificacoes.reagendar(lento, "HTTP 500", 0) is False and notificacoes.desistir(lento, "x", agora) is False
    assert notificacoes.entregue(novo, agora) is True


def test_falha_volta_com_espera_exponencial_e_desiste_guardando_o_ultimo_erro(planta):
    canal = CanalDeTeste(["HTTP 500 Internal Server Error"] * 3 + ["Tempo esgotado (10 s) em 203.0.113.5"])
    planta["notificador"]("alarme.ativado", _alarme(planta), planta["maquina"])
    entregador = _entregador(planta, canal)
    momentos = []
    for _ in range(200):  # one pass a second for 200 s
        if entregador.entregar_devidas() or canal.tentativas > len(momentos):
            momentos.append(planta["relogio"].agora)
        planta["relogio"].avancar(1)
    inicio = momentos[0]
    assert [(m - inicio).total_seconds() for m in momentos] == [0, 10, 30, 55]  # waits 10, 20, then capped at 25
    [item] = _fila(planta)
    assert (item["estado"], item["tentativas"], item["ultimo_erro"]) == (FALHOU, 4, "Tempo esgotado (10 s) em 203.0.113.5")
    situacao = planta["servicos"].notificacoes.situacoes(planta["dona"]["id"], ("webhook",))["webhook"]
    assert situacao["ultimo_status"] == "falhou" and situacao["ultimo_erro"].startswith("Tempo esgotado")
    assert situacao["ultimo_sucesso_em"] is None


def test_receptor_consertado_recebe_na_nova_tentativa_e_o_erro_fica_visivel(planta):
    canal = CanalDeTeste(["HTTP 500 Internal Server Error"])
    planta["notificador"]("alarme.ativado", _alarme(planta), planta["maquina"])
    entregador = _entregador(planta, canal)
    assert entregador.entregar_devidas() == 0
    situacao = planta["servicos"].notificacoes.situacoes(planta["dona"]["id"], ("webhook",))["webhook"]
    assert (situacao["ultimo_status"], situacao["ultimo_erro"]) == ("nova_tentativa", "HTTP 500 Internal Server Error")
    planta["relogio"].avancar(10)
    assert entregador.entregar_devidas() == 1
    situacao = planta["servicos"].notificacoes.situacoes(planta["dona"]["id"], ("webhook",))["webhook"]
    assert situacao["ultimo_status"] == "entregue" and situacao["ultimo_erro"] == "HTTP 500 Internal Server Error"


def test_canal_desligado_antes_da_entrega_nao_envia(planta):
    planta["notificador"]("alarme.ativado", _alarme(planta), planta["maquina"])
    planta["servicos"].usuarios.salvar_notificacoes(planta["dona"]["id"], None, None, False, "alta")
    assert _entregador(planta).entregar_devidas() == 0 and planta["canal"].tentativas == 0
    assert [item["estado"] for item in _fila(planta)] == [FALHOU]


def test_itens_encerrados_expiram_e_pendentes_nunca(planta):
    from nucleo.retencao import Retencao
    for tipo in ("temperatura_alta", "tensao_alta"):
        planta["notificador"]("alarme.ativado", _alarme(planta, tipo=tipo), planta["maquina"])
    notificacoes = planta["servicos"].notificacoes
    entregue = notificacoes.reivindicar(int(planta["relogio"].agora.timestamp() * 1000), 1000, "t")
    notificacoes.entregue(entregue, planta["relogio"].agora - timedelta(days=8))
    servicos = planta["servicos"]
    tarefa = Retencao(servicos.telemetria, servicos.agregados, 35, 730, notificacoes=notificacoes, dias_notificacoes=7)
    assert tarefa.executar(pausa_s=0)["apagadas_notificacoes"] == 1
    assert [item["estado"] for item in _fila(planta)] == [PENDENTE]
    if not servicos.bd.e_nx_27017:  # MongoDB does the same with a TTL index on the settling time
        servicos.bd.aplicar_retencao(35, 730, 7)
        ttl = [info for info in notificacoes.fila.index_information().values() if "expireAfterSeconds" in info]
        assert [(i["key"], i["expireAfterSeconds"]) for i in ttl] == [([("encerrado_em.em", 1)], 7 * 86400)]
