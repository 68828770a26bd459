"""Scale-out: two app processes share the MQTT load through `$share/<group>/` without duplicates."""
import time
import uuid

import pytest
from pymongo import MongoClient

from app import create_app
from conftest import CONFIG_TESTE, LEITURA, contar_leituras
from dispositivo import DispositivoSimulado
from nucleo import maquinas as casos_maquinas
from test_mqtt_integracao import esperar

pytestmark = [pytest.mark.mosquitto, pytest.mark.embutido]


def test_dois_processos_dividem_as_mensagens_sem_duplicar(mosquitto, nx_27017):
    banco = f"compartilhado_{uuid.uuid4().hex[:8]}"
    config = dict(CONFIG_TESTE, **mosquitto.config_app(), MQTT_SHARED_GROUP="ingestao", DB_NAME=banco)
    apps = [create_app(dict(config, MQTT_CLIENT_ID=f"app-{i}-{uuid.uuid4().hex[:6]}"),
                       mongo_client=MongoClient(nx_27017.uri, tz_aware=True)) for i in range(2)]
    dispositivo = None
    try:
        for app in apps:
            esperar(lambda: app.extensions["databutcher"].contadores.como_dict().get("conexoes"), mensagem="assinatura")
        criada = casos_maquinas.criar(apps[0].extensions["databutcher"], "WEG", "W22")
        maquina_id = criada["maquina"]["id"]
        dispositivo = DispositivoSimulado(mosquitto.porta, maquina_id, criada["token"], responder=False)
        agora_ms = int(time.time() * 1000)
        total = 200
        for seq in range(total):
            dispositivo.publicar("telemetria", dict(LEITURA, ts=agora_ms - total * 1000 + seq * 1000, seq=seq))
        servicos = apps[0].extensions["databutcher"]
        esperar(lambda: contar_leituras(servicos, maquina_id) == total, segundos=30, mensagem="todas as leituras")
        for app in apps:
            app.extensions["databutcher"].gravador.esvaziar()
        contagens = [app.extensions["databutcher"].contadores.como_dict() for app in apps]
        assert [c.get("leituras", 0) > 0 for c in contagens] == [True, True]
        assert sum(c.get("gravadas", 0) for c in contagens) == total
        assert sum(c.get("duplicadas", 0) for c in contagens) == 0
    finally:
        if dispositivo:
            dispositivo.fechar()
        for app in apps:
            app.extensions["mqtt"].client.disconnect()
            app.extensions["mqtt"].client.loop_stop()
            app.extensions["databutcher"].encerrar()
