"""Utilization on a test clock: seconds per state and availability per machine and for the plant, in a range or
a shift, a shift across midnight, offline inside a run, DST nights, and the shifts an owner keeps."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from MongoDB.erros import DadosInvalidos, MaquinaNaoEncontrada
from nucleo import turnos, utilizacao
from nucleo.estados import status_simples

SP, BERLIM = ZoneInfo("America/Sao_Paulo"), ZoneInfo("Europe/Berlin")
HORA = 3600


def local(zona, *campos):
    return datetime(*campos, tzinfo=zona)


@pytest.fixture
def dona(servicos):
    usuario = servicos.usuarios.criar("dona", "senha-da-dona", "Frigo", "dona@frigo.com")
    return usuario["id"]


def maquina(servicos, dono, nome="Moedor"):
    criada = servicos.maquinas.criar("WEG", "W22")
    servicos.maquinas.reivindicar(criada["maquina"]["id"], criada["segredo"], dono, nome)
    return criada["maquina"]["id"]


def historia(servicos, maquina_id, *passos):
    """Status messages [(local time, estado)] as the writer applies them."""
    for momento, estado in passos:
        servicos.estados.aplicar_lote([(maquina_id, momento.astimezone(ZoneInfo("UTC")), status_simples(estado))])


def linha(resultado, maquina_id):
    return next(m for m in resultado["maquinas"] if m["maquina_id"] == maquina_id)


def test_turno_que_cruza_a_meia_noite_conta_so_o_que_cai_dentro_dele(servicos, dona):
    moedor = maquina(servicos, dona)
    historia(servicos, moedor, (local(SP, 2025, 3, 10, 21), "iniciada"), (local(SP, 2025, 3, 11, 3), "parada"),
             (local(SP, 2025, 3, 11, 7), "iniciada"))
    periodo = {"desde": local(SP, 2025, 3, 10, 20), "ate": local(SP, 2025, 3, 11, 8), "agora": local(SP, 2025, 3, 11, 12)}
    turno_c = utilizacao.calcular(servicos, dona, "America/Sao_Paulo", turno="C", **periodo)
    assert linha(turno_c, moedor) == {"maquina_id": moedor, "nome_maquina": "Moedor", "iniciada_s": 5 * HORA,
                                      "parada_s": 3 * HORA, "desarmada_s": 0, "offline_s": 0, "disponibilidade": 0.625}
    inteiro = linha(utilizacao.calcular(servicos, dona, "America/Sao_Paulo", **periodo), moedor)
    # 20:00-21:00 has no history yet: planned, but in no state
    assert (inteiro["iniciada_s"], inteiro["parada_s"], inteiro["disponibilidade"]) == (7 * HORA, 4 * HORA, 0.5833)


def test_offline_no_meio_da_operacao_nao_conta_como_operando(servicos, dona):
    moedor = maquina(servicos, dona)
    historia(servicos, moedor, (local(SP, 2025, 3, 10, 8), "iniciada"), (local(SP, 2025, 3, 10, 9), "offline"),
             (local(SP, 2025, 3, 10, 9, 30), "online"))
    resultado = utilizacao.calcular(servicos, dona, "America/Sao_Paulo", desde=local(SP, 2025, 3, 10, 8),
                                    ate=local(SP, 2025, 3, 10, 10), agora=local(SP, 2025, 3, 10, 10))
    assert linha(resultado, moedor) | {"maquina_id": None} == {
        "maquina_id": None, "nome_maquina": "Moedor", "iniciada_s": 1.5 * HORA, "parada_s": 0, "desarmada_s": 0,
        "offline_s": 0.5 * HORA, "disponibilidade": 0.75}


@pytest.mark.parametrize("noite, horas", [((2024, 3, 30), 7), ((2024, 10, 26), 9)])
def test_turno_da_noite_na_troca_de_horario_de_verao_dura_o_que_o_relogio_de_parede_diz(servicos, dona, noite, horas):
    moedor = maquina(servicos, dona)
    historia(servicos, moedor, (local(BERLIM, *noite, 12), "iniciada"))
    dia_seguinte = local(BERLIM, *noite, 12) + timedelta(days=1)
    resultado = utilizacao.calcular(servicos, dona, "Europe/Berlin", desde=local(BERLIM, *noite, 12),
                                    ate=dia_seguinte, turno="C", agora=dia_seguinte)
    assert linha(resultado, moedor)["iniciada_s"] == horas * HORA and linha(resultado, moedor)["disponibilidade"] == 1.0
    inicio, fim = turnos.dia(dia_seguinte.date(), BERLIM)
    assert fim - inicio == timedelta(hours=24 + horas - 8)  # the calendar day itself is 23 or 25 h long


def test_planta_soma_as_maquinas_do_dono_e_nada_dos_outros(servicos, dona):
    moedor, serra = maquina(servicos, dona), maquina(servicos, dona, "Serra")
    outro = servicos.usuarios.criar("vizinho", "senha-do-vizinho", "Outra", "v@outra.com")["id"]
    alheia = maquina(servicos, outro, "Alheia")
    for maquina_id in (moedor, alheia):
        historia(servicos, maquina_id, (local(SP, 2025, 3, 10, 8), "iniciada"))
    historia(servicos, serra, (local(SP, 2025, 3, 10, 8), "parada"), (local(SP, 2025, 3, 10, 9), "desarmada"))
    resultado = utilizacao.calcular(servicos, dona, "America/Sao_Paulo", desde=local(SP, 2025, 3, 10, 8),
                                    ate=local(SP, 2025, 3, 10, 10), agora=local(SP, 2025, 3, 10, 10))
    assert {m["maquina_id"] for m in resultado["maquinas"]} == {moedor, serra}
    assert resultado["planta"] == {"iniciada_s": 2 * HORA, "parada_s": HORA, "desarmada_s": HORA, "offline_s": 0,
                                   "disponibilidade": 0.5}
    with pytest.raises(MaquinaNaoEncontrada):
        utilizacao.intervalos_da_maquina(servicos, alheia, dona, "America/Sao_Paulo")


def test_o_planejado_para_no_agora_e_o_padrao_e_hoje_no_fuso_do_operador(servicos, dona):
    moedor = maquina(servicos, dona)
    historia(servicos, moedor, (local(SP, 2025, 3, 10, 0), "iniciada"))
    meio_dia = local(SP, 2025, 3, 10, 12)
    hoje = linha(utilizacao.calcular(servicos, dona, "America/Sao_Paulo", agora=meio_dia), moedor)
    assert hoje["iniciada_s"] == 12 * HORA and hoje["disponibilidade"] == 1.0
    ate_a_noite = linha(utilizacao.calcular(servicos, dona, "America/Sao_Paulo", ate=local(SP, 2025, 3, 11, 0),
                                            agora=meio_dia), moedor)
    assert ate_a_noite == hoje  # the afternoon has not happened yet: not planned, not lost


def test_turnos_do_dono_padrao_troca_e_recusa_o_que_nao_faz_sentido(servicos, dona):
    assert [t["nome"] for t in turnos.do_usuario(servicos, dona)] == ["A", "B", "C"]
    salvos = turnos.salvar(servicos, dona, {"turnos": [{"nome": "Dia", "inicio": "07:00", "fim": "19:00"},
                                                       {"nome": "Noite", "inicio": "19:00", "fim": "07:00"}]})
    assert turnos.do_usuario(servicos, dona) == salvos
    with pytest.raises(DadosInvalidos) as inexistente:
        utilizacao.calcular(servicos, dona, "America/Sao_Paulo", turno="C")
    assert inexistente.value.campo == "turno"
    for errado, campo in [({"turnos": []}, "turnos"), ({"turnos": [{"nome": "A", "inicio": "6:00", "fim": "14:00"}]}, "inicio"),
                          ({"turnos": [{"nome": "A", "inicio": "06:00", "fim": "06:00"}]}, "fim"),
                          ({"turnos": [{"nome": "A", "inicio": "06:00", "fim": "14:00"},
                                       {"nome": "a", "inicio": "14:00", "fim": "22:00"}]}, "nome")]:
        with pytest.raises(DadosInvalidos) as recusa:
            turnos.salvar(servicos, dona, errado)
        assert recusa.value.campo == campo, errado
