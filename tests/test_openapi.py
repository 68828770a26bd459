"""The API description tells the truth about the URL map, and its page loads only the site's own files.

The page rendered in Chromium under the CSP is checked in tests/test_navegador.py (one browser per run).
"""
import re

from rotas.openapi import especificacao

METODOS_HTTP = {"get", "put", "post", "delete", "patch"}


def _rotas_da_api(app) -> set:
    """(path in OpenAPI spelling, method) of every /api/ rule Flask serves."""
    rotas = set()
    for regra in app.url_map.iter_rules():
        if not regra.rule.startswith("/api/"):
            continue
        caminho = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", regra.rule)
        rotas |= {(caminho, metodo.lower()) for metodo in regra.methods - {"HEAD", "OPTIONS"}}
    return rotas


def _documentadas(spec) -> set:
    return {(caminho, metodo) for caminho, operacoes in spec["paths"].items() for metodo in operacoes
            if metodo in METODOS_HTTP}


def _refs(no):
    if isinstance(no, dict):
        if "$ref" in no:
            yield no["$ref"]
        for valor in no.values():
            yield from _refs(valor)
    elif isinstance(no, list):
        for valor in no:
            yield from _refs(valor)


def test_toda_rota_da_api_esta_descrita_e_nada_alem_delas(app):
    assert _documentadas(especificacao()) == _rotas_da_api(app)


def test_cada_operacao_diz_quem_pode_chamar_e_cada_referencia_existe():
    spec = especificacao()
    esquemas = spec["components"]["securitySchemes"]
    for caminho, operacoes in spec["paths"].items():
        for metodo, operacao in operacoes.items():
            assert "security" in operacao, (caminho, metodo)
            assert {nome for requisito in operacao["security"] for nome in requisito} <= set(esquemas)
            for nome in re.findall(r"{(\w+)}", caminho):
                assert any(p["name"] == nome and p["in"] == "path" for p in operacao.get("parameters", [])), caminho
    for referencia in _refs(spec):
        secao, nome = referencia.removeprefix("#/components/").split("/")
        assert nome in spec["components"][secao], referencia


def test_descricao_servida_e_a_do_codigo_com_os_dois_jeitos_de_autenticar_usuario(client):
    resposta = client.get("/api/openapi.json")
    assert resposta.status_code == 200 and resposta.get_json() == especificacao()
    esquemas = resposta.get_json()["components"]["securitySchemes"]
    assert esquemas["usuarioJWT"]["scheme"] == "bearer" and esquemas["sessaoCookie"]["in"] == "cookie"
    assert esquemas["csrf"]["name"] == "X-CSRF-Token" and esquemas["tokenDispositivo"]["scheme"] == "bearer"
    assert resposta.get_json()["paths"]["/api/sensor-data"]["post"]["security"] == [{"tokenDispositivo": []}]


def test_pagina_da_documentacao_so_carrega_scripts_do_proprio_site(client):
    resposta = client.get("/api/docs")
    html = resposta.get_data(as_text=True)
    assert resposta.status_code == 200 and resposta.mimetype == "text/html"
    assert "script-src 'self'" in resposta.headers["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/static/' in atributos and not corpo.strip() for atributos, corpo in scripts)
    for arquivo in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        with client.get(arquivo) as estatico:
            assert estatico.status_code == 200, arquivo
