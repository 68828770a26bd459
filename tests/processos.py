"""The product as real processes for the tests: `python app.py`, the console, and an HTTP client for them."""
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from urllib.parse import quote_plus

from MongoDB.banco_embutido import porta_livre, socket_do_banco

RAIZ = Path(__file__).resolve().parent.parent


def ambiente(pasta, **extra):
    """The environment of an app (and its console) on `pasta`, free ports, nothing from the developer's shell."""
    limpo = {chave: valor for chave, valor in os.environ.items()
             if not chave.startswith(("MONGO", "MQTT_", "SECRET_KEY", "JWT_SECRET_KEY", "DATABUTCHER_ENV"))}
    limpo.update(DATA_DIR=str(pasta), QRCODE_DIR=str(Path(pasta) / "qr"), PORT=str(porta_livre()),
                 MQTT_BROKER_PORT=str(porta_livre()), BCRYPT_ROUNDS="4")
    limpo.update({chave: str(valor) for chave, valor in extra.items()})
    return limpo


def uri_do_banco(ambiente_app) -> str:
    """How a test reaches the embedded store of a running app: its Unix socket in DATA_DIR/run/."""
    return f"mongodb://{quote_plus(str(socket_do_banco(ambiente_app['DATA_DIR'])))}/"


def pedir(porta, metodo, caminho, corpo=None, token=None, espera_s=10):
    """(status, JSON) of one request to the app on `porta`."""
    cabecalhos = {"Content-Type": "application/json"}
    if token:
        cabecalhos["Authorization"] = f"Bearer {token}"
    pedido = urllib.request.Request(f"http://127.0.0.1:{porta}{caminho}", method=metodo,
                                    data=json.dumps(corpo).encode() if corpo is not None else None, headers=cabecalhos)
    try:
        with urllib.request.urlopen(pedido, timeout=espera_s) as resposta:
            return resposta.status, json.loads(resposta.read())
    except urllib.error.HTTPError as erro:
        return erro.code, json.loads(erro.read())


def console_json(ambiente_app, *argumentos):
    """Run `python main.py <argumentos> --json` against the same data folder; returns what it printed."""
    resultado = subprocess.run([sys.executable, "main.py", *argumentos, "--json"], cwd=RAIZ, env=ambiente_app,
                               capture_output=True, text=True, timeout=60)
    assert resultado.returncode == 0, resultado.stderr
    return json.loads(resultado.stdout)


def filhos_vivos(pasta):
    """PIDs of processes whose command line mentions `pasta` (the embedded server carries it in --db)."""
    return subprocess.run(["pgrep", "-f", str(pasta)], capture_output=True, text=True).stdout.split()


class App:
    """`python app.py` in its own process; its output is kept in a file under the data folder."""

    def __init__(self, ambiente_app):
        self.ambiente = ambiente_app
        self.porta = int(ambiente_app["PORT"])
        Path(ambiente_app["DATA_DIR"]).mkdir(parents=True, exist_ok=True)
        self.saida = open(Path(ambiente_app["DATA_DIR"]) / f"app-{time.monotonic_ns()}.log", "w+")
        self.processo = subprocess.Popen([sys.executable, "app.py"], cwd=RAIZ, env=ambiente_app,
                                         stdout=self.saida, stderr=subprocess.STDOUT, text=True)

    def esperar_saude(self, segundos=60, mqtt_conectado=False):
        limite = time.monotonic() + segundos
        while time.monotonic() < limite:
            if self.processo.poll() is not None:
                raise AssertionError(self.texto())
            try:
                status, saude = pedir(self.porta, "GET", "/api/health", espera_s=2)
                if not mqtt_conectado or saude["mqtt"]["estado"] == "conectado":
                    return status, saude
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise AssertionError(f"app não respondeu em {segundos}s:\n{self.texto()}")

    def texto(self) -> str:
        if self.saida.closed:
            return ""
        self.saida.flush()
        self.saida.seek(0)
        return self.saida.read()

    def parar(self) -> str:
        """SIGTERM, as a service manager would; returns the output."""
        if self.processo.poll() is None:
            self.processo.send_signal(signal.SIGTERM)
            self.processo.wait(timeout=30)
        return self._fechar()

    def matar(self) -> str:
        """SIGKILL: no shutdown code runs (the embedded server dies with it, by PDEATHSIG)."""
        self.processo.kill()
        self.processo.wait(timeout=10)
        return self._fechar()

    def _fechar(self) -> str:
        texto = self.texto()
        self.saida.close()
        return texto
