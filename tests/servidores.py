"""Real servers for the tests: mosquitto and the embedded nx-27017, started and stopped here.

A missing server fails the run in CI (CI=true); on a developer's machine the
tests that need it are skipped, saying what to install.
"""
import base64
import getpass
import glob
import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from MongoDB.banco_embutido import BancoEmbutido, porta_livre, socket_do_banco
from mqtt.dynsec import CredenciaisDynsec

NO_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def exigir_programa(nome, como_instalar):
    """Path of `nome`, or fail in CI / skip on a developer machine."""
    caminho = shutil.which(nome) or (f"/usr/sbin/{nome}" if os.path.exists(f"/usr/sbin/{nome}") else None)
    if caminho:
        return caminho
    mensagem = f"{nome} não encontrado; instale com: {como_instalar}"
    if NO_CI:
        pytest.fail(mensagem)
    pytest.skip(mensagem)


def esperar_porta(porta, segundos=10.0):
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", porta)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"porta {porta} não abriu em {segundos}s")


def exigir_plugin_dynsec():
    """Path of mosquitto's dynamic security plugin (Debian ships it with mosquitto)."""
    for caminho in ["/usr/lib/mosquitto_dynamic_security.so", *glob.glob("/usr/lib/*/mosquitto_dynamic_security.so")]:
        if os.path.exists(caminho):
            return caminho
    mensagem = "mosquitto_dynamic_security.so não encontrado; instale com: apt-get install -y mosquitto"
    if NO_CI:
        pytest.fail(mensagem)
    pytest.skip(mensagem)


def _cliente_dynsec(usuario, senha, papel):
    """A dynsec client entry as mosquitto 2.0 stores it: PBKDF2-SHA512, 101 iterations, base64 salt and hash."""
    sal = secrets.token_bytes(12)
    resumo = hashlib.pbkdf2_hmac("sha512", senha.encode(), sal, 101)
    return {"username": usuario, "password": base64.b64encode(resumo).decode(), "salt": base64.b64encode(sal).decode(),
            "iterations": 101, "roles": [{"rolename": papel}]}


class Mosquitto:
    """mosquitto with the dynamic security plugin; the only login it starts with is the dynsec admin.

    `persistencia=True` keeps sessions, queues and the logins made since across `reiniciar()`.
    """

    def __init__(self, pasta: Path, persistencia=False):
        self.pasta = pasta
        self.porta = porta_livre()
        self.persistencia = persistencia
        self.processo = None
        self.admin = ("admin-testes", secrets.token_urlsafe(16))
        self.app = ("databutcher-app", secrets.token_urlsafe(16))

    def iniciar(self):
        executavel = exigir_programa("mosquitto", "apt-get install -y mosquitto")
        controle = "$CONTROL/dynamic-security/#"
        admin = {"rolename": "admin", "acls": [{"acltype": tipo, "topic": controle, "allow": True} for tipo in
                                                ("publishClientSend", "publishClientReceive", "subscribePattern")]}
        dynsec = self.pasta / "dynamic-security.json"
        if not dynsec.exists():  # a restart keeps the logins the product made since
            dynsec.write_text(json.dumps({
                "clients": [_cliente_dynsec(*self.admin, "admin")], "roles": [admin], "groups": [],
                "defaultACLAccess": {"publishClientSend": False, "publishClientReceive": True,
                                     "subscribe": False, "unsubscribe": True}}))
        modelo = (Path(__file__).parent / "mosquitto.conf").read_text()
        arquivo = self.pasta / "mosquitto.conf"
        conf = modelo.format(porta=self.porta, pasta=self.pasta, plugin=exigir_plugin_dynsec(), usuario=getpass.getuser())
        if self.persistencia:
            conf = conf.replace("persistence false", f"persistence true\npersistence_location {self.pasta}/")
        arquivo.write_text(conf)
        self.processo = subprocess.Popen([executavel, "-c", str(arquivo)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        esperar_porta(self.porta)
        return self

    def config_app(self) -> dict:
        """The settings of an app on this broker: its own login, device logins kept by dynsec."""
        return {"MQTT_ENABLED": True, "MQTT_BROKER_URL": "127.0.0.1", "MQTT_BROKER_PORT": self.porta,
                "MQTT_USERNAME": self.app[0], "MQTT_PASSWORD": self.app[1], "MQTT_DYNSEC": True,
                "MQTT_DYNSEC_USERNAME": self.admin[0], "MQTT_DYNSEC_PASSWORD": self.admin[1]}

    def credenciais(self) -> CredenciaisDynsec:
        """The product's dynsec client, as the dynsec admin of this broker (close it after use)."""
        return CredenciaisDynsec("127.0.0.1", self.porta, *self.admin)

    def parar(self):
        """SIGTERM: mosquitto writes its persistence file on the way out."""
        if self.processo and self.processo.poll() is None:
            self.processo.terminate()
            self.processo.wait(timeout=10)

    def reiniciar(self, fora_do_ar_s=2.0):
        self.parar()
        time.sleep(fora_do_ar_s)
        return self.iniciar()


@pytest.fixture(scope="session")
def mosquitto(tmp_path_factory):
    """A real mosquitto (dynamic security, no anonymous) on a free loopback port for the whole session."""
    servidor = Mosquitto(tmp_path_factory.mktemp("mosquitto")).iniciar()
    yield servidor
    servidor.parar()


@pytest.fixture(scope="session")
def nx_27017(tmp_path_factory):
    """The embedded store the product uses by default, in memory, for the whole session."""
    pasta = tmp_path_factory.mktemp("nx")
    servidor = BancoEmbutido("memory", socket_do_banco(pasta), pasta).iniciar()
    yield servidor
    servidor.parar()
