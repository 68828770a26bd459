"""Alarm notifications end to end: a device on a real mosquitto overheats, flaps inside the hysteresis and cools
down; the app's delivery task posts signed webhooks to a local receiver and sends e-mails to a local SMTP server,
one per transition each, and a receiver that fails first is retried and its error shown on the account API."""
import json
import uuid
from datetime import timedelta

import pytest
from pymongo import MongoClient

from app import create_app
from conftest import CONFIG_TESTE, LEITURA, Atores, contar_leituras
from dispositivo import DispositivoSimulado
from MongoDB.gerencia_BD import agora_utc
from nucleo.contrato import CABECALHO_ASSINATURA
from nucleo.webhook import assinatura
from receptores import ReceptorWebhook, receptor_smtp, receptor_webhook  # noqa: F401  (fixtures)
from test_mqtt_integracao import esperar

pytestmark = pytest.mark.mosquitto

REGRA = {"sensor": "temperatura", "maximo": 80, "minimo": None, "duracao_s": 0, "histerese": 5, "severidade": "alta"}


@pytest.fixture
def planta(mosquitto, nx_27017, receptor_smtp):
    config = dict(CONFIG_TESTE, **mosquitto.config_app(), **receptor_smtp.config_app(),
                  DB_NAME=f"notificacoes_{uuid.uuid4().hex[:8]}", MQTT_CLIENT_ID=f"notif-{uuid.uuid4().hex[:8]}",
                  TAREFAS_PERIODICAS=True, NOTIFICACOES_INTERVALO_S=0.1, NOTIFICACOES_ESPERA_INICIAL_S=0.3,
                  WEBHOOK_PERMITIR_REDE_LOCAL=True, GRAVACAO_ATIVIDADE_S=1, VIGIA_INTERVALO_S=60)
    app = create_app(config, mongo_client=MongoClient(nx_27017.uri, tz_aware=True))
    esperar(app.extensions["mqtt"].client.is_connected, mensagem="conexão do app ao mosquitto")
    esperar(lambda: app.extensions["databutcher"].contadores.como_dict().get("conexoes"), mensagem="assinaturas")
    client = app.test_client()
    atores = Atores(client, app.extensions["databutcher"])
    dono = atores.usuario()
    maquina = atores.maquina_de(dono, "Moedor 7")
    assert client.put(f"/api/machines/{maquina['id']}/alarm-rules", headers=dono["headers"],
                      json={"regras": [REGRA]}).status_code == 200
    dispositivo = DispositivoSimulado(mosquitto.porta, maquina["id"], maquina["token"])
    yield {"app": app, "client": client, "dono": dono, "maquina": maquina, "dispositivo": dispositivo,
           "smtp": receptor_smtp}
    dispositivo.fechar()
    for tarefa in app.extensions["tarefas"]:
        tarefa.parar()
    app.extensions["mqtt"].client.disconnect()
    app.extensions["mqtt"].client.loop_stop()
    app.extensions["databutcher"].encerrar()


def _notificar(planta, webhook_url, email=True):
    resposta = planta["client"].put("/api/auth/notifications", headers=planta["dono"]["headers"],
                                    json={"webhook_url": webhook_url, "email": email, "severidade_minima": "alta"})
    assert resposta.status_code == 200, resposta.get_json()
    return resposta.get_json()["webhook_segredo"]


def _temperaturas(planta, valores):
    """One reading per value, a second apart by the device's clock, ending now (as the firmware sends them)."""
    inicio = agora_utc() - timedelta(seconds=len(valores))
    for i, valor in enumerate(valores):
        momento = inicio + timedelta(seconds=i)
        planta["dispositivo"].publicar("telemetria", dict(LEITURA, temperatura=valor, ts=momento.isoformat()))


def _alarmes(planta):
    return planta["client"].get("/api/alarms", headers=planta["dono"]["headers"]).get_json()["alarmes"]


def _canais(planta):
    resposta = planta["client"].get("/api/auth/notifications", headers=planta["dono"]["headers"])
    return resposta.get_json()["notificacoes"]["canais"]


def test_superaquecer_oscilar_e_esfriar_da_dois_webhooks_assinados_e_dois_emails(planta, receptor_webhook):
    segredo = _notificar(planta, receptor_webhook.url)
    _temperaturas(planta, [70, 92, 79, 83, 77, 81])  # over the limit, then flapping inside the 5 °C hysteresis
    esperar(lambda: len(receptor_webhook.recebidos) == 1 and len(planta["smtp"].mensagens) == 1, mensagem="aviso de ativação")
    [alarme] = _alarmes(planta)
    assert alarme["estado"] == "ativo"
    _temperaturas(planta, [72])  # 8 °C under the limit: cleared
    esperar(lambda: len(receptor_webhook.recebidos) == 2 and len(planta["smtp"].mensagens) == 2,
            mensagem="aviso de normalização")
    esperar(lambda: _canais(planta)["email"]["ultimo_status"] == "entregue", mensagem="situação do e-mail")
    # Every reading judged and the outbox emptied: nothing else is on its way.
    servicos = planta["app"].extensions["databutcher"]
    esperar(lambda: contar_leituras(servicos, planta["maquina"]["id"]) == 7, mensagem="leituras guardadas")
    assert servicos.gravador.esvaziar()
    servicos.entregador.entregar_devidas()

    eventos = []
    for status, cabecalhos, corpo in receptor_webhook.recebidos:
        assert cabecalhos[CABECALHO_ASSINATURA] == assinatura(segredo, corpo)
        dados = json.loads(corpo)
        eventos.append((dados["evento"], dados["alarme"]["estado"]))
        assert dados["alarme"]["alarme_id"] == alarme["alarme_id"] and dados["alarme"]["maquina_id"] == planta["maquina"]["id"]
        assert set(dados["alarme"]) >= {"tipo", "sensor", "severidade", "reconhecido", "inicio", "fim", "valor_pico",
                                        "ultimo_valor", "contagem"}
    assert eventos == [("alarme.ativado", "ativo"), ("alarme.normalizado", "normalizado")]
    assert json.loads(receptor_webhook.recebidos[0][2])["alarme"]["ultimo_valor"] == 92.0

    assuntos = [mensagem["Subject"] for _, mensagem in planta["smtp"].mensagens]
    assert assuntos == ["[DataButcher] Alarme ativado: Temperatura alta em Moedor 7",
                        "[DataButcher] Alarme normalizado: Temperatura alta em Moedor 7"]
    destinatarios, primeira = planta["smtp"].mensagens[0]
    assert destinatarios == [f"{planta['dono']['nome']}@exemplo.com"]
    assert "Valor: 92,0 °C" in primeira.get_content() and "(America/Sao_Paulo)" in primeira.get_content()
    assert len(_alarmes(planta)) == 1  # the flapping raised nothing more
    canais = _canais(planta)
    assert canais["webhook"]["ultimo_status"] == "entregue" and canais["webhook"]["ultimo_erro"] is None


def test_receptor_que_falha_recebe_na_nova_tentativa_e_o_erro_aparece_na_conta(planta):
    receptor = ReceptorWebhook(respostas=[500, 200])
    try:
        _notificar(planta, receptor.url, email=False)
        _temperaturas(planta, [95])
        esperar(lambda: [status for status, _, _ in receptor.recebidos] == [500, 200], mensagem="nova tentativa")
        esperar(lambda: _canais(planta)["webhook"]["ultimo_status"] == "entregue", mensagem="situação entregue")
        webhook = _canais(planta)["webhook"]
        assert webhook["ultimo_erro"] == "HTTP 500 Internal Server Error"
        assert webhook["ultimo_erro_em"] <= webhook["ultimo_sucesso_em"]
        assert receptor.recebidos[0][2] == receptor.recebidos[1][2]  # the same signed body, sent again
        assert planta["smtp"].mensagens == []  # e-mail off: nothing sent there
    finally:
        receptor.parar()
