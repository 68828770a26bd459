"""What a stranger or a rogue device can do over MQTT, on both brokers the app runs with: nothing.

Every test runs against the embedded amqtt (`python app.py` with nothing configured) and against
mosquitto with the dynamic security plugin (production), through the real app: devices log in
with their machine id and device token, the app's subscriber decides what is stored, and the
console's use cases create, rotate and remove the logins. docs/security.md lists these attacks.
"""
import time
from dataclasses import dataclass

import mongomock
import pytest

from app import create_app
from conftest import CONFIG_TESTE, LEITURA, Atores, contar_leituras
from dispositivo import DispositivoSimulado, tentar_login
from MongoDB.banco_embutido import porta_livre
from mqtt.contrato import topico
from nucleo import maquinas as casos
from test_mqtt_integracao import esperar

RECUSAS = {"Not authorized", "Bad user name or password"}
PARTIDA = {"voltagem": 380, "velocidade": 1750, "temperatura": 90}


@dataclass
class Cenario:
    app: object
    porta: int

    @property
    def servicos(self):
        return self.app.extensions["databutcher"]

    def __post_init__(self):
        self.client = self.app.test_client()
        self.atores = Atores(self.client, self.servicos)
        self.dono = self.atores.usuario()

    def maquina(self, nome="Moedor"):
        return self.atores.maquina_de(self.dono, nome)

    def dispositivo(self, maquina, **opcoes):
        return DispositivoSimulado(self.porta, maquina["id"], maquina["token"], **opcoes)

    def comandar(self, maquina, comando="stop"):
        resposta = self.client.post(f"/api/machines/{maquina['id']}/{comando}", headers=self.dono["headers"],
                                    json=PARTIDA if comando == "start" else None)
        assert resposta.status_code == 202, resposta.get_json()
        return resposta.get_json()["comando"]["comando_id"]

    def online(self, maquina):
        return self.servicos.maquinas.esta_online(self.servicos.maquinas.buscar(maquina["id"]))


@pytest.fixture(params=["amqtt", pytest.param("mosquitto", marks=pytest.mark.mosquitto)])
def cenario(request, tmp_path):
    """The app on the embedded amqtt, or on the session's dynsec mosquitto."""
    if request.param == "amqtt":
        porta = porta_livre()
        config = dict(CONFIG_TESTE, MQTT_ENABLED=True, MQTT_BROKER_URL=None, MQTT_BROKER_PORT=porta,
                      MQTT_BIND="127.0.0.1", DATA_DIR=str(tmp_path))
    else:
        mosquitto = request.getfixturevalue("mosquitto")
        porta, config = mosquitto.porta, dict(CONFIG_TESTE, **mosquitto.config_app())
    app = create_app(config, mongo_client=mongomock.MongoClient(tz_aware=True))
    esperar(lambda: app.extensions["databutcher"].contadores.como_dict().get("conexoes"), mensagem="app no broker")
    yield Cenario(app, porta)
    app.extensions["mqtt"].client.disconnect()
    app.extensions["mqtt"].client.loop_stop()
    if "mqtt_broker_embutido" in app.extensions:
        app.extensions["mqtt_broker_embutido"].parar()
    app.extensions["databutcher"].encerrar()


def test_cliente_anonimo_e_recusado(cenario):
    assert tentar_login(cenario.porta) in RECUSAS
    assert tentar_login(cenario.porta, "", "") in RECUSAS


def test_maquina_desconhecida_token_errado_ou_de_outra_maquina_sao_recusados(cenario):
    a, b = cenario.maquina("A"), cenario.maquina("B")
    tentativas = [("65f0000000000000000000aa", a["token"]),  # no such machine
                  (a["id"], b["token"]),                   # B's token is not A's
                  (a["id"], a["token"][:-1] + "x"),        # one character off
                  (a["id"].upper(), a["token"]),           # not the id as printed
                  ("databutcher-app", "adivinhada")]       # the app's username, a guessed password
    assert [tentar_login(cenario.porta, usuario, senha) in RECUSAS for usuario, senha in tentativas] == [True] * 5
    assert tentar_login(cenario.porta, a["id"], a["token"]) == "Success"


def test_dispositivo_a_nao_publica_como_b(cenario):
    a, b = cenario.maquina("A"), cenario.maquina("B")
    dispositivo_a = cenario.dispositivo(a)
    try:
        dispositivo_a.publicar_em(topico(b["id"], "telemetria"), dict(LEITURA, rpm=666))
        dispositivo_a.publicar_em(topico(b["id"], "status"), {"state": "iniciada"})
        dispositivo_a.publicar("telemetria", dict(LEITURA, rpm=1500))  # its own, sent after the forged ones
        esperar(lambda: contar_leituras(cenario.servicos, a["id"]) == 1, mensagem="leitura da própria máquina")
        time.sleep(0.3)
        cenario.servicos.gravador.esvaziar()
    finally:
        dispositivo_a.fechar()
    assert contar_leituras(cenario.servicos, b["id"]) == 0
    maquina_b = cenario.servicos.maquinas.buscar(b["id"])
    assert maquina_b["status"] == "parada" and maquina_b["last_heartbeat"] is None


def test_dispositivo_a_nao_le_nem_forja_os_comandos_de_b(cenario):
    a, b = cenario.maquina("A"), cenario.maquina("B")
    dispositivo_a, dispositivo_b = cenario.dispositivo(a), cenario.dispositivo(b)
    try:
        assert [dispositivo_a.assinar(filtro) for filtro in
                (topico(b["id"], "comandos"), topico("+", "comandos"), "databutcher/#", "#")] == [False] * 4
        dispositivo_b.publicar_status("parada")
        esperar(lambda: cenario.online(b), mensagem="B online")
        forjado = {"comando": "start", "id": "forjado", "expira_em": int(time.time() * 1000) + 30000, "parametros": PARTIDA}
        dispositivo_a.publicar_em(topico(b["id"], "comandos"), forjado)
        dispositivo_a.publicar_em(topico(a["id"], "comandos"), forjado)
        comando_id = cenario.comandar(b, "stop")
        recebido = dispositivo_b.comandos.get(timeout=10)
        time.sleep(0.3)
    finally:
        dispositivo_a.fechar()
        dispositivo_b.fechar()
    assert recebido["id"] == comando_id and recebido["comando"] == "stop"  # the forged start never arrived
    assert dispositivo_b.comandos.empty() and dispositivo_a.comandos.empty()
    assert dispositivo_a.alheias == []


def test_dispositivo_nao_recebe_o_status_retido_de_outro(cenario):
    a, b = cenario.maquina("A"), cenario.maquina("B")
    dispositivo_b = cenario.dispositivo(b)
    dispositivo_b.publicar_em(topico(b["id"], "status"), {"state": "iniciada"}, retain=True)
    dispositivo_b.fechar()
    dispositivo_a = cenario.dispositivo(a)
    time.sleep(0.5)
    dispositivo_a.fechar()
    assert dispositivo_a.alheias == []


def test_token_trocado_derruba_a_conexao_e_deixa_de_valer(cenario):
    a = cenario.maquina()
    dispositivo = cenario.dispositivo(a)
    try:
        novo = casos.novo_token(cenario.servicos, a["id"])  # what `main.py maquina token` does
        esperar(lambda: dispositivo.desconexoes, segundos=15, mensagem="queda da conexão com o token antigo")
    finally:
        dispositivo.fechar()
    assert tentar_login(cenario.porta, a["id"], a["token"]) in RECUSAS
    assert tentar_login(cenario.porta, a["id"], novo) == "Success"


def test_maquina_removida_e_derrubada_e_nao_conecta_mais(cenario):
    a = cenario.maquina()
    dispositivo = cenario.dispositivo(a)
    try:
        casos.remover(cenario.servicos, a["id"])  # what `main.py maquina remover` does
        esperar(lambda: dispositivo.desconexoes, segundos=15, mensagem="queda da máquina removida")
    finally:
        dispositivo.fechar()
    assert tentar_login(cenario.porta, a["id"], a["token"]) in RECUSAS


def test_login_recusado_com_o_client_id_do_dispositivo_nao_o_derruba(cenario):
    b = cenario.maquina()
    client_id = f"databutcher-{b['id']}"  # what the firmware uses: anyone who saw the label can guess it
    dispositivo = cenario.dispositivo(b, client_id=client_id)
    try:
        for sessao_limpa in (True, False):
            assert tentar_login(cenario.porta, client_id=client_id, sessao_limpa=sessao_limpa) in RECUSAS
        dispositivo.publicar_status("parada")
        esperar(lambda: cenario.online(b), mensagem="B online")
        comando_id = cenario.comandar(b, "stop")
        assert dispositivo.comandos.get(timeout=10)["id"] == comando_id
        assert dispositivo.desconexoes == []
    finally:
        dispositivo.fechar()
