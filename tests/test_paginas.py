"""Pages: login by cookie, CSRF, redirects, escaping, security headers and the vendored QR reader."""
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bson import ObjectId

from conftest import LEITURA, assert_envelope
from MongoDB.gerencia_BD import agora_utc, carimbo
from nucleo import etiquetas, leituras
from nucleo.contrato import SENSORES, SEVERIDADES, ZONAS_VIBRACAO_PADRAO
from rotas.apresentacao import GRANDEZAS, PARAMETROS_PARTIDA
from rotas.seguranca import COOKIE_SESSAO
from rotas.textos import TEXTOS

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


def test_sair_revoga_esta_sessao_e_o_cookie_antigo_nao_abre_mais_nada_mas_o_celular_segue(client, atores, logado):
    celular = client.post("/api/auth/login", json={"nome_usuario": logado["nome"], "senha": SENHA}).get_json()["token"]
    antigo = client.get_cookie(COOKIE_SESSAO).value
    assert client.post("/sair").status_code == 403  # without the CSRF token: refused
    assert client.get("/maquinas").status_code == 200

    resposta = client.post("/sair", data={"csrf_token": csrf_da_pagina(client, "/maquinas")})
    assert resposta.status_code == 303 and caminho(resposta) == "/entrar"
    client.set_cookie(COOKIE_SESSAO, antigo)
    volta = client.get("/maquinas")
    assert caminho(volta) == "/entrar" and "aviso=sessao-encerrada" in volta.headers["Location"]
    assert "Sua sessão foi encerrada" in client.get(volta.headers["Location"]).get_data(as_text=True)
    assert client.get("/api/machines", headers={"Authorization": f"Bearer {celular}"}).status_code == 200


def test_sair_de_todos_pela_conta_encerra_tambem_o_celular(client, logado):
    celular = client.post("/api/auth/login", json={"nome_usuario": logado["nome"], "senha": SENHA}).get_json()["token"]
    assert client.post("/sair-de-todos").status_code == 403  # without the CSRF token: refused
    resposta = client.post("/sair-de-todos", data={"csrf_token": csrf_da_pagina(client, "/conta")})
    assert resposta.status_code == 303 and "aviso=saiu-de-todos" in resposta.headers["Location"]
    assert "Você saiu de todos os dispositivos." in client.get(resposta.headers["Location"]).get_data(as_text=True)
    assert client.get("/api/machines", headers={"Authorization": f"Bearer {celular}"}).status_code == 401


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


def test_nenhuma_pagina_de_usuario_fica_em_cache(app, client, atores, servicos, logado):
    maquina = atores.maquina_de(logado)
    servicos.usuarios.definir_papel(logado["nome"], "admin")
    anonimo = app.test_client()
    for cliente, pagina in [(anonimo, "/entrar"), (anonimo, "/cadastrar"), (client, "/maquinas"),
                            (client, f"/maquinas/{maquina['id']}"), (client, "/maquinas/adicionar"),
                            (client, "/conta"), (client, "/admin/etiquetas")]:
        resposta = cliente.get(pagina)
        assert resposta.status_code == 200, pagina
        assert resposta.headers.get("Cache-Control") == "no-store", pagina


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


# ---- live dashboard ----------------------------------------------------------------------
def cartao_de(html, maquina_id):
    """The HTML of one dashboard card."""
    inicio = html.index(f'data-maquina-id="{maquina_id}"')
    return html[inicio:html.index("</article>", inicio)]


def _regra(client, dono, maquina, severidade, maximo=80.0):
    regra = {"sensor": "temperatura", "maximo": maximo, "duracao_s": 0, "histerese": 5, "severidade": severidade}
    assert client.put(f"/api/machines/{maquina['id']}/alarm-rules", headers=dono["headers"],
                      json={"regras": [regra]}).status_code == 200


def test_painel_diz_a_severidade_e_o_alarme_em_palavras_e_poe_a_maquina_alarmada_primeiro(client, atores, logado):
    fria = atores.maquina_de(logado, nome="A fria")
    quente = atores.maquina_de(logado, nome="Z quente")
    _regra(client, logado, quente, "critica")
    atores.leituras_julgadas(fria, [{"temperatura": 45.0}])
    atores.leituras_julgadas(quente, [{"temperatura": 92.5}])
    html = client.get("/maquinas").get_data(as_text=True)
    cartao = cartao_de(html, quente["id"])
    assert 'data-severidade="critica"' in cartao
    assert re.search(r"<strong>Crítica</strong> Temperatura alta · 92,5 °C", cartao)
    assert "Temperatura alta" not in cartao_de(html, fria["id"]) and 'data-severidade=""' in cartao_de(html, fria["id"])
    assert html.index(f'data-maquina-id="{quente["id"]}"') < html.index(f'data-maquina-id="{fria["id"]}"')
    assert "1 máquina com alarme ativo." in html
    contador = re.search(r'data-severidade="critica" aria-pressed="false">\s*Crítica <span[^>]*>(\d+)<', html)
    assert contador and contador.group(1) == "1"


def test_painel_ordena_pela_severidade_e_depois_pelo_alarme_mais_antigo(client, atores, logado):
    alta_antiga = atores.maquina_de(logado, nome="C alta antiga")
    alta_nova = atores.maquina_de(logado, nome="A alta nova")
    critica = atores.maquina_de(logado, nome="Z crítica")
    for maquina, severidade in ((alta_antiga, "alta"), (alta_nova, "alta"), (critica, "critica")):
        _regra(client, logado, maquina, severidade)
    atores.leituras_julgadas(alta_antiga, [{"temperatura": 90.0}])
    atores.leituras_julgadas(alta_nova, [{"temperatura": 90.0}])
    atores.leituras_julgadas(critica, [{"temperatura": 90.0}])
    html = client.get("/maquinas").get_data(as_text=True)
    posicoes = [html.index(f'data-maquina-id="{m["id"]}"') for m in (critica, alta_antiga, alta_nova)]
    assert posicoes == sorted(posicoes)
    assert "3 máquinas com alarmes ativos." in html


@pytest.mark.parametrize("vibracao, zona", [(1.0, "A"), (2.0, "B"), (3.5, "C"), (5.2, "D")])
def test_painel_mostra_a_zona_de_vibracao_iso_10816(client, atores, logado, vibracao, zona):
    maquina = atores.maquina_de(logado)
    assert atores.enviar_leitura(maquina, vibracao=vibracao).status_code == 201
    cartao = cartao_de(client.get("/maquinas").get_data(as_text=True), maquina["id"])
    assert f'data-zona="{zona}">zona {zona}</span>' in cartao


def test_vibracao_na_zona_d_por_10_s_e_alarme_critico_no_cartao(client, atores, logado):
    maquina = atores.maquina_de(logado)
    atores.leituras_julgadas(maquina, [{"vibracao": 5.2}] * 12)
    cartao = cartao_de(client.get("/maquinas").get_data(as_text=True), maquina["id"])
    assert "<strong>Crítica</strong> Vibração na zona D" in cartao and 'data-severidade="critica"' in cartao


def test_painel_mostra_offline_como_texto_para_maquina_sem_sinal(client, atores, logado):
    maquina = atores.maquina_de(logado)
    cartao = cartao_de(client.get("/maquinas").get_data(as_text=True), maquina["id"])
    assert ">Offline<" in cartao
    assert "nunca" in cartao  # time since the last message


def test_maquina_calada_alem_do_seu_prazo_ganha_alarme_de_sem_comunicacao_e_valores_apagados(client, atores, servicos, logado):
    maquina = atores.maquina_de(logado)
    antes = agora_utc() - timedelta(minutes=10)
    leituras.receber(servicos, maquina["id"], dict(LEITURA, ts=antes.isoformat())).aguardar()
    servicos.maquinas.colecao.update_one({"_id": ObjectId(maquina["id"])}, {"$set": {"last_heartbeat": carimbo(antes)}})
    servicos.motor_alarmes.verificar_offline()
    servicos.motor_alarmes.descarregar(forcar=True)
    cartao = cartao_de(client.get("/maquinas").get_data(as_text=True), maquina["id"])
    assert "<strong>Alta</strong> Sem comunicação" in cartao and 'data-obsoleto="true"' in cartao


def test_maquina_que_fala_mas_sem_leituras_recentes_mostra_sem_dados_recentes_com_a_idade(client, atores, servicos, logado):
    maquina = atores.maquina_de(logado)
    atores.leituras_julgadas(maquina, [{}] * 3, espaco_s=2)
    velha = agora_utc() - timedelta(seconds=30)
    servicos.maquinas.colecao.update_one({"_id": ObjectId(maquina["id"])}, {"$set": {
        "ultima_leitura.timestamp": velha, "intervalo_s": 2.0, "last_heartbeat": carimbo(agora_utc())}})
    cartao = cartao_de(client.get("/maquinas").get_data(as_text=True), maquina["id"])
    aviso = re.search(r'<p class="aviso-sem-dados" data-campo="sem_dados">\s*Sem dados recentes · última leitura\s*'
                      r'<time[^>]*>há (\d+) s</time>', cartao)
    assert aviso and int(aviso.group(1)) >= 30
    assert 'data-obsoleto="true"' in cartao and 'data-sem-dados="true"' in cartao


def test_painel_mostra_ha_quanto_tempo_chegou_a_ultima_mensagem_e_as_unidades(client, atores, logado):
    maquina = atores.maquina_de(logado)
    assert atores.enviar_leitura(maquina).status_code == 201
    cartao = cartao_de(client.get("/maquinas").get_data(as_text=True), maquina["id"])
    assert re.search(r'data-campo="ha"[^>]*>há \d+ s<', cartao)
    assert "220,5 V" in cartao and "1,20 mm/s" in cartao and "45,0 °C" in cartao and "1.500 rpm" in cartao
    assert cartao.count("data-sparkline=") == 4
    assert 'data-severidade=""' in cartao and 'data-obsoleto="false"' in cartao and "hidden" in cartao.split("sem_dados")[1][:20]


def test_painel_e_menu_seguem_o_idioma_escolhido(client, atores, servicos, logado):
    atores.maquina_de(logado)
    servicos.usuarios.salvar_preferencias(logado["id"], {"idioma": "en"})
    html = client.get("/maquinas").get_data(as_text=True)
    assert '<html lang="en"' in html and ">Machines</a>" in html and "My machines" in html and "Offline" in html
    assert '"tipo_temperatura_alta": "High temperature"' in html.replace("\\u0027", "'")


# ---- language ------------------------------------------------------------------------
class TextoVisivel(HTMLParser):
    """What a person reads or hears on a page: text outside <script>, plus title/alt/aria-label/placeholder."""
    ATRIBUTOS = {"title", "alt", "aria-label", "placeholder"}

    def __init__(self):
        super().__init__()
        self.partes, self.em_script = [], False

    def handle_starttag(self, tag, atributos):
        self.em_script = tag == "script"
        self.partes += [valor for nome, valor in atributos if nome in self.ATRIBUTOS and valor]

    def handle_endtag(self, tag):
        self.em_script = False

    def handle_data(self, dados):
        if not self.em_script:
            self.partes.append(dados)


def texto_visivel(html):
    leitor = TextoVisivel()
    leitor.feed(html)
    return " ".join(" ".join(leitor.partes).split())


@pytest.fixture
def paginas_com_tudo(atores, servicos, logado):
    """The logged-in pages, with a machine that has a reading, a command and a note to show."""
    maquina = atores.maquina_de(logado, nome="Grinder")
    assert atores.enviar_leitura(maquina).status_code == 201
    servicos.comandos.registrar(maquina["id"], logado["id"], "stop")
    servicos.registros.criar(maquina["id"], logado["id"], "Belt replaced")
    return {"painel": "/maquinas", "maquina": f"/maquinas/{maquina['id']}", "conta": "/conta",
            "adicionar": f"/maquinas/adicionar?codigo={maquina['id']}&segredo=abc"}


EM_INGLES = {
    "painel": ["My machines", "Add machine", "Search", "Group by", "Compact list", "Last message", "Log out"],
    "maquina": ["Charts", "Commands", "Manual log", "Release machine…", "Start", "Between 220 and 380",
                "Last command: Stop", "Sent, waiting for the machine", "Recent readings", "220.5 V", "1,500 rpm"],
    "conta": ["Preferences", "Time zone", "Language", "Change password", "Current password", "Log out of all devices"],
    "adicionar": ["Add machine", "Label recognised", "Machine name", "Use the camera", "Back to my machines"],
}
EM_PORTUGUES = {
    "painel": ["Minhas máquinas", "Adicionar máquina", "Procurar", "Agrupar por", "Lista compacta", "Última mensagem", "Sair"],
    "maquina": ["Gráficos", "Comandos", "Registro manual", "Liberar máquina…", "Dar partida", "Entre 220 e 380",
                "Último comando: Parada", "Leituras recentes", "220,5 V", "1.500 rpm"],
    "conta": ["Preferências", "Fuso horário", "Idioma", "Trocar senha", "Senha atual", "Sair de todos os dispositivos"],
    "adicionar": ["Adicionar máquina", "Etiqueta reconhecida", "Nome da máquina", "Usar a câmera"],
}
PALAVRAS_EM_PORTUGUES = ["Máquinas", "máquina", "Sair", "Comandos", "Registro manual", "Liberar", "Dar partida",
                         "Senha", "Última", "Nenhum", "Gráficos", "Período", "Salvar", "nunca", "Entre ", "Conta"]


@pytest.mark.parametrize("pagina", list(EM_INGLES))
def test_usuario_em_ingles_ve_a_pagina_toda_em_ingles(client, servicos, logado, paginas_com_tudo, pagina):
    servicos.usuarios.salvar_preferencias(logado["id"], {"idioma": "en"})
    html = client.get(paginas_com_tudo[pagina]).get_data(as_text=True)
    texto = texto_visivel(html)
    assert '<html lang="en"' in html
    for esperado in EM_INGLES[pagina]:
        assert esperado in texto, esperado
    for palavra in PALAVRAS_EM_PORTUGUES:
        assert palavra not in texto, palavra


@pytest.mark.parametrize("pagina", list(EM_PORTUGUES))
def test_usuario_em_portugues_continua_vendo_a_pagina_em_portugues(client, paginas_com_tudo, pagina):
    html = client.get(paginas_com_tudo[pagina]).get_data(as_text=True)
    assert '<html lang="pt-BR"' in html
    for esperado in EM_PORTUGUES[pagina]:
        assert esperado in texto_visivel(html), esperado


def test_conta_nao_diz_mais_que_o_resto_fica_em_portugues(client, logado):
    assert "Por enquanto" not in client.get("/conta").get_data(as_text=True)


def test_os_dois_idiomas_tem_as_mesmas_chaves():
    assert set(TEXTOS["pt-BR"]) == set(TEXTOS["en"])
    for chave, texto in TEXTOS["pt-BR"].items():
        assert texto.count("{}") == TEXTOS["en"][chave].count("{}"), chave


def test_todo_texto_pedido_por_template_ou_script_existe():
    pedidas = set()
    for template in (RAIZ / "templates").glob("*.html"):
        pedidas |= set(re.findall(r"""\bt\(["']([a-z0-9_]+)["'](?!\s*~)""", template.read_text()))
    for script in (RAIZ / "static" / "js").glob("*.js"):
        pedidas |= set(re.findall(r"""\btexto\(["']([a-z0-9_]+)["']""", script.read_text()))
    # keys built from data: reading fields, start parameters, commands and their states
    pedidas |= {campo for campo, _ in GRANDEZAS} | {campo for campo, _ in PARAMETROS_PARTIDA}
    pedidas |= {f"comando_{c}" for c in ("start", "stop", "reset")}
    pedidas |= {f"estado_{e}" for e in ("enviado", "confirmado", "expirado", "falhou")}
    # alarms: severities, every type a rule or zone can raise, where the rules come from, vibration classes
    pedidas |= {f"severidade_{s}" for s in SEVERIDADES}
    pedidas |= {f"tipo_{sensor}_{lado}" for sensor in SENSORES for lado in ("alta", "baixa")}
    pedidas |= {"tipo_vibracao_zona_c", "tipo_vibracao_zona_d", "tipo_offline"}
    pedidas |= {f"regras_origem_{o}" for o in ("maquina", "modelo", "padrao")} | {f"classe_{c}" for c in ZONAS_VIBRACAO_PADRAO}
    assert len(pedidas) > 100
    assert pedidas <= set(TEXTOS["pt-BR"]), pedidas - set(TEXTOS["pt-BR"])


# ---- machine page --------------------------------------------------------------------
def test_pagina_da_maquina_usa_o_uplot_vendorizado_e_nenhum_recurso_de_fora(client, atores, logado):
    maquina = atores.maquina_de(logado)
    html = client.get(f"/maquinas/{maquina['id']}").get_data(as_text=True)
    assert '<script src="/static/vendor/uplot/uPlot.iife.min.js" defer></script>' in html
    assert 'href="/static/vendor/uplot/uPlot.min.css"' in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    for grandeza in ("tensao", "vibracao", "temperatura", "rpm"):
        assert f'id="grafico-{grandeza}"' in html
    for recurso in ("/static/vendor/uplot/uPlot.iife.min.js", "/static/vendor/uplot/uPlot.min.css", "/static/js/graficos.js"):
        resposta = client.get(recurso)
        assert resposta.status_code == 200, recurso
        resposta.close()


def test_pagina_da_maquina_tem_link_de_exportacao_csv_do_periodo(client, atores, logado):
    maquina = atores.maquina_de(logado)
    assert atores.enviar_leitura(maquina).status_code == 201
    html = client.get(f"/maquinas/{maquina['id']}").get_data(as_text=True)
    link = re.search(r'id="link-exportar" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert link.startswith(f"/api/sensor-data/{maquina['id']}/export?") and "format=csv" in link and "desde=" in link
    resposta = client.get(link)
    assert resposta.status_code == 200 and resposta.mimetype == "text/csv"
    assert len(resposta.get_data(as_text=True).strip().splitlines()) == 2  # header + the reading of the last hour


def test_pagina_da_maquina_mostra_o_estado_do_ultimo_comando(client, atores, servicos, logado):
    maquina = atores.maquina_de(logado)
    servicos.comandos.registrar(maquina["id"], logado["id"], "stop")
    html = client.get(f"/maquinas/{maquina['id']}").get_data(as_text=True)
    estado = re.search(r'<p class="estado-comando" id="estado-comando"[^>]*>(.*?)</p>', html, re.S)
    assert 'data-estado="enviado"' in estado.group(0) and "Parada" in estado.group(1)
    assert "Enviado, aguardando a máquina" in estado.group(1)


# ---- account -------------------------------------------------------------------------
def salvar_preferencias(client, **preferencias):
    """What static/js/conta.js does: PUT the preferences with the page's CSRF token."""
    token = csrf_da_pagina(client, "/conta")
    return client.put("/api/auth/preferences", json=preferencias, headers={"X-CSRF-Token": token})


def test_conta_salva_o_fuso_e_a_pagina_da_maquina_passa_a_usar_esse_fuso(client, atores, logado):
    maquina = atores.maquina_de(logado)
    assert atores.enviar_leitura(maquina, ts="2025-01-15T12:00:00Z").status_code == 201
    html = client.get("/conta").get_data(as_text=True)
    assert 'id="form-preferencias"' in html and '<option value="America/Sao_Paulo" selected>' in html
    assert salvar_preferencias(client, fuso_horario="Asia/Tokyo").status_code == 200
    pagina = client.get(f"/maquinas/{maquina['id']}").get_data(as_text=True)
    assert "15/01/2025, 21:00:00" in pagina and 'data-fuso="Asia/Tokyo"' in pagina
    conta = client.get("/conta").get_data(as_text=True)
    assert '<option value="Asia/Tokyo" selected>' in conta


def test_conta_aceita_fuso_digitado_fora_da_lista(client, logado):
    assert salvar_preferencias(client, fuso_horario="America/Araguaina").status_code == 200
    html = client.get("/conta").get_data(as_text=True)
    assert '<option value="outro" selected>' in html and 'value="America/Araguaina"' in html
    assert salvar_preferencias(client, fuso_horario="Marte/Olympus").status_code == 400


def test_conta_salva_o_tema_escuro_e_as_paginas_o_usam(client, logado):
    assert 'data-tema="claro"' in client.get("/maquinas").get_data(as_text=True).split("<head>")[0]
    assert salvar_preferencias(client, tema="escuro").status_code == 200
    assert '<html lang="pt-BR" data-tema="escuro">' in client.get("/maquinas").get_data(as_text=True)
    assert 'id="conta-tema-escuro" checked' in client.get("/conta").get_data(as_text=True)


def test_trocar_senha_pela_pagina_encerra_a_sessao_e_a_nova_senha_entra(client, atores, logado):
    token = csrf_da_pagina(client, "/conta")
    errada = client.post("/api/auth/password", json={"senha_atual": "nao-e-ela-123", "senha_nova": "nova-senha-456"},
                         headers={"X-CSRF-Token": token})
    assert errada.status_code == 403
    certa = client.post("/api/auth/password", json={"senha_atual": SENHA, "senha_nova": "nova-senha-456"},
                        headers={"X-CSRF-Token": token})
    assert certa.status_code == 200
    assert caminho(client.get("/conta")) == "/entrar"  # this session was revoked too
    aviso = client.get("/entrar?aviso=senha-alterada").get_data(as_text=True)
    assert "Senha alterada. Entre novamente" in aviso
    assert entrar(client, logado["nome"], senha=SENHA).status_code == 401
    assert entrar(client, logado["nome"], senha="nova-senha-456").status_code == 303


def test_conta_tem_o_botao_de_sair_de_todos_os_dispositivos(client, logado):
    html = client.get("/conta").get_data(as_text=True)
    assert re.search(r'<form method="post" action="/sair-de-todos" id="form-sair-conta">', html)
    assert "Sair de todos os dispositivos" in html


# ---- admin: QR labels ------------------------------------------------------------------
@pytest.fixture
def admin(client, atores, servicos):
    """An admin logged in through the login form."""
    usuario = atores.usuario("chefe")
    servicos.usuarios.definir_papel("chefe", "admin")
    assert entrar(client, "chefe").status_code == 303
    return usuario


def etiqueta_gravada(app, atores):
    """A free machine with its QR PNG, as `main.py maquina criar` leaves it."""
    maquina = atores.maquina()
    link = etiquetas.link_reivindicacao("http://databutcher.test", maquina["id"], maquina["segredo"])
    etiquetas.gravar_qrcode(link, app.config["QRCODE_DIR"], maquina["id"])
    return maquina


def test_etiquetas_recusam_operador_e_visitante(app, client, atores, logado):
    maquina = etiqueta_gravada(app, atores)
    for caminho_pagina in ("/admin/etiquetas", f"/admin/etiquetas/{maquina['id']}.png"):
        resposta = client.get(caminho_pagina)
        assert resposta.status_code == 403
        assert "Apenas administradores" in resposta.get_data(as_text=True)
    assert ">Etiquetas</a>" not in client.get("/maquinas").get_data(as_text=True)
    client.post("/sair", data={"csrf_token": csrf_da_pagina(client, "/maquinas")})
    assert caminho(client.get(f"/admin/etiquetas/{maquina['id']}.png")) == "/entrar"


def folha_impressa(html):
    """The sheets part of /admin/etiquetas (the picker and the inert label templates left out)."""
    return html[html.index('id="folha-etiquetas"'):html.index('id="modelos-etiquetas"')]


def test_etiquetas_listam_todas_as_maquinas_com_o_dono_e_ja_marcam_as_livres(app, client, atores, admin):
    com_png = etiqueta_gravada(app, atores)
    sem_png = atores.maquina(fabricante="ABB", modelo="M3BP")
    dono = atores.usuario("joana")
    ocupada = atores.maquina_de(dono, "Serra da Joana")
    html = client.get("/admin/etiquetas").get_data(as_text=True)
    lista = texto_visivel(html[html.index('id="lista-etiquetas"'):html.index('id="nenhuma-encontrada"')])
    assert "Serra da Joana" in lista and "Dono: joana · joana@exemplo.com" in lista
    assert lista.count("Dono: sem dono") == 2 and "ABB M3BP" in lista and "sem QR" in lista
    assert re.search(rf'value="{com_png["id"]}"[^>]* checked', html) and re.search(rf'value="{sem_png["id"]}"[^>]* checked', html)
    assert not re.search(rf'value="{ocupada["id"]}"[^>]* checked', html)
    folha = folha_impressa(html)
    assert f'src="/admin/etiquetas/{com_png["id"]}.png"' in folha and ocupada["id"] not in folha
    assert "etiqueta indisponível — gere um novo segredo pelo console" in folha and "ABB M3BP" in folha
    assert "Marcadas: 2 de 3 máquinas · folhas A4: 1" in texto_visivel(html)
    png = client.get(f"/admin/etiquetas/{com_png['id']}.png")
    assert png.status_code == 200 and png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert png.headers["Cache-Control"] == "no-store"
    png.close()
    assert client.get(f"/admin/etiquetas/{sem_png['id']}.png").status_code == 404
    assert client.get("/admin/etiquetas/..%2F..%2Fconfig.png").status_code == 404


def test_etiquetas_escolhidas_por_ids_levam_nome_e_codigo(app, client, atores, admin):
    primeira, segunda = etiqueta_gravada(app, atores), etiqueta_gravada(app, atores)
    nomeada = atores.maquina_de(atores.usuario(), "Moedor da linha 2")
    html = client.get(f"/admin/etiquetas?ids={segunda['id']},{nomeada['id'].upper()},0123456789abcdef01234567")
    html = html.get_data(as_text=True)
    folha = folha_impressa(html)
    assert segunda["id"] in folha and nomeada["id"] in folha and primeira["id"] not in folha
    assert "Moedor da linha 2" in folha and "WEG W22" in folha  # the owner's name, else maker and model
    assert "Máquina não encontrada: 0123456789abcdef01234567" in texto_visivel(html)
    # The page's own form sends ?ids=a&ids=b; an empty ids= is "nothing ticked", not "the free ones".
    folha = folha_impressa(client.get(f"/admin/etiquetas?ids=&ids={primeira['id']}").get_data(as_text=True))
    assert primeira["id"] in folha and segunda["id"] not in folha
    vazia = client.get("/admin/etiquetas?ids=").get_data(as_text=True)
    assert "etiqueta__nome" not in folha_impressa(vazia) and re.search(r'id="sem-etiquetas">', vazia)


def test_etiquetas_repartidas_em_folhas_do_estoque_escolhido(app, client, atores, admin):
    for _ in range(22):
        atores.maquina()
    html = client.get("/admin/etiquetas").get_data(as_text=True)  # 2 × 7 unless told
    assert folha_impressa(html).count('class="folha-etiquetas__pagina"') == 2
    assert 'aria-label="Folha 2 de 2"' in html and "folha-etiquetas--a4-2x7" in html
    assert texto_visivel(html).count("A4, 2 colunas × 7 linhas de 99,1 × 38,1 mm (14 por folha; Pimaco A4263") == 1
    html = client.get("/admin/etiquetas?folha=a4-3x7").get_data(as_text=True)
    folhas = folha_impressa(html).split('class="folha-etiquetas__pagina"')[1:]
    assert [f.count('<li class="etiqueta') for f in folhas] == [21, 1] and "folha-etiquetas--a4-3x7" in html
    estilo = client.get("/static/css/etiquetas.css")
    css = estilo.get_data(as_text=True)
    estilo.close()
    assert "@page { size: A4; margin: 15mm 4mm; }" in css and "--largura: 99.1mm" in css and "--largura: 63.5mm" in css


def test_pagina_de_erro_e_etiquetas_seguem_o_idioma(app, client, atores, servicos, admin):
    servicos.usuarios.salvar_preferencias(admin["id"], {"idioma": "en"})
    erro = texto_visivel(client.get("/admin/etiquetas/nao-e-um-id.png").get_data(as_text=True))
    assert "Error 404" in erro and "Not found" in erro and "Back to the start page" in erro
    etiqueta_gravada(app, atores)
    folha = texto_visivel(client.get("/admin/etiquetas?ids=0123456789abcdef01234567").get_data(as_text=True))
    assert "QR labels" in folha and "Print" in folha and "Machine not found: 0123456789abcdef01234567" in folha
    assert "Máquina" not in folha and "Etiqueta" not in folha


def test_uplot_vendorizado_com_licenca_e_readme():
    pasta = RAIZ / "static" / "vendor"
    codigo = (pasta / "uplot" / "uPlot.iife.min.js").read_text()
    assert "var uPlot=" in codigo and "eval(" not in codigo and "new Function" not in codigo
    assert (pasta / "uplot" / "uPlot.min.css").read_text().startswith(".uplot")
    assert "MIT License" in (pasta / "uplot" / "LICENSE").read_text()
    leia_me = (pasta / "README.md").read_text()
    assert "uplot@1.6.32" in leia_me and "MIT" in leia_me
    assert "19c8d4c6ad88929a79f4ae49d6f7161566dfd0ba3d15cc495e974f787eb78f1f" in leia_me


# ---- alarms on the machine page and the alarms page ------------------------------------------------
def test_pagina_da_maquina_tem_faixa_de_alarmes_ativos_e_o_editor_de_regras(client, atores, logado):
    maquina = atores.maquina_de(logado)
    html = client.get(f"/maquinas/{maquina['id']}").get_data(as_text=True)
    assert re.search(r'id="banner-alarmes"[^>]*hidden', html)  # nothing to show yet
    assert 'id="secao-regras"' in html and "Regras padrão do DataButcher." in html
    assert "A até 1,40 mm/s, B até 2,80 mm/s, C até 4,50 mm/s, D acima" in html
    atores.leituras_julgadas(maquina, [{"temperatura": 95.0}] * 12)
    html = client.get(f"/maquinas/{maquina['id']}").get_data(as_text=True)
    banner = html[html.index('id="banner-alarmes"'):html.index("</section>", html.index('id="banner-alarmes"'))]
    assert "hidden" not in banner.split(">", 1)[0]
    assert "<strong>Alta</strong> Temperatura alta · 95,0 °C" in banner


def test_pagina_de_alarmes_oferece_so_as_minhas_maquinas_no_filtro(client, atores, logado):
    minha = atores.maquina_de(logado, nome="Prensa minha")
    alheia = atores.maquina_de(atores.usuario(), nome="Prensa alheia")
    html = client.get(f"/alarmes?maquina_id={minha['id']}").get_data(as_text=True)
    assert "Prensa minha" in html and "Prensa alheia" not in html and alheia["id"] not in html
    assert f'<option value="{minha["id"]}" selected>' in html
    assert 'aria-current="page">Alarmes</a>' in html
    for severidade in ("Crítica", "Alta", "Média", "Baixa"):
        assert f">{severidade}</option>" in html


def test_pagina_de_alarmes_exige_login(client):
    resposta = client.get("/alarmes")
    assert resposta.status_code == 302 and "/entrar" in resposta.headers["Location"]


def test_painel_abre_na_visao_e_agrupamento_que_o_usuario_escolheu_e_oferece_as_linhas(client, atores, logado):
    uma, outra = atores.maquina_de(logado, nome="Serra A"), atores.maquina_de(logado, nome="Serra B")
    for maquina, linha in ((uma, "Linha 2"), (outra, "Linha 1")):
        assert client.patch(f"/api/machines/{maquina['id']}", headers=logado["headers"],
                            json={"linha": linha, "local": "Galpão Norte"}).status_code == 200
    html = client.get("/maquinas").get_data(as_text=True)
    assert re.search(r'id="lista-maquinas" class="grade grade--maquinas">', html)  # cards by default
    assert re.search(r'id="tabela-maquinas"[^>]*hidden', html)
    assert html.index('<option value="Linha 1">') < html.index('<option value="Linha 2">')
    assert client.put("/api/auth/preferences", headers=logado["headers"],
                      json={"visao_painel": "lista", "agrupar_painel": "linha"}).status_code == 200
    html = client.get("/maquinas").get_data(as_text=True)
    assert re.search(r'id="lista-maquinas" class="grade grade--maquinas" hidden', html)
    assert 'data-visao="lista" aria-pressed="true"' in html and '<option value="linha" selected>' in html
    linha = html[html.index(f'<tr data-maquina-id="{uma["id"]}"'):]
    assert "Linha 2 · Galpão Norte" in linha[:linha.index("</tr>")]
    assert assert_envelope(client.put("/api/auth/preferences", headers=logado["headers"],
                                      json={"visao_painel": "mosaico"}), 400)["campo"] == "visao_painel"
    assert assert_envelope(client.patch(f"/api/machines/{uma['id']}", headers=logado["headers"],
                                        json={"linha": "x" * 61}), 400)["campo"] == "linha"
