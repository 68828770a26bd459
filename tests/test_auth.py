"""Accounts: register, login, tokens and their refusals."""
from datetime import datetime, timedelta, timezone

import jwt

from conftest import assert_envelope


def test_cadastro_e_login_devolvem_token_com_sub_do_usuario(client, app):
    resposta = client.post("/api/auth/register", json={
        "nome_usuario": "ana", "senha": "segredo-da-ana", "empresa": "Frigo", "email": "Ana@Exemplo.com"})
    assert resposta.status_code == 201
    assert resposta.get_json()["usuario"]["email"] == "ana@exemplo.com"
    assert "senha" not in resposta.get_json()["usuario"]

    login = client.post("/api/auth/login", json={"nome_usuario": "ana", "senha": "segredo-da-ana"})
    assert login.status_code == 200
    carga = jwt.decode(login.get_json()["token"], app.config["JWT_SECRET_KEY"], algorithms=["HS256"])
    assert carga["sub"] == login.get_json()["user_id"]
    assert carga["exp"] > datetime.now(timezone.utc).timestamp()


def test_senha_guardada_com_bcrypt(client, servicos):
    client.post("/api/auth/register", json={
        "nome_usuario": "bia", "senha": "segredo-da-bia", "empresa": "Frigo", "email": "bia@exemplo.com"})
    guardado = servicos.bd.colecao("usuarios").find_one({"nome_usuario": "bia"})
    assert guardado["senha"].startswith("$2b$")
    assert "segredo-da-bia" not in guardado["senha"]


def test_nome_ou_email_repetido_da_409(client, atores):
    atores.usuario("carlos")
    mesmo_nome = client.post("/api/auth/register", json={
        "nome_usuario": "carlos", "senha": "outra-senha-1", "empresa": "X", "email": "outro@exemplo.com"})
    assert assert_envelope(mesmo_nome, 409)["campo"] == "nome_usuario"
    mesmo_email = client.post("/api/auth/register", json={
        "nome_usuario": "carlos2", "senha": "outra-senha-1", "empresa": "X", "email": "CARLOS@exemplo.com"})
    assert assert_envelope(mesmo_email, 409)["campo"] == "email"


def test_senha_errada_e_usuario_inexistente_dao_o_mesmo_401(client, atores):
    atores.usuario("duda")
    errada = client.post("/api/auth/login", json={"nome_usuario": "duda", "senha": "nao-e-esta"})
    inexistente = client.post("/api/auth/login", json={"nome_usuario": "ninguem", "senha": "nao-e-esta"})
    assert assert_envelope(errada, 401)["message"] == assert_envelope(inexistente, 401)["message"]


def test_rota_protegida_sem_token_invalido_expirado_ou_forjado_da_401(client, app, atores):
    usuario = atores.usuario()
    agora = datetime.now(timezone.utc)
    expirado = jwt.encode({"sub": usuario["id"], "exp": agora - timedelta(minutes=1)},
                          app.config["JWT_SECRET_KEY"], algorithm="HS256")
    forjado = jwt.encode({"sub": usuario["id"], "exp": agora + timedelta(hours=1)},
                         "outra-chave-que-nao-e-a-do-servidor-123456", algorithm="HS256")
    for cabecalho in ({}, {"Authorization": "Bearer lixo"}, {"Authorization": f"Bearer {expirado}"},
                      {"Authorization": f"Bearer {forjado}"}, {"Authorization": "Basic abc"}):
        assert_envelope(client.get("/api/machines", headers=cabecalho), 401)
    assert client.get("/api/machines", headers=usuario["headers"]).status_code == 200


def _outro_dispositivo(client, usuario, senha="senha-forte-123"):
    token = client.post("/api/auth/login", json={"nome_usuario": usuario["nome"], "senha": senha}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_logout_encerra_so_esta_sessao_e_o_outro_dispositivo_continua(client, atores):
    usuario = atores.usuario()
    celular = _outro_dispositivo(client, usuario)
    assert client.post("/api/auth/logout", headers=usuario["headers"]).status_code == 200
    assert_envelope(client.get("/api/machines", headers=usuario["headers"]), 401)
    assert client.get("/api/machines", headers=celular).status_code == 200


def test_logout_all_encerra_todas_as_sessoes_do_usuario_e_so_dele(client, atores):
    usuario, vizinho = atores.usuario(), atores.usuario()
    celular = _outro_dispositivo(client, usuario)
    assert client.post("/api/auth/logout-all", headers=usuario["headers"]).status_code == 200
    for cabecalhos in (usuario["headers"], celular):
        assert_envelope(client.get("/api/machines", headers=cabecalhos), 401)
    assert client.get("/api/machines", headers=vizinho["headers"]).status_code == 200
    assert client.get("/api/machines", headers=_outro_dispositivo(client, usuario)).status_code == 200  # logs in again


def test_token_com_sessao_inventada_nao_entra(client, atores, app):
    import jwt
    usuario = atores.usuario()
    carga = jwt.decode(usuario["headers"]["Authorization"].split()[1], options={"verify_signature": False})
    for sid in ("sessao-que-nao-existe", None, 123):
        forjado = jwt.encode(carga | {"sid": sid}, app.config["JWT_SECRET_KEY"], algorithm="HS256")
        assert_envelope(client.get("/api/machines", headers={"Authorization": f"Bearer {forjado}"}), 401)


def test_troca_de_senha_exige_a_atual_e_revoga_sessoes(client, atores):
    usuario = atores.usuario("edu", senha="senha-antiga-1")
    errada = client.post("/api/auth/password", headers=usuario["headers"],
                         json={"senha_atual": "chute-errado", "senha_nova": "senha-nova-12"})
    assert_envelope(errada, 403)
    certa = client.post("/api/auth/password", headers=usuario["headers"],
                        json={"senha_atual": "senha-antiga-1", "senha_nova": "senha-nova-12"})
    assert certa.status_code == 200
    assert_envelope(client.get("/api/machines", headers=usuario["headers"]), 401)
    assert client.post("/api/auth/login", json={"nome_usuario": "edu", "senha": "senha-nova-12"}).status_code == 200


def test_cadastro_recusa_campos_invalidos_nomeando_o_campo(client):
    base = {"nome_usuario": "fabio", "senha": "senha-boa-1", "empresa": "X", "email": "fabio@exemplo.com"}
    casos = {
        "nome_usuario": {"$ne": ""},
        "senha": "curta",
        "email": "nao-e-email",
        "empresa": 42,
    }
    for campo, valor in casos.items():
        corpo = assert_envelope(client.post("/api/auth/register", json={**base, campo: valor}), 400)
        assert corpo["campo"] == campo, corpo


def test_preferencias_validam_fuso_idioma_e_tema(client, atores):
    usuario = atores.usuario()
    resposta = client.put("/api/auth/preferences", headers=usuario["headers"],
                          json={"fuso_horario": "America/Manaus", "tema": "escuro", "idioma": "en"})
    assert resposta.status_code == 200
    eu = client.get("/api/auth/me", headers=usuario["headers"]).get_json()["usuario"]["preferencias"]
    assert (eu["fuso_horario"], eu["tema"], eu["idioma"]) == ("America/Manaus", "escuro", "en")
    for corpo in ({"fuso_horario": "Marte/Olimpo"}, {"tema": "neon"}, {"idioma": "klingon"}, {"fuso_horario": 3}):
        assert_envelope(client.put("/api/auth/preferences", headers=usuario["headers"], json=corpo), 400)
