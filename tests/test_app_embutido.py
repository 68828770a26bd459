"""`python app.py` with nothing configured: embedded database and broker, data kept across restarts."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from MongoDB.banco_embutido import porta_livre

pytestmark = pytest.mark.embutido
RAIZ = Path(__file__).resolve().parent.parent


def _ambiente(pasta, **extra):
    ambiente = {chave: valor for chave, valor in os.environ.items()
                if not chave.startswith(("MONGO", "MQTT_", "SECRET_KEY", "JWT_SECRET_KEY", "DATABUTCHER_ENV"))}
    ambiente.update(DATA_DIR=str(pasta), QRCODE_DIR=str(pasta / "qr"), PORT=str(porta_livre()),
                    MQTT_BROKER_PORT=str(porta_livre()), EMBEDDED_MONGO_PORT=str(porta_livre()), **extra)
    return ambiente


def _pedir(porta, caminho, corpo=None):
    pedido = urllib.request.Request(f"http://127.0.0.1:{porta}{caminho}", method="POST" if corpo else "GET",
                                    data=json.dumps(corpo).encode() if corpo else None,
                                    headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(pedido, timeout=5) as resposta:
            return resposta.status, json.loads(resposta.read())
    except urllib.error.HTTPError as erro:
        return erro.code, json.loads(erro.read())


class App:
    def __init__(self, ambiente):
        self.ambiente = ambiente
        self.porta = int(ambiente["PORT"])
        self.processo = subprocess.Popen([sys.executable, "app.py"], cwd=RAIZ, env=ambiente,
                                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def esperar_saude(self, segundos=30):
        limite = time.monotonic() + segundos
        while time.monotonic() < limite:
            if self.processo.poll() is not None:
                raise AssertionError(self.processo.stdout.read())
            try:
                return _pedir(self.porta, "/api/health")
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise AssertionError("app não respondeu")

    def parar(self):
        self.processo.terminate()
        return self.processo.communicate(timeout=30)[0]


def _filhos_vivos(pasta):
    saida = subprocess.run(["pgrep", "-f", str(pasta)], capture_output=True, text=True).stdout
    return saida.split()


def test_app_sem_configuracao_roda_tudo_e_guarda_dados_entre_reinicios(tmp_path):
    ambiente = _ambiente(tmp_path)
    app = App(ambiente)
    try:
        status, saude = app.esperar_saude()
        assert status == 200
        assert saude["banco"]["estado"] == "ok" and "nx-27017" in saude["banco"]["tipo"]
        assert saude["mqtt"]["embutido"] is True and saude["mqtt"]["estado"] == "conectado"
        cadastro = _pedir(app.porta, "/api/auth/register", {
            "nome_usuario": "persistente", "senha": "senha-que-fica", "empresa": "Frigo", "email": "p@x.com"})
        assert cadastro[0] == 201
    finally:
        saida = app.parar()
    assert "nx-27017 embutido" in saida and "amqtt" in saida  # start-up says what it uses
    assert _filhos_vivos(tmp_path) == []

    app = App(ambiente)
    try:
        app.esperar_saude()
        status, login = _pedir(app.porta, "/api/auth/login", {"nome_usuario": "persistente", "senha": "senha-que-fica"})
        assert status == 200 and login["token"]
    finally:
        app.parar()
    assert _filhos_vivos(tmp_path) == []


def test_porta_do_banco_ocupada_da_erro_claro(tmp_path):
    ambiente = _ambiente(tmp_path)
    with socket.socket() as ocupante:
        ocupante.bind(("127.0.0.1", int(ambiente["EMBEDDED_MONGO_PORT"])))
        ocupante.listen()
        resultado = subprocess.run([sys.executable, "app.py"], cwd=RAIZ, env=ambiente,
                                   capture_output=True, text=True, timeout=60)
    assert resultado.returncode == 1
    assert "já está em uso" in resultado.stderr and "Traceback" not in resultado.stderr


def test_producao_recusa_segredos_padrao(tmp_path):
    ambiente = _ambiente(tmp_path, DATABUTCHER_ENV="production", SECRET_KEY="sua_chave_secreta_flask")
    resultado = subprocess.run([sys.executable, "app.py"], cwd=RAIZ, env=ambiente,
                               capture_output=True, text=True, timeout=60)
    assert resultado.returncode == 1
    assert "SECRET_KEY" in resultado.stderr and "Traceback" not in resultado.stderr
