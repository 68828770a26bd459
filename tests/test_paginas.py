"""Pages: login by cookie, CSRF, redirects, escaping, security headers and the vendored QR reader."""
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import assert_envelope
from MongoDB import etiquetas
from rotas.seguranca import COOKIE_SESSAO

RAIZ = Path(__file__).resolve().parent.parent
SENHA = "senha-forte-123"  # the one Atores.usuario() registers with
SCRIPT = "<script>alert(1)</script>"
SCRIPT_ESCAPADO = "&lt;script&gt;alert(1)&lt;/script&gt;"


def csrf_da_pagina(client, caminho="/entrar"):
    """The CSRF token a page hands out (hidden input or meta tag)."""
    html = client.get(caminho).get_data(as_text=True)
    achado = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert achado, "a página não trouxe token CSRF"
    return achado.group(1)


def entrar(client, nome, senha=SENHA, proximo=None):
    dados = {"csrf_token": csrf_da_pagina(client), "nome_usuario": nome, "senha": senha}
    if proximo is not None:
        dados["proximo"] = proximo
    return client.post("/entrar", data=dados)


@pytest.fixture
def logado(client, atores):
    """A user logged in through the login form (session cookie in the client)."""
    usuario = atores.usuario()
    assert entrar(client, usuario["nome"]).status_code == 303
    return usuario


def caminho(resposta):
    return urlsplit(resposta.headers["Location"]).path


def test_login_pelo_formulario_grava_cookie_httponly_e_leva_as_maquinas(client, atores):
    usuario = atores.usuario()
    resposta = entrar(client, usuario["nome"])
    assert resposta.status_code == 303 and caminho(resposta) == "/maquinas"
    cookie = next(c for c in resposta.headers.getlist("Set-Cookie") if c.startswith(COOKIE_SESSAO + "="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=43200" in cookie
    assert client.get("/maquinas").status_code == 200


def test_senha_errada_volta_ao_formulario_com_401_e_sem_cookie(client, atores):
    usuario = atores.usuario()
    resposta = entrar(client, usuario["nome"], senha="nao-e-esta-senha")
    assert resposta.status_code == 401
    assert "Usuário ou senha inválidos" in resposta.get_data(as_text=True)
    assert client.get_cookie(COOKIE_SESSAO) is None


def test_login_sem_token_csrf_e_recusado(client, atores):
    usuario = atores.usuario()
    client.get("/entrar")
    resposta = client.post("/entrar", data={"nome_usuario": usuario["nome"], "senha": SENHA})
    assert resposta.status_code == 403
    assert client.get_cookie(COOKIE_SESSAO) is None


@pytest.mark.parametrize("pagina", ["/maquinas", "/maquinas/adicionar?codigo=abc&segredo=xyz",
                                    "/maquinas/0123456789abcdef01234567"])
def test_paginas_mandam_visitante_anonimo_para_entrar_e_voltam_depois(client, atores, pagina):
    resposta = client.get(pagina)
    assert resposta.status_code == 302
    local = urlsplit(resposta.headers["Location"])
    assert local.path == "/entrar"
    assert client.get(resposta.headers["Location"]).status_code == 200

    usuario = atores.usuario()
    depois = entrar(client, usuario["nome"], proximo=pagina)
    assert depois.headers["Location"] == pagina


@pytest.mark.parametrize("proximo", ["//evil.example", "https://evil.example/x", "/\\evil.example", "/\t/evil.example"])
def test_login_recusa_redirecionar_para_outro_site(client, atores, proximo):
    usuario = atores.usuario()
    resposta = entrar(client, usuario["nome"], proximo=proximo)
    assert resposta.status_code == 303
    assert resposta.headers["Location"] == "/maquinas"


def test_raiz_leva_ao_login_ou_as_maquinas(client, atores):
    assert caminho(client.get("/")) == "/entrar"
    entrar(client, atores.usuario()["nome"])
    assert caminho(client.get("/")) == "/maquinas"


def test_cadastro_pela_pagina_entra_direto(client):
    resposta = client.post("/cadastrar", data={
        "csrf_token": csrf_da_pagina(client, "/cadastrar"), "nome_usuario": "helena", "senha": "senha-da-helena",
        "empresa": "Frigo", "email": "helena@exemplo.com"})
    assert resposta.status_code == 303 and caminho(resposta) == "/maquinas"
    assert "helena" in client.get("/maquinas").get_data(as_text=True)


def test_cadastro_com_erro_volta_ao_formulario_com_a_mensagem(client, atores):
    atores.usuario("igor")
    base = {"senha": "senha-do-igor", "empresa": "Frigo"}
    repetido = client.post("/cadastrar", data={
        **base, "csrf_token": csrf_da_pagina(client, "/cadastrar"), "nome_usuario": "igor", "email": "novo@exemplo.com"})
    assert repetido.status_code == 409
    html = repetido.get_data(as_text=True)
    assert "Já existe um usuário com este" in html
    assert re.search(r'id="nome_usuario"[^>]*aria-invalid="true"', html)  # the clashing field is marked
    assert 'value="novo@exemplo.com"' in html  # what was typed stays on the form

    email_ruim = client.post("/cadastrar", data={
        **base, "csrf_token": csrf_da_pagina(client, "/cadastrar"), "nome_usuario": "igor2", "email": "sem-arroba"})
    assert email_ruim.status_code == 400
    assert "não é um e-mail válido" in email_ruim.get_data(as_text=True)
    assert client.get_cookie(COOKIE_SESSAO) is None


def test_api_com_cookie_exige_cabecalho_csrf_nas_escritas(client, atores, logado):
    maquina = atores.maquina_de(logado)
    corpo = {"maquina_id": maquina["id"], "descricao": "Troca da correia"}
    assert_envelope(client.post("/api/manual-log", json=corpo), 403)

    token = csrf_da_pagina(client, "/maquinas")
    resposta = client.post("/api/manual-log", json=corpo, headers={"X-CSRF-Token": token})
    assert resposta.status_code == 201
    assert client.get(f"/api/manual-log/{maquina['id']}").get_json()["registros"][0]["descricao"] == "Troca da correia"


def test_sair_revoga_a_sessao_e_o_cookie_antigo_nao_abre_mais_nada(client, logado):
    antigo = client.get_cookie(COOKIE_SESSAO).value
    assert client.post("/sair").status_code == 403  # without the CSRF token: refused
    assert client.get("/maquinas").status_code == 200

    resposta = client.post("/sair", data={"csrf_token": csrf_da_pagina(client, "/maquinas")})
    assert resposta.status_code == 303 and caminho(resposta) == "/entrar"
    client.set_cookie(COOKIE_SESSAO, antigo)
    assert caminho(client.get("/maquinas")) == "/entrar"


def test_pagina_da_maquina_de_outro_usuario_ou_inexistente_da_404(client, atores, logado):
    outro = atores.usuario()
    alheia = atores.maquina_de(outro, nome="Máquina do vizinho")
    for maquina_id in (alheia["id"], "0123456789abcdef01234567", "nao-e-um-id"):
        resposta = client.get(f"/maquinas/{maquina_id}")
        assert resposta.status_code == 404
        assert "Máquina do vizinho" not in resposta.get_data(as_text=True)
    minha = atores.maquina_de(logado, nome="Minha serra")
    assert "Minha serra" in client.get(f"/maquinas/{minha['id']}").get_data(as_text=True)


def test_nome_de_maquina_e_registro_com_script_voltam_escapados(client, atores, servicos, logado):
    maquina = atores.maquina_de(logado, nome=SCRIPT)
    servicos.registros.criar(maquina["id"], logado["id"], SCRIPT)
    for pagina in ("/maquinas", f"/maquinas/{maquina['id']}"):
        html = client.get(pagina).get_data(as_text=True)
        assert SCRIPT_ESCAPADO in html
        assert SCRIPT not in html
    assert client.get(f"/maquinas/{maquina['id']}").get_data(as_text=True).count(SCRIPT_ESCAPADO) >= 2


def test_maquina_mostra_leituras_com_unidades_no_fuso_do_usuario(client, atores, servicos, logado):
    maquina = atores.maquina_de(logado)
    assert atores.enviar_leitura(maquina, ts="2025-01-15T12:00:00Z", rpm=1500).status_code == 201
    html = client.get(f"/maquinas/{maquina['id']}").get_data(as_text=True)
    assert "220,5 V" in html and "1,20 mm/s" in html and "45,0 °C" in html and "1.500 rpm" in html
    assert "15/01/2025, 09:00:00" in html  # São Paulo, UTC-3
    servicos.usuarios.salvar_preferencias(logado["id"], {"fuso_horario": "Asia/Tokyo"})
    assert "15/01/2025, 21:00:00" in client.get(f"/maquinas/{maquina['id']}").get_data(as_text=True)


def test_pagina_de_adicionar_preenche_codigo_e_segredo_do_link_da_etiqueta(client, atores, logado):
    maquina = atores.maquina()
    link = etiquetas.link_reivindicacao("http://databutcher.test", maquina["id"], maquina["segredo"])
    partes = urlsplit(link)
    html = client.get(f"{partes.path}?{partes.query}").get_data(as_text=True)
    assert f'id="codigo" name="codigo" value="{maquina["id"]}"' in html
    assert f'id="segredo" name="segredo" value="{maquina["segredo"]}"' in html


def test_paginas_trazem_cabecalhos_de_seguranca(client, logado):
    for pagina in ("/entrar", "/maquinas"):
        cabecalhos = client.get(pagina).headers
        politica = cabecalhos["Content-Security-Policy"]
        assert "script-src 'self'" in politica and "frame-ancestors 'none'" in politica
        assert "unsafe-inline" not in politica
        assert cabecalhos["X-Content-Type-Options"] == "nosniff"
        assert cabecalhos["Referrer-Policy"] == "same-origin"


def test_nenhum_template_carrega_recurso_de_fora_nem_script_embutido():
    for template in (RAIZ / "templates").glob("*.html"):
        texto = template.read_text()
        assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", texto), template.name
        assert "http://" not in texto and "https://" not in texto, template.name
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", texto), f"script embutido em {template.name}"
        assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", texto), f"handler embutido em {template.name}"
        assert "|safe" not in texto.replace(" ", ""), template.name


def test_scripts_inserem_texto_do_usuario_sem_innerhtml():
    for script in (RAIZ / "static" / "js").glob("*.js"):
        texto = script.read_text()
        for proibido in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert proibido not in texto, f"{proibido} em {script.name}"


def test_paginas_so_referenciam_arquivos_estaticos_existentes(client, atores, logado):
    maquina = atores.maquina_de(logado)
    for pagina in ("/maquinas", f"/maquinas/{maquina['id']}", "/maquinas/adicionar"):
        html = client.get(pagina).get_data(as_text=True)
        recursos = [r for r in re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html) if r != "data:,"]
        assert recursos
        for recurso in recursos:
            assert recurso.startswith("/static/"), recurso
            resposta = client.get(recurso)
            assert resposta.status_code == 200, recurso
            resposta.close()
    assert "/static/vendor/jsqr/jsQR.js" in client.get("/maquinas/adicionar").get_data(as_text=True)


def test_jsqr_vendorizado_com_licenca_e_readme():
    pasta = RAIZ / "static" / "vendor"
    jsqr = (pasta / "jsqr" / "jsQR.js").read_text()
    assert 'root["jsQR"] = factory()' in jsqr
    assert "Apache License" in (pasta / "jsqr" / "LICENSE").read_text()
    leia_me = (pasta / "README.md").read_text()
    assert "jsqr@1.4.0" in leia_me and "Apache-2.0" in leia_me
