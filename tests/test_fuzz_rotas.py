"""Random requests over the whole URL map (pages, forms, static files, the API): never a 5xx.

schemathesis (test_fuzz_api.py) only knows the routes in /api/openapi.json; this walks every
rule Flask serves, with random path values, query strings, form or JSON bodies and methods,
anonymous or with a page session (cookie, with or without a valid CSRF token).
"""
import re
from collections import Counter
from urllib.parse import quote

import mongomock
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import create_app
from conftest import CONFIG_TESTE, RESUMOS_FUZZ
from rotas.seguranca import COOKIE_SESSAO, emitir_token

TEXTO = st.text(max_size=40)
METODOS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
CSRF = "csrf-do-fuzz"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app, an admin owning a machine, and a counter of the statuses seen."""
    aplicacao = create_app(dict(CONFIG_TESTE, QRCODE_DIR=str(tmp_path_factory.mktemp("qr-rotas"))),
                           mongo_client=mongomock.MongoClient(tz_aware=True))
    servicos = aplicacao.extensions["databutcher"]
    usuario = servicos.usuarios.criar("fuzz_paginas", "senha-do-fuzz-123", "Fuzz", "paginas@exemplo.com", "admin")
    criada = servicos.maquinas.criar("WEG", "W22")
    servicos.maquinas.reivindicar(criada["maquina"]["id"], criada["segredo"], usuario["id"], "Moedor")
    regras = [regra for regra in aplicacao.url_map.iter_rules() if regra.endpoint != "static"]
    contagem = Counter()
    yield {"app": aplicacao, "usuario": usuario, "maquina_id": criada["maquina"]["id"], "regras": regras,
           "status": contagem}
    status = dict(sorted(contagem.items()))
    RESUMOS_FUZZ.append(f"rotas aleatórias: {len(regras)} regras, {sum(status.values())} requisições, "
                        f"{sum(n for codigo, n in status.items() if codigo >= 500)} respostas 5xx; por status: {status}")
    servicos.encerrar()


def _caminho(regra, valores, maquina_id):
    """The rule's path with each <converter:name> filled from `valores` (or the user's machine)."""
    def valor(encontrado):
        conversor, nome = encontrado.group(1) or "", encontrado.group(2)
        escolhido = valores.get(nome, "")
        if conversor.startswith("id_maquina") and escolhido == "":
            return maquina_id
        return quote(escolhido, safe="") or "x"  # a '?' or '/' drawn stays inside this path segment
    return re.sub(r"<(?:([^:<>]+):)?([^<>]+)>", valor, regra.rule)


@settings(max_examples=settings.default.max_examples * 15, suppress_health_check=[HealthCheck.too_slow])
@given(indice=st.integers(min_value=0), metodo_da_regra=st.booleans(), metodo=st.sampled_from(METODOS),
       valores=st.dictionaries(st.sampled_from(["maquina_id", "filename"]), TEXTO),
       consulta=st.dictionaries(st.sampled_from(["proximo", "ids", "aviso", "desde", "ate", "limit", "format"]) | TEXTO,
                                TEXTO, max_size=4),
       formulario=st.dictionaries(st.sampled_from(["nome_usuario", "senha", "empresa", "email", "confirmar_senha",
                                                   "csrf_token", "proximo"]) | TEXTO, TEXTO, max_size=5),
       corpo_json=st.booleans(), sessao=st.sampled_from(["anonimo", "cookie", "cookie+csrf"]))
def test_nenhuma_requisicao_aleatoria_a_qualquer_rota_gera_erro_de_servidor(
        site, indice, metodo_da_regra, metodo, valores, consulta, formulario, corpo_json, sessao):
    regra = site["regras"][indice % len(site["regras"])]
    if metodo_da_regra:
        metodo = sorted(regra.methods)[indice % len(regra.methods)]
    cliente = site["app"].test_client()
    if sessao != "anonimo":
        with site["app"].app_context():
            cliente.set_cookie(COOKIE_SESSAO, emitir_token(site["usuario"]))
        if sessao == "cookie+csrf":
            with cliente.session_transaction() as guardada:
                guardada["csrf"] = CSRF
            formulario = {**formulario, "csrf_token": CSRF}
    caminho = _caminho(regra, valores, site["maquina_id"])
    envio = {"json": formulario} if corpo_json else {"data": formulario}
    resposta = cliente.open(caminho, method=metodo, query_string=consulta,
                            headers={"X-CSRF-Token": CSRF} if sessao == "cookie+csrf" else {}, **envio)
    resposta.close()
    site["status"][resposta.status_code] += 1
    assert resposta.status_code < 500, (metodo, caminho, consulta, formulario, resposta.get_data(as_text=True)[:300])
