"""The broker's device logins follow the machine: created with it, a new password with a new token, gone with it.

With mosquitto's dynamic security plugin the use cases call `servicos.credenciais`
(nucleo/credenciais.py). When the broker does not confirm, nothing is left half done: a machine
whose login failed is not kept, a removal waits for the broker, a rotation says it must be repeated.
"""
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import mongomock
import pytest

import main
from dispositivo import tentar_login
from MongoDB.erros import CredenciaisDoBrokerIndisponiveis
from MongoDB.gerencia_BD import GerenciadorBD
from nucleo.servicos import criar_servicos

RAIZ = Path(__file__).resolve().parent.parent


class CredenciaisAnotadas:
    """A port that records what it was asked, and refuses while `fora_do_ar`."""

    def __init__(self):
        self.pedidos, self.fora_do_ar = [], False

    def _pedido(self, *pedido):
        if self.fora_do_ar:
            raise CredenciaisDoBrokerIndisponiveis(motivo="sem resposta em 5s")
        self.pedidos.append(pedido)

    def definir(self, maquina_id, token):
        self._pedido("definir", maquina_id, token)

    def remover(self, maquina_id):
        self._pedido("remover", maquina_id)

    def fechar(self):
        pass


@pytest.fixture
def broker():
    return CredenciaisAnotadas()


@pytest.fixture
def console(broker, tmp_path):
    bd = GerenciadorBD(mongomock.MongoClient(tz_aware=True), "teste")
    bd.criar_indices()
    cfg = {"PUBLIC_URL": "http://databutcher.test", "QRCODE_DIR": str(tmp_path / "qr"), "MQTT_DYNSEC": True}
    servicos = criar_servicos(bd, cfg, credenciais=broker)

    def rodar(*argv):
        saida = io.StringIO()
        return main.executar(list(argv), servicos=servicos, cfg=cfg, entrada=lambda _: "s", saida=saida), saida.getvalue()
    rodar.servicos = servicos
    return rodar


def test_maquina_criada_trocada_e_removida_leva_o_login_junto(console, broker):
    codigo, saida = console("maquina", "criar", "--fabricante", "WEG", "--modelo", "W22", "--json")
    criada = json.loads(saida)
    assert codigo == 0 and broker.pedidos == [("definir", criada["id"], criada["token_dispositivo"])]

    codigo, saida = console("maquina", "token", "--id", criada["id"])
    assert codigo == 0 and "já cadastrado no mosquitto" in saida
    assert broker.pedidos[-1] == ("definir", criada["id"], saida.split("guarde-o agora): ")[1].split()[0])

    assert console("maquina", "remover", "--id", criada["id"], "--sim")[0] == 0
    assert broker.pedidos[-1] == ("remover", criada["id"])


def test_broker_fora_do_ar_desfaz_a_criacao(console, broker, capsys, tmp_path):
    broker.fora_do_ar = True
    codigo, _ = console("maquina", "criar", "--fabricante", "WEG", "--modelo", "W22")
    assert codigo == 1 and "O broker MQTT não confirmou o login do dispositivo" in capsys.readouterr().err
    assert console.servicos.maquinas.listar_todas() == []
    assert not list((tmp_path / "qr").glob("*.png"))


def test_troca_de_token_sem_confirmacao_do_broker_avisa_que_o_antigo_ainda_vale(console, broker, capsys):
    maquina_id = json.loads(console("maquina", "criar", "--fabricante", "WEG", "--modelo", "W22", "--json")[1])["id"]
    broker.fora_do_ar = True
    assert console("maquina", "token", "--id", maquina_id)[0] == 1
    assert "no MQTT ainda vale o token anterior" in capsys.readouterr().err


def test_remocao_sem_confirmacao_do_broker_mantem_a_maquina(console, broker, capsys):
    maquina_id = json.loads(console("maquina", "criar", "--fabricante", "WEG", "--modelo", "W22", "--json")[1])["id"]
    broker.fora_do_ar = True
    assert console("maquina", "remover", "--id", maquina_id, "--sim")[0] == 1
    assert "a máquina não foi removida" in capsys.readouterr().err
    assert [m["id"] for m in console.servicos.maquinas.listar_todas()] == [maquina_id]


@pytest.mark.mosquitto
@pytest.mark.embutido
def test_console_de_outro_processo_cadastra_troca_e_apaga_o_login_no_mosquitto(mosquitto, tmp_path):
    """`python main.py` with MQTT_DYNSEC=true, as an admin runs it next to a production app."""
    ambiente = {chave: valor for chave, valor in os.environ.items() if not chave.startswith(("MONGO_", "MQTT_"))}
    ambiente.update({chave: str(valor) for chave, valor in mosquitto.config_app().items()},
                    DATA_DIR=str(tmp_path), QRCODE_DIR=str(tmp_path / "qr"), MONGO_URI="")

    def rodar(*argv):
        resultado = subprocess.run([sys.executable, "main.py", *argv], cwd=RAIZ, env=ambiente,
                                   capture_output=True, text=True, timeout=60)
        assert resultado.returncode == 0, resultado.stderr
        return resultado.stdout

    criada = json.loads(rodar("maquina", "criar", "--fabricante", "WEG", "--modelo", "W22", "--json"))
    assert tentar_login(mosquitto.porta, criada["id"], criada["token_dispositivo"]) == "Success"
    novo = rodar("maquina", "token", "--id", criada["id"]).split("guarde-o agora): ")[1].split()[0]
    assert tentar_login(mosquitto.porta, criada["id"], criada["token_dispositivo"]) == "Not authorized"
    assert tentar_login(mosquitto.porta, criada["id"], novo) == "Success"
    rodar("maquina", "remover", "--id", criada["id"], "--sim")
    assert tentar_login(mosquitto.porta, criada["id"], novo) == "Not authorized"
