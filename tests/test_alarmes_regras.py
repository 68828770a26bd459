"""How one rule judges a sequence of readings: crossing, duration, count, hysteresis, flapping (pure, no database)."""
import pytest

from MongoDB.erros import DadosInvalidos
from nucleo.regras import ATIVAR, NORMALIZAR, REPETIR, condicoes, julgar, validar_regras, zona_vibracao

ZONAS = (1.4, 2.8, 4.5)


def _cond(**regra):
    base = {"sensor": "temperatura", "maximo": 80.0, "minimo": None, "duracao_s": None, "leituras_seguidas": None,
            "histerese": 0.0, "severidade": "alta"}
    return condicoes([base | regra], ZONAS)[0]


def _sequencia(cond, valores, passo_ms=1000, estado=None):
    """Judge `valores` one second apart; returns (events, state)."""
    estado = estado or {"fora_desde_ms": None, "contagem": 0, "ativo": 0, "ts_ms": 0}
    eventos = []
    for i, valor in enumerate(valores, start=1):
        eventos.append(julgar(estado, cond, valor, estado["ts_ms"] + passo_ms if estado["ts_ms"] else i * passo_ms))
    return eventos, estado


def test_sem_duracao_o_primeiro_valor_acima_levanta_e_o_de_volta_normaliza():
    eventos, _ = _sequencia(_cond(), [70, 81, 85, 79])
    assert eventos == [None, ATIVAR, REPETIR, NORMALIZAR]


def test_duracao_so_levanta_depois_de_n_segundos_seguidos_acima():
    eventos, _ = _sequencia(_cond(duracao_s=10), [81] * 10 + [82])
    assert eventos.index(ATIVAR) == 10 and eventos.count(ATIVAR) == 1  # 10 s after the first reading above


def test_uma_leitura_normal_no_meio_recomeca_a_duracao():
    eventos, _ = _sequencia(_cond(duracao_s=5), [81, 81, 81, 79, 81, 81, 81, 81, 81, 81])
    assert eventos.index(ATIVAR) == 9


def test_contagem_levanta_na_enesima_leitura_seguida():
    eventos, _ = _sequencia(_cond(leituras_seguidas=3), [81, 81, 70, 81, 81, 81], passo_ms=60_000)
    assert eventos == [None, None, None, None, None, ATIVAR]


def test_histerese_segura_o_alarme_ate_o_valor_voltar_alem_da_margem():
    eventos, estado = _sequencia(_cond(histerese=5), [81, 78, 76, 79, 81, 75.5])
    assert eventos == [ATIVAR, None, None, None, REPETIR, None] and estado["ativo"]
    assert julgar(estado, _cond(histerese=5), 75.0, estado["ts_ms"] + 1000) == NORMALIZAR


def test_oscilar_em_volta_do_limite_por_um_minuto_nao_cria_outro_alarme():
    valores = [81, 79] * 30  # chattering a degree either side of 80 °C for a minute
    eventos, _ = _sequencia(_cond(histerese=5, duracao_s=10), [85] * 11 + valores)
    assert eventos.count(ATIVAR) == 1 and NORMALIZAR not in eventos


def test_limite_minimo_alarma_abaixo_e_normaliza_acima_da_margem():
    cond = condicoes([{"sensor": "tensao", "maximo": None, "minimo": 200.0, "duracao_s": None,
                       "leituras_seguidas": None, "histerese": 10.0, "severidade": "critica"}], ZONAS)[0]
    assert cond.tipo == "tensao_baixa"
    eventos, _ = _sequencia(cond, [220, 190, 205, 211])
    assert eventos == [None, ATIVAR, None, NORMALIZAR]


def test_leitura_repetida_ou_mais_antiga_nao_muda_nada():
    cond = _cond()
    estado = {"fora_desde_ms": None, "contagem": 0, "ativo": 0, "ts_ms": 0}
    assert julgar(estado, cond, 90, 5000) == ATIVAR
    assert julgar(estado, cond, 10, 5000) is None and julgar(estado, cond, 10, 4000) is None
    assert estado["ativo"] == 1


def test_reiniciar_no_meio_da_duracao_continua_de_onde_parou():
    cond = _cond(duracao_s=600)  # ten minutes above
    _, estado = _sequencia(cond, [85] * 301)  # five minutes, then the app restarts
    guardado = dict(estado)  # what the state collection kept
    eventos, _ = _sequencia(cond, [85] * 300, estado=guardado)
    assert eventos.index(ATIVAR) == 299  # raised at 10 min of the whole streak, not 10 min after the restart


def test_zonas_de_vibracao_sao_duas_condicoes_de_toda_maquina():
    tipos = {c.tipo: (c.limite, c.severidade) for c in condicoes([], ZONAS)}
    assert tipos == {"vibracao_zona_c": (2.8, "media"), "vibracao_zona_d": (4.5, "critica")}
    assert [zona_vibracao(v, ZONAS) for v in (1.0, 1.4, 2.0, 3.0, 4.5, 9.0)] == ["A", "A", "B", "C", "C", "D"]


@pytest.mark.parametrize("regras, campo", [
    ([{"sensor": "pressao", "maximo": 1, "severidade": "alta"}], "regras[0].sensor"),
    ([{"sensor": "temperatura", "severidade": "alta"}], "regras[0].maximo"),
    ([{"sensor": "temperatura", "maximo": 80, "minimo": 90, "severidade": "alta"}], "regras[0].minimo"),
    ([{"sensor": "temperatura", "maximo": 80, "severidade": "urgente"}], "regras[0].severidade"),
    ([{"sensor": "temperatura", "maximo": 80, "severidade": "alta", "duracao_s": 5, "leituras_seguidas": 3}],
     "regras[0].leituras_seguidas"),
    ([{"sensor": "temperatura", "maximo": 900, "severidade": "alta"}], "regras[0].maximo"),
    ([{"sensor": "temperatura", "maximo": 80, "severidade": "alta", "histerese": -1}], "regras[0].histerese"),
    ([{"sensor": "temperatura", "maximo": 80, "severidade": "alta", "cor": "azul"}], "regras[0].cor"),
    ([{"sensor": "rpm", "maximo": 3000, "severidade": "baixa"}, {"sensor": "rpm", "minimo": 10, "severidade": "baixa"}],
     "regras[1].sensor"),
    ("temperatura", "regras"),
])
def test_regra_invalida_e_recusada_nomeando_o_campo(regras, campo):
    with pytest.raises(DadosInvalidos) as erro:
        validar_regras(regras)
    assert erro.value.campo == campo
