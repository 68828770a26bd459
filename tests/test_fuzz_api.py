"""schemathesis against the real app: every /api/ operation, anonymous and as a user with machines.

Each answer must be no 5xx and exactly what /api/openapi.json promises: a documented status,
its media type, a body valid against its schema. The app is create_app() on mongomock (the
managers' rules also run on nx-27017 elsewhere); the broker is a stand-in that accepts every
publish, so commands reach 202 instead of stopping at 503. `--deep` runs many more examples
(conftest.py, hypothesis profile "fundo").
"""
import itertools
from collections import Counter

import mongomock
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance,
                                               unsupported_method)

from app import create_app
from conftest import CONFIG_TESTE, LEITURA, RESUMOS_FUZZ
from nucleo import leituras
from rotas.openapi import especificacao
from rotas.seguranca import emitir_token

VERIFICACOES = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
                response_schema_conformance, unsupported_method]
SENHA = "senha-do-fuzz-123"


class BrokerQueAceita:
    """Stands in for flask-mqtt: connected, and every publish succeeds."""

    class client:  # noqa: N801 (flask-mqtt's attribute name)
        @staticmethod
        def is_connected():
            return True

        @staticmethod
        def publish(*args, **kwargs):
            return type("Resultado", (), {"rc": 0})()


class Cenario:
    """An admin who owns a machine with history; before each case, what earlier cases undid is put back."""

    def __init__(self, app):
        self.app, self.servicos = app, app.extensions["databutcher"]
        self.usuario_id = self.servicos.usuarios.criar("fuzz_admin", SENHA, "Fuzz", "fuzz@exemplo.com", "admin")["id"]
        criada = self.servicos.maquinas.criar("WEG", "W22")
        self.maquina_id, self.segredo, self.token = criada["maquina"]["id"], criada["segredo"], criada["token"]
        self._garantir_maquina()
        leituras.receber(self.servicos, self.maquina_id, [dict(LEITURA, seq=seq) for seq in range(5)])
        assert self.servicos.gravador.esvaziar()
        # Most cases use the user's own machine, the rest keep the id schemathesis drew (someone else's: 404).
        self._usar_a_propria = itertools.cycle([True, True, True, False])
        self.respostas = Counter()

    def _garantir_maquina(self):
        maquinas = self.servicos.maquinas
        doc = maquinas.buscar(self.maquina_id)
        if doc.get("id_usuario") != self.usuario_id:
            maquinas.liberar_admin(self.maquina_id)
            maquinas.reivindicar(self.maquina_id, self.segredo, self.usuario_id, "Moedor do fuzz")
        maquinas.registrar_estado(self.maquina_id, "parada")  # online: commands go out

    def preparar(self, case, ator):
        """Headers and ids of `case` for `ator` (anonimo or usuario)."""
        case.headers = {nome: valor for nome, valor in (case.headers or {}).items() if nome.lower() != "authorization"}
        if ator == "anonimo":
            return
        self._garantir_maquina()
        if case.operation.path == "/api/sensor-data":
            case.headers["Authorization"] = f"Bearer {self.token}"
        else:
            with self.app.app_context():
                case.headers["Authorization"] = f"Bearer {emitir_token(self.servicos.usuarios.buscar_por_id(self.usuario_id))}"
        propria = next(self._usar_a_propria)
        if propria and "maquina_id" in (case.path_parameters or {}):
            case.path_parameters["maquina_id"] = self.maquina_id
        if propria and isinstance(case.body, dict) and "maquina_id" in case.body:
            case.body["maquina_id"] = self.maquina_id


@pytest.fixture(scope="module")
def app_fuzz(tmp_path_factory):
    config = dict(CONFIG_TESTE, QRCODE_DIR=str(tmp_path_factory.mktemp("qr-fuzz")), SSE_VIDA_MAXIMA_S=0,
                  SSE_INTERVALO_S=0)
    aplicacao = create_app(config, mongo_client=mongomock.MongoClient(tz_aware=True))
    aplicacao.extensions["mqtt"] = BrokerQueAceita()
    yield aplicacao
    aplicacao.extensions["databutcher"].encerrar()


@pytest.fixture(scope="module")
def cenario(app_fuzz):
    cenario = Cenario(app_fuzz)
    yield cenario
    total, status = sum(cenario.respostas.values()), dict(sorted(cenario.respostas.items()))
    erros = sum(n for codigo, n in status.items() if codigo >= 500)
    operacoes = sum(len(metodos) for metodos in especificacao()["paths"].values())
    RESUMOS_FUZZ.append(f"schemathesis: {operacoes} operações, {total} requisições, "
                        f"{erros} respostas 5xx; por status: {status}")


# Built from the code's description at import (one pytest item per operation); each case is sent to
# the module's app (WSGI, in process) by _verificar.
esquema = schemathesis.openapi.from_dict(especificacao())


def _verificar(case, ator, cenario):
    cenario.preparar(case, ator)
    resposta = case.call_and_validate(checks=VERIFICACOES, app=cenario.app)
    cenario.respostas[resposta.status_code] += 1
    if ator == "anonimo" and case.operation.definition.raw.get("security") and case.method.upper() != "OPTIONS":
        # schemathesis' own ignored_auth check misreads the real tokens set above as generated ones.
        assert resposta.status_code in (401, 403, 404, 405), (case.method, case.path, resposta.status_code)


@esquema.parametrize()
def test_anonimo_nunca_recebe_erro_de_servidor_nem_resposta_fora_da_descricao(case, cenario):
    _verificar(case, "anonimo", cenario)


@esquema.parametrize()
def test_usuario_com_maquinas_nunca_recebe_erro_de_servidor_nem_resposta_fora_da_descricao(case, cenario):
    _verificar(case, "usuario", cenario)
