"""Downtimes: which stops become events, labeling them with the owner's reasons and log entries, the Pareto."""
from datetime import datetime, timedelta, timezone

import pytest

from bancos import servicos_do_banco  # noqa: F401  (one fixture per backend)
from MongoDB.erros import DadosInvalidos, MaquinaNaoEncontrada
from MongoDB.gerencia_paradas import ParadaNaoEncontrada
from MongoDB.gerencia_registros import RegistroNaoEncontrado
from nucleo import paradas
from nucleo.estados import status_simples

INICIO = datetime(2025, 3, 10, 11, 0, tzinfo=timezone.utc)
DESARME = {"motivo": "temperatura_acima_do_limite", "valor": 27.8, "limite": 20.0}


def minutos(n):
    return INICIO + timedelta(minutes=n)


@pytest.fixture
def planta(servicos_do_banco):
    servicos = servicos_do_banco
    dona = servicos.usuarios.criar("dona", "senha-da-dona", "Frigo", "dona@frigo.com")["id"]
    criada = servicos.maquinas.criar("WEG", "W22")
    servicos.maquinas.reivindicar(criada["maquina"]["id"], criada["segredo"], dona, "Moedor")
    return servicos, dona, criada["maquina"]["id"]


def historia(servicos, maquina_id, *passos):
    for minuto, estado, *detalhes in passos:
        status = {**status_simples(estado), **(detalhes[0] if detalhes else {})}
        servicos.estados.aplicar_lote([(maquina_id, minutos(minuto), status)])


def resumo(lista):
    return [(p["estado"], (p["inicio"] - INICIO) // timedelta(minutes=1),
             None if p["fim"] is None else (p["fim"] - INICIO) // timedelta(minutes=1), p["duracao_s"], p["motivo"])
            for p in lista]


def test_so_paradas_acima_do_minimo_viram_eventos_e_offline_no_meio_nao_conta_nem_separa(planta):
    servicos, dona, moedor = planta
    historia(servicos, moedor, (0, "iniciada"), (10, "parada"), (14, "iniciada"),  # 4 min: under the 5 min minimum
             (20, "desarmada", DESARME), (30, "parada"), (40, "offline"), (100, "online"), (110, "iniciada"),
             (120, "parada"))
    lista = paradas.listar(servicos, dona, desde=minutos(0), ate=minutos(200), agora=minutos(200))
    assert resumo(lista) == [("parada", 120, None, 80 * 60, None),
                             ("desarmada", 20, 110, (20 + 10) * 60, None)]  # the hour offline is not downtime
    assert lista[1]["desarme"] == DESARME and lista[1]["parada_id"] == f"{moedor}-{int(minutos(20).timestamp() * 1000)}"


def test_parada_que_comecou_antes_do_periodo_aparece_inteira(planta):
    servicos, dona, moedor = planta
    historia(servicos, moedor, (0, "iniciada"), (10, "parada"), (20, "offline"), (30, "online"), (60, "iniciada"))
    [parada] = paradas.listar(servicos, dona, desde=minutos(50), ate=minutos(70), agora=minutos(70))
    assert resumo([parada]) == [("parada", 10, 60, 40 * 60, None)]


def test_rotular_com_motivo_da_lista_nota_e_registro_da_maquina(planta):
    servicos, dona, moedor = planta
    historia(servicos, moedor, (0, "iniciada"), (10, "parada"))  # still stopped: labelable already
    [parada] = paradas.listar(servicos, dona, desde=minutos(0), ate=minutos(60), agora=minutos(60))
    registro = servicos.registros.criar(moedor, dona, "Troca da correia")
    rotulada = paradas.rotular(servicos, dona, parada["parada_id"],
                               {"motivo": "quebra", "nota": "correia partiu", "registro_id": registro["registro_id"]},
                               agora=minutos(60))
    assert (rotulada["motivo"], rotulada["nota"], rotulada["registro_id"]) == ("quebra", "correia partiu", registro["registro_id"])
    [relida] = paradas.listar(servicos, dona, desde=minutos(0), ate=minutos(90), agora=minutos(90))
    assert (relida["motivo"], relida["nota"], relida["duracao_s"]) == ("quebra", "correia partiu", 80 * 60)
    paradas.rotular(servicos, dona, parada["parada_id"], {"motivo": None}, agora=minutos(90))
    assert paradas.listar(servicos, dona, desde=minutos(0), ate=minutos(90), agora=minutos(90))[0]["motivo"] is None


def test_motivo_fora_da_lista_registro_alheio_e_parada_inexistente_sao_recusados(planta):
    servicos, dona, moedor = planta
    historia(servicos, moedor, (0, "iniciada"), (10, "parada"), (30, "iniciada"))
    [parada] = paradas.listar(servicos, dona, desde=minutos(0), ate=minutos(60), agora=minutos(60))
    with pytest.raises(DadosInvalidos) as fora:
        paradas.rotular(servicos, dona, parada["parada_id"], {"motivo": "preguiça"}, agora=minutos(60))
    assert fora.value.campo == "motivo"
    paradas.salvar_motivos(servicos, dona, {"motivos": ["preguiça", "setup"]})
    assert paradas.rotular(servicos, dona, parada["parada_id"], {"motivo": "preguiça"}, agora=minutos(60))["motivo"] == "preguiça"

    outra = servicos.maquinas.criar("WEG", "W21")
    servicos.maquinas.reivindicar(outra["maquina"]["id"], outra["segredo"], dona, "Serra")
    de_outra_maquina = servicos.registros.criar(outra["maquina"]["id"], dona, "nota da serra")
    with pytest.raises(RegistroNaoEncontrado):
        paradas.rotular(servicos, dona, parada["parada_id"], {"registro_id": de_outra_maquina["registro_id"]}, agora=minutos(60))
    vizinho = servicos.usuarios.criar("vizinho", "senha-do-vizinho", "Outra", "v@outra.com")["id"]
    with pytest.raises(MaquinaNaoEncontrada):
        paradas.rotular(servicos, vizinho, parada["parada_id"], {"motivo": "setup"}, agora=minutos(60))
    with pytest.raises(ParadaNaoEncontrada):  # a time no stop began at
        paradas.rotular(servicos, dona, f"{moedor}-{int(minutos(11).timestamp() * 1000)}", {}, agora=minutos(60))


def test_pareto_ordena_os_motivos_pelo_tempo_parado_no_periodo_e_guarda_os_sem_motivo(planta):
    servicos, dona, moedor = planta
    historia(servicos, moedor, (0, "parada"), (30, "iniciada"), (40, "parada"), (50, "iniciada"),
             (60, "parada"), (80, "iniciada"), (90, "parada"), (96, "iniciada"))
    lista = paradas.listar(servicos, dona, desde=minutos(0), ate=minutos(100), agora=minutos(100))
    por_inicio = {(p["inicio"] - INICIO) // timedelta(minutes=1): p["parada_id"] for p in lista}
    for minuto, motivo in ((0, "setup"), (40, "setup"), (60, "quebra")):
        paradas.rotular(servicos, dona, por_inicio[minuto], {"motivo": motivo}, agora=minutos(100))
    pareto = paradas.pareto(servicos, dona, desde=minutos(10), ate=minutos(100), agora=minutos(100))
    assert pareto == {"total_s": (20 + 10 + 20 + 6) * 60, "motivos": [
        {"motivo": "setup", "total_s": 30 * 60, "contagem": 2, "fracao": 0.5357},   # 20 of its first 30 min fall inside
        {"motivo": "quebra", "total_s": 20 * 60, "contagem": 1, "fracao": 0.3571},
        {"motivo": None, "total_s": 6 * 60, "contagem": 1, "fracao": 0.1071}]}


def test_o_proximo_dono_nao_le_os_rotulos_do_anterior(planta):
    servicos, dona, moedor = planta
    historia(servicos, moedor, (0, "iniciada"), (10, "parada"), (30, "iniciada"))
    [parada] = paradas.listar(servicos, dona, desde=minutos(0), ate=minutos(60), agora=minutos(60))
    paradas.rotular(servicos, dona, parada["parada_id"], {"motivo": "setup", "nota": "segredo da casa"}, agora=minutos(60))
    servicos.maquinas.liberar(moedor, dona)
    novo = servicos.usuarios.criar("novo", "senha-do-novo", "Nova", "n@nova.com")["id"]
    servicos.maquinas.colecao.update_one({"id_usuario": ""}, {"$set": {"id_usuario": novo}})
    [dele] = paradas.listar(servicos, novo, desde=minutos(0), ate=minutos(60), agora=minutos(60))
    assert (dele["parada_id"], dele["motivo"], dele["nota"]) == (parada["parada_id"], None, None)
    assert paradas.listar(servicos, dona, desde=minutos(0), ate=minutos(60), agora=minutos(60)) == []
