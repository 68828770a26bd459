"""Commands that tell the truth: a start is confirmed by the machine running with what it was sent, a start that
runs into a trip says so, and the machine keeps the parameters its device reports (for the start form)."""
import pytest

from conftest import aplicar_estado_agora
from nucleo import comandos

PEDIDO = {"voltagem": 380, "velocidade": 1750, "temperatura": 20}
DESARME = {"motivo": "temperatura_acima_do_limite", "valor": 27.8, "limite": 20.0}


@pytest.fixture
def maquina(atores, servicos):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    aplicar_estado_agora(servicos, maquina["id"], "parada")  # online
    return {"id": maquina["id"], "dono": dono["id"]}


def _partir(servicos, maquina, parametros=PEDIDO):
    return comandos.iniciar(servicos, lambda *_: True, maquina["id"], maquina["dono"], parametros)["comando_id"]


def _comando(servicos, maquina, comando_id):
    return next(c for c in servicos.comandos.listar(maquina["id"], maquina["dono"]) if c["comando_id"] == comando_id)


def test_partida_so_e_confirmada_quando_a_maquina_roda_com_o_que_foi_pedido(servicos, maquina):
    comando_id = _partir(servicos, maquina)
    # a heartbeat of a machine already running with other parameters is no answer to this start
    aplicar_estado_agora(servicos, maquina["id"], "iniciada", parametros={"voltagem": 220.0, "velocidade": 500.0,
                                                                          "temperatura": 90.0})
    assert _comando(servicos, maquina, comando_id)["estado"] == "enviado"
    aplicar_estado_agora(servicos, maquina["id"], "iniciada", parametros={campo: float(v) for campo, v in PEDIDO.items()})
    assert _comando(servicos, maquina, comando_id)["estado"] == "confirmado"


def test_partida_seguida_de_desarme_fica_registrada_como_desarmou_com_valor_e_limite(servicos, maquina):
    comando_id = _partir(servicos, maquina)
    aplicar_estado_agora(servicos, maquina["id"], "iniciada")
    aplicar_estado_agora(servicos, maquina["id"], "desarmada", **DESARME)
    aplicar_estado_agora(servicos, maquina["id"], "desarmada", **DESARME)  # its heartbeat repeats the trip
    comando = _comando(servicos, maquina, comando_id)
    assert comando["estado"] == "desarmou" and comando["confirmado_em"] is not None
    assert {campo: comando["desarme"][campo] for campo in DESARME} == DESARME and comando["desarme"]["em"] is not None
    doc = servicos.maquinas.buscar(maquina["id"])
    assert servicos.maquinas.publico(doc)["status"] == "desarmada" and servicos.maquinas.publico(doc)["desarme"] == DESARME
    aplicar_estado_agora(servicos, maquina["id"], "parada")
    assert servicos.maquinas.publico(servicos.maquinas.buscar(maquina["id"]))["desarme"] is None


def test_desarme_antes_do_iniciada_chegar_tambem_e_desarmou(servicos, maquina):
    comando_id = _partir(servicos, maquina)
    aplicar_estado_agora(servicos, maquina["id"], "desarmada", **DESARME)  # it started and tripped at once
    assert _comando(servicos, maquina, comando_id)["estado"] == "desarmou"


def test_desarme_depois_de_um_stop_nao_mexe_no_stop(servicos, maquina):
    _partir(servicos, maquina)
    aplicar_estado_agora(servicos, maquina["id"], "iniciada")
    parada = comandos.parar(servicos, lambda *_: True, maquina["id"], maquina["dono"])["comando_id"]
    aplicar_estado_agora(servicos, maquina["id"], "desarmada", **DESARME)
    assert _comando(servicos, maquina, parada)["estado"] == "enviado"


def test_a_maquina_guarda_os_parametros_que_o_dispositivo_diz_usar(servicos, maquina):
    aplicar_estado_agora(servicos, maquina["id"], "iniciada", parametros={"voltagem": 300.0, "velocidade": 1200.0,
                                                                          "temperatura": 75.0})
    configuracoes = servicos.maquinas.publico(servicos.maquinas.buscar(maquina["id"]))["configuracoes"]
    assert configuracoes == {"voltagem": 300.0, "velocidade": 1200.0, "temperatura": 75.0}
