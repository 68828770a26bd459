"""Shared fixtures: an app on mongomock, its client, and helpers to act as users and devices."""
import os
import shutil
import tempfile
from datetime import timedelta

# Before anything reads the settings: never touch the developer's data/ or .env secrets.
_PASTA_TESTES = tempfile.mkdtemp(prefix="databutcher-testes-")
os.environ["DATA_DIR"] = _PASTA_TESTES
os.environ["QRCODE_DIR"] = os.path.join(_PASTA_TESTES, "Qrcode")
# Hypothesis (under schemathesis) keeps a constants cache; in the test folder, not the work tree.
os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = os.path.join(_PASTA_TESTES, "hypothesis")
os.environ.setdefault("SECRET_KEY", "chave-de-teste-flask-" + "x" * 40)
os.environ.setdefault("JWT_SECRET_KEY", "chave-de-teste-jwt-" + "y" * 40)

import mongomock  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from app import create_app  # noqa: E402

# mongomock 4 predates pymongo 4.11's `sort` on UpdateOne, which pymongo passes (None) to every bulk update:
# the writer's rollups and activity go out as one bulk_write each (MongoDB and nx-27017 take it as one command).
_add_update = mongomock.collection.BulkOperationBuilder.add_update
mongomock.collection.BulkOperationBuilder.add_update = lambda self, *args, sort=None, **kwargs: _add_update(self, *args, **kwargs)
from MongoDB.gerencia_BD import agora_utc  # noqa: E402
from MongoDB.gerencia_telemetria import faixa  # noqa: E402
from nucleo import leituras  # noqa: E402
from nucleo import maquinas as casos_maquinas  # noqa: E402
from MongoDB.gerencia_BD import agora_utc  # noqa: E402
from nucleo.estados import status_simples  # noqa: E402

def pytest_addoption(parser):
    parser.addoption("--capturas", metavar="PASTA",
                     help="grava as capturas de tela dos testes de navegador em PASTA (ex.: docs/screenshots); "
                          "sem esta opção elas ficam numa pasta temporária")
    parser.addoption("--deep", action="store_true",
                     help="fuzz demorado: muito mais exemplos por operação (schemathesis e rotas aleatórias)")


# Fuzz sizes: modest in the default run (the suite stays fast), many more with --deep. No example
# database: nothing is written into the work tree (.hypothesis/) and every run is independent.
settings.register_profile("databutcher", max_examples=12, deadline=None, database=None, print_blob=True)
settings.register_profile("fundo", parent=settings.get_profile("databutcher"), max_examples=400)


# One line per fuzz module (requests, 5xx, statuses), printed at the end of the run: docs/security.md quotes them.
RESUMOS_FUZZ = []


def pytest_configure(config):
    settings.load_profile("fundo" if config.getoption("--deep") else "databutcher")


def pytest_terminal_summary(terminalreporter):
    for linha in RESUMOS_FUZZ:
        terminalreporter.write_line(linha)


def pytest_unconfigure(config):
    shutil.rmtree(_PASTA_TESTES, ignore_errors=True)


CONFIG_TESTE = {
    "TESTING": True,
    "TAREFAS_PERIODICAS": False,  # the periodic jobs are called by the tests that need them
    "MQTT_ENABLED": False,
    "BCRYPT_ROUNDS": 4,
    "PUBLIC_URL": "http://databutcher.test",
}

LEITURA = {"tensao": 220.5, "vibracao": 1.2, "temperatura": 45.0, "rpm": 1500}


@pytest.fixture
def app():
    aplicacao = create_app(dict(CONFIG_TESTE), mongo_client=mongomock.MongoClient(tz_aware=True))
    yield aplicacao
    aplicacao.extensions["databutcher"].encerrar()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def servicos(app):
    return app.extensions["databutcher"]


class Atores:
    """Acts as users (register + login) and as an admin creating machines."""

    def __init__(self, client, servicos):
        self.client = client
        self.servicos = servicos
        self._contador = 0

    def usuario(self, nome=None, senha="senha-forte-123"):
        """Register and log in; returns {'id', 'nome', 'headers'}."""
        self._contador += 1
        nome = nome or f"operador{self._contador}"
        resposta = self.client.post("/api/auth/register", json={
            "nome_usuario": nome, "senha": senha, "empresa": "Frigorífico Teste", "email": f"{nome}@exemplo.com"})
        assert resposta.status_code == 201, resposta.get_json()
        login = self.client.post("/api/auth/login", json={"nome_usuario": nome, "senha": senha}).get_json()
        return {"id": login["user_id"], "nome": nome, "headers": {"Authorization": f"Bearer {login['token']}"}}

    def maquina(self, fabricante="WEG", modelo="W22"):
        """Create a machine as the console does (with its broker login); returns {'id', 'segredo', 'token'}."""
        criada = casos_maquinas.criar(self.servicos, fabricante, modelo)
        return {"id": criada["maquina"]["id"], "segredo": criada["segredo"], "token": criada["token"]}

    def maquina_de(self, usuario, nome="Moedor 1"):
        """A machine already claimed by `usuario`."""
        maquina = self.maquina()
        resposta = self.client.post("/api/machines", headers=usuario["headers"], json={
            "codigo": maquina["id"], "segredo": maquina["segredo"], "nome_maquina": nome})
        assert resposta.status_code == 201, resposta.get_json()
        return maquina

    def leituras_julgadas(self, maquina, valores, espaco_s=1.0, **campos):
        """Readings of `maquina` (one per value of `valores`, e.g. [{"temperatura": 92.5}]), `espaco_s` apart and
        ending now, stored and judged by the alarm engine as the writer does, its alarms written at once."""
        agora = agora_utc()
        for i, valor in enumerate(valores):
            momento = agora - timedelta(seconds=espaco_s * (len(valores) - 1 - i))
            leituras.receber(self.servicos, maquina["id"], {**LEITURA, **campos, **valor, "ts": momento.isoformat()}).aguardar()
        self.servicos.motor_alarmes.descarregar(forcar=True)

    def enviar_leitura(self, maquina, **campos):
        corpo = {"maquina_id": maquina["id"], **LEITURA, **campos}
        return self.client.post("/api/sensor-data", json=corpo, headers={"Authorization": f"Bearer {maquina['token']}"})


@pytest.fixture
def atores(client, servicos):
    return Atores(client, servicos)


def contar_leituras(servicos, maquina_id) -> int:
    """How many readings of `maquina_id` are stored (a test's count: the product never counts a collection)."""
    return servicos.bd.colecao("dados_sensores").count_documents({"k": faixa(maquina_id)})


def aplicar_estado_agora(servicos, maquina_id, estado, agora=None, **detalhes) -> bool:
    """Apply a status message at once, as the writer does when it reaches one (machine, commands, history)."""
    status = {**status_simples(estado), **detalhes}
    return servicos.estados.aplicar_lote([(maquina_id, agora or agora_utc(), status)]) == 1


def assert_envelope(resposta, status):
    """Every API error: the status, JSON, `error` + `message`, and no Python internals."""
    assert resposta.status_code == status, resposta.get_data(as_text=True)
    corpo = resposta.get_json()
    assert set(corpo) >= {"error", "message"}, corpo
    texto = resposta.get_data(as_text=True)
    assert "Traceback" not in texto and "Error(" not in texto and "bson" not in texto
    return corpo


from servidores import mosquitto, nx_27017  # noqa: E402,F401  (fixtures)
# One Chromium for the whole run, whichever test module asks for it (a fixture imported into two modules is two fixtures).
from navegador import capturas, chromium, pagina, servidor_vivo  # noqa: E402,F401  (fixtures)
