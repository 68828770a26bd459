"""The notification settings as an operator uses them: PUT/GET /api/auth/notifications, the secret shown once,
refusals naming the field, the SSRF guard and e-mail only where the server can send it."""
import pytest

from conftest import assert_envelope

URL = "/api/auth/notifications"


@pytest.fixture
def dono(app, atores):
    app.config["WEBHOOK_PERMITIR_REDE_LOCAL"] = True  # the receivers of these tests live on loopback
    return atores.usuario()


def test_sem_ajustes_nada_e_notificado_e_nenhum_canal_tem_historico(client, dono):
    corpo = client.get(URL, headers=dono["headers"]).get_json()["notificacoes"]
    assert corpo["webhook_url"] is None and corpo["webhook_segredo_definido"] is False and corpo["email"] is False
    assert corpo["severidade_minima"] == "baixa" and corpo["endereco_email"] == f"{dono['nome']}@exemplo.com"
    assert corpo["canais"]["webhook"] == {"ultimo_status": None, "ultimo_erro": None, "ultimo_erro_em": None,
                                          "ultimo_sucesso_em": None}


def test_segredo_do_webhook_aparece_uma_vez_e_so_muda_quando_pedido(client, dono, servicos):
    primeira = client.put(URL, headers=dono["headers"], json={"webhook_url": "http://127.0.0.1:9/alarmes",
                                                               "severidade_minima": "alta"})
    assert primeira.status_code == 200, primeira.get_json()
    segredo = primeira.get_json()["webhook_segredo"]
    assert len(segredo) >= 40
    lido = client.get(URL, headers=dono["headers"])
    assert segredo not in lido.get_data(as_text=True)
    assert lido.get_json()["notificacoes"]["webhook_segredo_definido"] is True
    assert lido.get_json()["notificacoes"]["severidade_minima"] == "alta"
    # Saving again (another URL, another severity) keeps the secret the receiver already has, and does not show it.
    segunda = client.put(URL, headers=dono["headers"], json={"webhook_url": "http://127.0.0.1:9/outro"})
    assert "webhook_segredo" not in segunda.get_json()
    assert servicos.usuarios.notificacoes(dono["id"])["webhook_segredo"] == segredo
    nova = client.put(URL, headers=dono["headers"], json={"gerar_novo_segredo": True}).get_json()
    assert nova["webhook_segredo"] != segredo
    # Removing the webhook forgets its secret; setting one again makes a new one.
    removido = client.put(URL, headers=dono["headers"], json={"webhook_url": None}).get_json()["notificacoes"]
    assert removido["webhook_url"] is None and removido["webhook_segredo_definido"] is False
    assert "webhook_segredo" in client.put(URL, headers=dono["headers"],
                                           json={"webhook_url": "https://127.0.0.1/x"}).get_json()


@pytest.mark.parametrize("corpo, campo", [
    ({"webhook_url": "ftp://exemplo.com/x"}, "webhook_url"),
    ({"webhook_url": "exemplo.com/alarmes"}, "webhook_url"),
    ({"webhook_url": "http://usuario:senha@127.0.0.1/x"}, "webhook_url"),
    ({"webhook_url": 42}, "webhook_url"),
    ({"webhook_url": "http://nao-existe.invalid/x"}, "webhook_url"),
    ({"email": "sim"}, "email"),
    ({"severidade_minima": "urgente"}, "severidade_minima"),
    ({"gerar_novo_segredo": 1}, "gerar_novo_segredo"),
    ({"canal": "sms"}, "canal"),
])
def test_ajuste_invalido_e_400_nomeando_o_campo(client, dono, corpo, campo):
    assert assert_envelope(client.put(URL, headers=dono["headers"], json=corpo), 400)["campo"] == campo


def test_webhook_para_rede_local_e_recusado_sem_a_permissao(app, client, dono):
    app.config["WEBHOOK_PERMITIR_REDE_LOCAL"] = False
    for url in ("http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]/x", "http://10.0.0.5/x",
                "http://169.254.169.254/latest/meta-data"):
        corpo = assert_envelope(client.put(URL, headers=dono["headers"], json={"webhook_url": url}), 400)
        assert corpo["campo"] == "webhook_url" and "rede local" in corpo["message"], url
    assert client.get(URL, headers=dono["headers"]).get_json()["notificacoes"]["webhook_url"] is None


def test_email_sem_smtp_configurado_e_400_explicando(app, client, dono):
    app.config["SMTP_HOST"] = None
    corpo = assert_envelope(client.put(URL, headers=dono["headers"], json={"email": True}), 400)
    assert corpo["campo"] == "email" and "SMTP_HOST" in corpo["message"]
    assert client.get(URL, headers=dono["headers"]).get_json()["notificacoes"]["email_disponivel"] is False
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_REMETENTE="alarmes@exemplo.com")
    salvo = client.put(URL, headers=dono["headers"], json={"email": True}).get_json()["notificacoes"]
    assert salvo["email"] is True and salvo["email_disponivel"] is True


def test_sem_login_e_401_e_cada_um_ve_so_os_seus(client, dono, atores):
    assert_envelope(client.get(URL), 401)
    assert_envelope(client.put(URL, json={"email": False}), 401)
    client.put(URL, headers=dono["headers"], json={"webhook_url": "http://127.0.0.1:9/dono"})
    vizinho = atores.usuario()
    assert client.get(URL, headers=vizinho["headers"]).get_json()["notificacoes"]["webhook_url"] is None
