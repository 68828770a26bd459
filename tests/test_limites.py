"""Attempt limits: guessing passwords, claim secrets or device tokens gets 429 with Retry-After, and
nobody else is locked out by it (other IPs, the real device, 200 devices behind one NAT)."""
import pytest

from MongoDB import gerencia_usuario

from conftest import LEITURA, assert_envelope
from test_paginas import entrar


def assert_429(resposta):
    """The envelope, in pt-BR, with a Retry-After in whole seconds that a client can wait for."""
    corpo = assert_envelope(resposta, 429)
    espera = int(resposta.headers["Retry-After"])
    assert 1 <= espera <= 3601  # at most the longest window (an hour), rounded up
    assert corpo["message"] == f"Tentativas demais; tente de novo em {espera} s"
    return espera


@pytest.fixture
def bcrypts(monkeypatch):
    """How many password checks (bcrypt, ~235 ms of CPU each at production cost) the server ran."""
    contagem = [0]
    original = gerencia_usuario.bcrypt.checkpw

    def contar(*args):
        contagem[0] += 1
        return original(*args)
    monkeypatch.setattr(gerencia_usuario.bcrypt, "checkpw", contar)
    return contagem


def test_mil_logins_errados_de_um_ip_custam_no_maximo_vinte_bcrypts(client, atores, bcrypts):
    atores.usuario("ana")
    bcrypts[0] = 0
    atacante = {"REMOTE_ADDR": "203.0.113.7"}
    respostas = [client.post("/api/auth/login", json={"nome_usuario": f"ana{n % 50}", "senha": f"chute-{n}"},
                             environ_base=atacante) for n in range(1000)]
    recusadas = [r for r in respostas if r.status_code == 429]
    assert bcrypts[0] == 20 == sum(r.status_code == 401 for r in respostas)
    assert len(recusadas) == 980
    assert_429(recusadas[-1])


def test_senha_adivinhada_de_muitos_ips_bloqueia_o_nome_e_nao_os_outros_usuarios(client, atores, bcrypts):
    atores.usuario("ana")
    atores.usuario("bruno")
    bcrypts[0] = 0
    for n in range(5):
        resposta = client.post("/api/auth/login", json={"nome_usuario": "ana", "senha": f"chute-{n}"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{n}"})
        assert_envelope(resposta, 401)
    # The sixth guess, from yet another IP, and even the right password now wait: no bcrypt is spent on them.
    assert_429(client.post("/api/auth/login", json={"nome_usuario": "ana", "senha": "chute-6"},
                           environ_base={"REMOTE_ADDR": "10.0.0.6"}))
    assert_429(client.post("/api/auth/login", json={"nome_usuario": "ana", "senha": "senha-forte-123"}))
    assert bcrypts[0] == 5
    assert client.post("/api/auth/login", json={"nome_usuario": "bruno", "senha": "senha-forte-123"}).status_code == 200


def test_logins_certos_nao_contam_contra_o_proprio_usuario(client, atores):
    atores.usuario("ana")
    for _ in range(8):
        assert client.post("/api/auth/login", json={"nome_usuario": "ana", "senha": "senha-forte-123"}).status_code == 200


def test_formulario_de_login_divide_o_limite_com_a_api(client, atores):
    atores.usuario("ana")
    for n in range(5):
        assert entrar(client, "ana", senha=f"chute-{n}").status_code == 401
    pagina = entrar(client, "ana")
    assert pagina.status_code == 429 and int(pagina.headers["Retry-After"]) >= 1
    assert "Tentativas demais" in pagina.get_data(as_text=True)
    assert_429(client.post("/api/auth/login", json={"nome_usuario": "ana", "senha": "senha-forte-123"}))


def test_cadastros_em_massa_de_um_ip_e_do_mesmo_nome_param(client):
    def cadastrar(nome, ip="10.1.1.1"):
        return client.post("/api/auth/register", environ_base={"REMOTE_ADDR": ip}, json={
            "nome_usuario": nome, "senha": "senha-forte-123", "empresa": "Frigo", "email": f"{nome}@exemplo.com"})
    assert [cadastrar(f"robo{n}").status_code for n in range(20)] == [201] * 20
    assert_429(cadastrar("robo20"))
    assert cadastrar("gente", ip="10.2.2.2").status_code == 201
    assert [cadastrar("gente", ip=f"10.3.3.{n}").status_code for n in range(4)] == [409] * 4
    assert_429(cadastrar("gente", ip="10.4.4.4"))


def test_chutes_de_segredo_param_por_usuario_e_por_maquina(client, atores):
    intruso, vizinho, dono = atores.usuario(), atores.usuario(), atores.usuario()
    alvos = [atores.maquina() for _ in range(11)]
    for maquina in alvos[:10]:
        resposta = client.post("/api/machines", headers=intruso["headers"],
                               json={"codigo": maquina["id"], "segredo": "chute", "nome_maquina": "x"})
        assert_envelope(resposta, 403)
    assert_429(client.post("/api/machines", headers=intruso["headers"],
                           json={"codigo": alvos[10]["id"], "segredo": alvos[10]["segredo"], "nome_maquina": "x"}))
    # Per machine code, whoever guesses: the QR link counts as the same code.
    alvo = alvos[10]
    for _ in range(4):
        assert_envelope(client.post("/api/machines", headers=vizinho["headers"],
                                    json={"codigo": alvo["id"], "segredo": "chute", "nome_maquina": "x"}), 403)
    link = f"http://databutcher.test/maquinas/adicionar?codigo={alvo['id']}&segredo=chute"
    assert_envelope(client.post("/api/machines", headers=vizinho["headers"], json={"link": link, "nome_maquina": "x"}), 403)
    assert_429(client.post("/api/machines", headers=dono["headers"],
                           json={"codigo": alvo["id"], "segredo": alvo["segredo"], "nome_maquina": "Minha"}))
    outra = atores.maquina()
    assert client.post("/api/machines", headers=dono["headers"], json={
        "codigo": outra["id"], "segredo": outra["segredo"], "nome_maquina": "Outra"}).status_code == 201


def enviar(client, maquina_id, token, **campos):
    return client.post("/api/sensor-data", json={"maquina_id": maquina_id, **LEITURA, **campos},
                       headers={"Authorization": f"Bearer {token}"})


def test_tokens_errados_de_dispositivo_param_e_o_dispositivo_certo_segue(client, atores):
    maquina = atores.maquina()
    for n in range(10):
        assert_envelope(enviar(client, maquina["id"], f"token-errado-{n}"), 403)
    assert_429(enviar(client, maquina["id"], "token-errado-10"))
    # The real device, even from the attacker's IP, is never refused while the attack goes on.
    assert [enviar(client, maquina["id"], maquina["token"], seq=n).status_code for n in range(20)] == [201] * 20
    assert_429(enviar(client, maquina["id"], "token-errado-11"))


def test_maquina_desconhecida_e_conhecida_respondem_igual_a_token_errado(client, atores):
    conhecida = atores.maquina()
    desconhecida = "0123456789abcdef01234567"
    respostas = [(enviar(client, conhecida["id"], "token-errado"), enviar(client, desconhecida, "token-errado"))
                 for _ in range(11)]
    for de_uma, da_outra in respostas[:10]:
        assert (de_uma.status_code, de_uma.get_data()) == (da_outra.status_code, da_outra.get_data())
    assert_envelope(respostas[0][1], 403)
    assert [assert_429(r) > 0 for r in respostas[10]] == [True, True]  # the wait may differ by the second it ticked


def test_duzentos_dispositivos_atras_de_um_ip_a_1_hz_nunca_sao_limitados(client, atores):
    maquinas = [atores.maquina() for _ in range(200)]
    status = [enviar(client, m["id"], m["token"], seq=rodada).status_code for rodada in range(3) for m in maquinas]
    assert status == [201] * 600
