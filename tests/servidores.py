"""Real servers for the tests: mosquitto and the embedded nx-27017, started and stopped here.

A missing server fails the run in CI (CI=true); on a developer's machine the
tests that need it are skipped, saying what to install.
"""
import getpass
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from MongoDB.banco_embutido import BancoEmbutido, porta_livre

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


class Mosquitto:
    """A mosquitto on a free port; `persistencia=True` keeps sessions and queues across `reiniciar()`."""

    def __init__(self, pasta: Path, persistencia=False):
        self.pasta = pasta
        self.porta = porta_livre()
        self.persistencia = persistencia
        self.processo = None

    def iniciar(self):
        executavel = exigir_programa("mosquitto", "apt-get install -y mosquitto")
        modelo = (Path(__file__).parent / "mosquitto.conf").read_text()
        arquivo = self.pasta / "mosquitto.conf"
        conf = modelo.format(porta=self.porta, pasta=self.pasta, usuario=getpass.getuser())
        if self.persistencia:
            conf = conf.replace("persistence false", f"persistence true\npersistence_location {self.pasta}/")
        arquivo.write_text(conf)
        self.processo = subprocess.Popen([executavel, "-c", str(arquivo)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        esperar_porta(self.porta)
        return self

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
    """A real mosquitto on a free loopback port for the whole session."""
    servidor = Mosquitto(tmp_path_factory.mktemp("mosquitto")).iniciar()
    yield servidor
    servidor.parar()


@pytest.fixture(scope="session")
def nx_27017(tmp_path_factory):
    """The embedded store the product uses by default, in memory, for the whole session."""
    pasta = tmp_path_factory.mktemp("nx")
    servidor = BancoEmbutido("memory", porta_livre(), pasta).iniciar()
    yield servidor
    servidor.parar()
