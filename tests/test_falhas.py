"""Nothing acknowledged is ever lost: a QoS 1 stream over a real mosquitto while a part of the product fails.

Each test runs `python app.py` (embedded nx-27017) against a mosquitto with persistence, publishes a
stream of readings (unique ts + seq) like a device, breaks one thing in the middle, brings it back,
and counts: published, acknowledged by the broker, stored, stored twice. Every reading the broker
acknowledged must be stored exactly once.
"""
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from pymongo import MongoClient

from conftest import LEITURA
from mqtt.contrato import topico
from processos import App, ambiente, console_json, filhos_vivos, pedir, uri_do_banco
from servidores import Mosquitto
from test_mqtt_integracao import esperar

pytestmark = [
    pytest.mark.mosquitto, pytest.mark.embutido,
    # While the broker is down, paho's reconnect loop in this process can drop a refused socket without
    # closing it (paho 2.2 `_create_socket` under a loaded machine); that is the publisher's, not the product's.
    pytest.mark.filterwarnings("ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"),
]

TOTAL = 2400
TAXA = 300  # readings per second: the stream lasts 8 s


class Publicador:
    """A device publishing TOTAL QoS 1 readings at TAXA/s; paho keeps and resends what the broker has not acknowledged."""

    def __init__(self, porta, maquina_id, token):
        self.maquina_id = maquina_id
        self.enviadas = []
        self.cliente = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"falhas-{uuid.uuid4().hex[:8]}")
        self.cliente.username_pw_set(maquina_id, token)  # a device logs in as its machine
        self.cliente.max_inflight_messages_set(50)
        self._acks = set()  # mids the broker acknowledged (PUBACK), whatever connection they went out on
        self.cliente.on_publish = lambda cliente, userdata, mid, codigo, propriedades: self._acks.add(mid)
        self.cliente.reconnect_delay_set(0.2, 1)
        self.cliente.connect("127.0.0.1", porta, keepalive=10)
        self.cliente.loop_start()
        self.base_ms = int(time.time() * 1000) - TOTAL * 10

    def publicar_tudo(self):
        for seq in range(TOTAL):
            carga = dict(LEITURA, ts=self.base_ms + seq * 10, seq=seq)
            self.enviadas.append((seq, self.cliente.publish(topico(self.maquina_id, "telemetria"), _json(carga), qos=1)))
            time.sleep(1 / TAXA)

    def confirmadas(self) -> set:
        return {seq for seq, info in list(self.enviadas) if info.mid in self._acks}

    def fechar(self):
        self.cliente.disconnect()
        self.cliente.loop_stop()


def _json(carga):
    return json.dumps(carga)


class Cenario:
    def __init__(self, pasta):
        self.mosquitto = Mosquitto(pasta / "mosquitto", persistencia=True)
        self.mosquitto.pasta.mkdir()
        self.mosquitto.iniciar()
        # The app and its console log in to mosquitto and keep the device logins in its dynsec plugin.
        self.ambiente = ambiente(pasta / "dados", **self.mosquitto.config_app())
        self.app = App(self.ambiente)
        self.app.esperar_saude(mqtt_conectado=True)
        criada = console_json(self.ambiente, "maquina", "criar", "--fabricante", "WEG", "--modelo", "W22")
        self.maquina_id, self.token = criada["id"], criada["token_dispositivo"]

    def guardadas(self) -> list:
        """The `seq` of every stored reading of the machine, repeats included (read straight from the store)."""
        with MongoClient(uri_do_banco(self.ambiente), serverSelectionTimeoutMS=3000) as cliente:
            docs = cliente["DataButcherDB"]["dados_sensores"].find(
                {"k": {"$gte": f"{self.maquina_id}:", "$lt": f"{self.maquina_id};"}}, {"s": 1})
            return [doc["s"] for doc in docs]

    def reiniciar_app(self, sinal):
        (self.app.matar if sinal == signal.SIGKILL else self.app.parar)()
        time.sleep(1.0)
        self.app = App(self.ambiente)
        self.app.esperar_saude(mqtt_conectado=True)

    def encerrar(self):
        self.app.parar()
        self.mosquitto.parar()


def _pid_do_banco(ambiente_app) -> int:
    """The embedded store's process: the one serving this data folder's socket."""
    saida = subprocess.run(["pgrep", "-f", f"MongoDB.nx_unix --db {ambiente_app['DATA_DIR']}/databutcher.db"],
                           capture_output=True, text=True).stdout.split()
    assert len(saida) == 1, saida
    return int(saida[0])


@pytest.mark.parametrize("falha", ["broker_reiniciado", "app_sigterm", "app_sigkill", "banco_morto"])
def test_toda_leitura_confirmada_pelo_broker_fica_guardada_uma_vez(tmp_path, falha):
    cenario = Cenario(tmp_path)
    publicador = Publicador(cenario.mosquitto.porta, cenario.maquina_id, cenario.token)
    fluxo = threading.Thread(target=publicador.publicar_tudo)
    try:
        fluxo.start()
        esperar(lambda: len(publicador.confirmadas()) >= TOTAL // 3, segundos=20, mensagem="um terço confirmado")
        if falha == "broker_reiniciado":
            cenario.mosquitto.reiniciar(fora_do_ar_s=2.0)
        elif falha == "app_sigterm":
            cenario.reiniciar_app(signal.SIGTERM)
        elif falha == "app_sigkill":
            cenario.reiniciar_app(signal.SIGKILL)
        else:
            os.kill(_pid_do_banco(cenario.ambiente), signal.SIGKILL)
            inicio = time.monotonic()
            status, corpo = pedir(cenario.app.porta, "GET", "/api/health", espera_s=5)
            assert status == 503 and time.monotonic() - inicio < 1.0, corpo  # told at once, never a hang
        fluxo.join(timeout=60)
        esperar(lambda: len(publicador.confirmadas()) == TOTAL, segundos=60, mensagem="todas confirmadas")
        esperar(lambda: len(cenario.guardadas()) >= TOTAL, segundos=90,
                mensagem=f"todas guardadas ({len(cenario.guardadas())} de {TOTAL}; log do app:\n{cenario.app.texto()[-3000:]})")
        guardadas = cenario.guardadas()
        confirmadas = publicador.confirmadas()
        # Redeliveries the running app recognised by `_id` (its counters start again at each app start).
        absorvidas = cenario.app.esperar_saude()[1]["ingestao"].get("duplicadas", 0)
        figura = f"{falha}: publicadas {TOTAL}, confirmadas {len(confirmadas)}, guardadas {len(set(guardadas))}, " \
                 f"repetidas {len(guardadas) - len(set(guardadas))}, reentregas absorvidas {absorvidas}"
        print(figura)
        assert confirmadas <= set(guardadas), figura
        assert len(guardadas) == len(set(guardadas)) == TOTAL, figura
        if falha == "banco_morto":
            saude = cenario.app.esperar_saude()[1]
            assert saude["banco"]["reinicios"] == 1 and saude["status"] == "healthy"
    finally:
        publicador.fechar()
        cenario.encerrar()
    assert filhos_vivos(tmp_path) == []
