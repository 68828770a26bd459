"""The plant page: a state strip per machine of the owner for a day or a shift, utilization per machine and shift,
the week's downtime reasons with CSV links; accessible, in both languages, without inline code or style."""
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from conftest import aplicar_estado_agora
from MongoDB.gerencia_BD import agora_utc
from test_paginas import logado, texto_visivel  # noqa: F401  (fixture)

SP = ZoneInfo("America/Sao_Paulo")


@pytest.fixture
def planta(atores, servicos, logado):  # noqa: F811
    """Yesterday in São Paulo: the grinder ran 08:00-12:00, tripped until 12:30, stopped; another user's saw."""
    ontem = (agora_utc().astimezone(SP) - timedelta(days=1)).date()
    hora = lambda h, m=0: datetime(ontem.year, ontem.month, ontem.day, h, m, tzinfo=SP).astimezone(timezone.utc)  # noqa: E731
    moedor = atores.maquina_de(logado, "Moedor")
    aplicar_estado_agora(servicos, moedor["id"], "iniciada", hora(8))
    aplicar_estado_agora(servicos, moedor["id"], "desarmada", hora(12), motivo="temperatura_acima_do_limite",
                         valor=27.8, limite=20.0)
    aplicar_estado_agora(servicos, moedor["id"], "parada", hora(12, 30))
    aplicar_estado_agora(servicos, moedor["id"], "iniciada", hora(13))
    alheia = atores.maquina_de(atores.usuario(), "Serra do vizinho")
    aplicar_estado_agora(servicos, alheia["id"], "iniciada", hora(8))
    return {"dia": ontem.isoformat(), "moedor": moedor}


def test_faixa_de_estados_de_cada_maquina_do_dono_e_so_dela(client, planta):
    html = client.get("/planta", query_string={"dia": planta["dia"]}).get_data(as_text=True)
    faixa = re.search(r'<svg class="faixa" role="img" aria-label="([^"]+)"(.*?)</svg>', html, re.S)
    assert faixa.group(1) == "Moedor: Iniciada 15 h 00 min, Desarmada 30 min, Parada 30 min"
    segmentos = re.findall(r'faixa__segmento--(\w+)" x="([\d.]+)%" y="0" width="([\d.]+)%"', faixa.group(2))
    assert [(estado, round(float(x) / 100 * 24, 2), round(float(largura) / 100 * 24, 2)) for estado, x, largura in segmentos] == [
        ("iniciada", 8.0, 4.0), ("desarmada", 12.0, 0.5), ("parada", 12.5, 0.5), ("iniciada", 13.0, 11.0)]
    assert "Serra do vizinho" not in html
    texto = texto_visivel(html)
    assert "Moedor 15 h 00 min 30 min 30 min 0 s 62,5 %" in texto  # the utilization row of the day
    assert "Desarmada: temperatura acima do limite (27.8 > 20.0)" in texto  # a stop waiting for its reason


def test_turno_que_cruza_a_meia_noite_mostra_o_periodo_dele(client, planta):
    html = client.get("/planta", query_string={"dia": planta["dia"], "turno": "C"}).get_data(as_text=True)
    periodo = re.search(r'id="periodo-planta">([^<]+)<', html).group(1)
    assert re.fullmatch(r"De \d\d/\d\d/\d{4}, 22:00:00 a \d\d/\d\d/\d{4}, 06:00:00 \(America/Sao_Paulo\)\.", periodo)
    assert '<option value="C" selected>' in html
    assert re.search(r'aria-label="Moedor: Iniciada 8 h 00 min"', html)
    # the shifts that start that day: A ran 08-12 and 13-14 of 06-14, B and C all along
    assert "<tr><th scope=\"row\">Moedor</th><td>62,5 %</td><td>100,0 %</td><td>100,0 %</td></tr>" in html


def test_dia_invalido_ou_futuro_mostra_hoje(client, planta):
    hoje = agora_utc().astimezone(SP).date().isoformat()
    for dia in ("ontem", "2999-01-01", "1999-01-01"):
        html = client.get("/planta", query_string={"dia": dia}).get_data(as_text=True)
        assert f'name="dia" type="date" value="{hoje}"' in html, dia


def test_pagina_no_menu_acessivel_sem_cache_sem_codigo_nem_estilo_embutido(client, planta):
    resposta = client.get("/planta", query_string={"dia": planta["dia"]})
    html = resposta.get_data(as_text=True)
    assert resposta.headers["Cache-Control"] == "no-store"
    assert '<a href="/planta" aria-current="page">Planta</a>' in html
    assert " style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert [int(n) for n in re.findall(r"<h([1-6])", html)] == [1, 2, 2, 3, 2, 3, 2]  # no level skipped
    for campo in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
        assert f'for="{campo}"' in html, campo  # every field has its label
    for recurso in re.findall(r'<(?:script|link)[^>]*(?:src|href)="(/static/[^"]+)"', html):
        with client.get(recurso) as estatico:
            assert estatico.status_code == 200, recurso
    for link in re.findall(r'href="(/api/[^"]+/export[^"]*)"', html):
        caminho = urlsplit(link.replace("&amp;", "&"))
        with client.get(caminho.path, query_string=caminho.query) as exportado:
            assert exportado.status_code == 200 and exportado.mimetype == "text/csv", link


def test_pagina_em_ingles(client, servicos, logado, planta):  # noqa: F811
    servicos.usuarios.salvar_preferencias(logado["id"], {"idioma": "en"})
    texto = texto_visivel(client.get("/planta", query_string={"dia": planta["dia"]}).get_data(as_text=True))
    for esperado in ("Plant", "Machine states", "Utilization", "Availability by shift", "Top downtime reasons",
                     "Tripped: temperature above the limit", "62.5 %", "Save shifts and reasons"):
        assert esperado in texto, esperado
    for palavra in ("Disponibilidade", "Parada", "Turno", "Salvar"):
        assert palavra not in texto, palavra


def test_visitante_anonimo_vai_para_o_login(app):
    resposta = app.test_client().get("/planta")
    assert resposta.status_code == 302 and urlsplit(resposta.headers["Location"]).path == "/entrar"
