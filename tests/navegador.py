"""Browser-test fixtures: the real app on a real server (nx-27017 + mosquitto) and Debian's Chromium.

Chromium is driven by Playwright through `executable_path`; Playwright's own browser download
is never used. Missing Chromium fails in CI and skips with a reason on a developer machine.
"""
import threading
import uuid
from pathlib import Path

import pytest
from pymongo import MongoClient
from werkzeug.serving import make_server

from app import create_app
from conftest import CONFIG_TESTE
from servidores import exigir_programa

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"  # tests/vendor/README.md
ARGS_CHROMIUM = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
TELEFONE = {"width": 390, "height": 844}


def verificar_acessibilidade(pagina, onde=""):
    """Run axe-core on the page as it is now; fail on any serious or critical finding, named with its nodes.

    The script goes in through the DevTools protocol (page.evaluate), not a <script> tag, so the page's
    CSP stays as strict as in production.
    """
    if not pagina.evaluate("() => Boolean(window.axe)"):
        pagina.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    achados = pagina.evaluate("""async () => {
        const r = await window.axe.run(document, {resultTypes: ["violations"]});
        return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) =>
            `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
    }""")
    assert achados == [], f"axe-core em {onde or pagina.url}:\n" + "\n".join(achados)


class ServidorVivo:
    """create_app() served by werkzeug in a thread, on the embedded store and a real broker."""

    def __init__(self, app):
        self.app = app
        self.servidor = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.servidor.server_port}"
        self.thread = threading.Thread(target=self.servidor.serve_forever, daemon=True)
        self.thread.start()

    @property
    def servicos(self):
        return self.app.extensions["databutcher"]

    def parar(self):
        for tarefa in self.app.extensions["tarefas"]:
            tarefa.parar()
        self.servidor.shutdown()
        mqtt = self.app.extensions.get("mqtt")
        if mqtt is not None:
            mqtt.client.disconnect()
            mqtt.client.loop_stop()
        self.servicos.encerrar()


@pytest.fixture
def servidor_vivo(mosquitto, nx_27017, tmp_path):
    config = dict(CONFIG_TESTE, **mosquitto.config_app(), DB_NAME=f"navegador_{uuid.uuid4().hex[:8]}",
                  QRCODE_DIR=str(tmp_path / "qr"), HEARTBEAT_TIMEOUT=6, GRAVACAO_ATIVIDADE_S=1, GRAVACAO_AGREGADOS_S=1,
                  MQTT_CLIENT_ID=f"navegador-{uuid.uuid4().hex[:8]}", TAREFAS_PERIODICAS=True, VIGIA_INTERVALO_S=1)
    app = create_app(config, mongo_client=MongoClient(nx_27017.uri, tz_aware=True))
    servidor = ServidorVivo(app)
    servidor.mosquitto = mosquitto
    yield servidor
    servidor.parar()


@pytest.fixture
def capturas(request, tmp_path):
    """Where screenshots go: a temporary folder, or `--capturas PASTA` (how docs/screenshots/ is refreshed)."""
    destino = request.config.getoption("--capturas")
    pasta = Path(destino).resolve() if destino else tmp_path / "capturas"
    pasta.mkdir(parents=True, exist_ok=True)
    return pasta


@pytest.fixture(scope="session")
def chromium():
    caminho = exigir_programa("chromium", "apt-get install -y chromium")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        navegador = playwright.chromium.launch(executable_path=caminho, args=ARGS_CHROMIUM)
        yield navegador
        navegador.close()


@pytest.fixture
def pagina(chromium, tmp_path):
    """A phone-sized page that fails the test on any JavaScript error or CSP violation."""
    contexto = chromium.new_context(viewport=TELEFONE, locale="pt-BR", timezone_id="America/Sao_Paulo",
                                    accept_downloads=True)
    pagina = contexto.new_page()
    erros = []
    pagina.on("pageerror", lambda erro: erros.append(str(erro)))
    pagina.on("console", lambda msg: erros.append(msg.text) if msg.type == "error" else None)
    pagina.erros = erros
    yield pagina
    contexto.close()
