"""`python app.py` with nothing configured: embedded database and broker, data kept across restarts."""
import json
import os
import secrets
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from processos import RAIZ, App, ambiente as _ambiente, filhos_vivos as _filhos_vivos, pedir

pytestmark = pytest.mark.embutido


def _pedir(porta, caminho, corpo=None):
    return pedir(porta, "POST" if corpo else "GET", caminho, corpo)


def _pedir_com_token(porta, metodo, caminho, corpo=None, token=None):
    return pedir(porta, metodo, caminho, corpo, token)


def test_app_sem_configuracao_roda_tudo_e_guarda_dados_entre_reinicios(tmp_path):
    ambiente = _ambiente(tmp_path)
    app = App(ambiente)
    try:
        status, saude = app.esperar_saude()
        assert status == 200
        assert saude["banco"]["estado"] == "ok" and "nx-27017" in saude["banco"]["tipo"]
        assert saude["mqtt"]["embutido"] is True and saude["mqtt"]["estado"] == "conectado"
        with urllib.request.urlopen(f"http://127.0.0.1:{app.porta}/entrar", timeout=5) as pagina:
            assert pagina.headers.get_all("Server") == ["DataButcher"]  # no Werkzeug or Python version to look up
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


def _portas_tcp_ouvindo(pid) -> list:
    """The TCP ports process `pid` listens on, read from /proc (its sockets' inodes in /proc/net/tcp*)."""
    inodes = set()
    for descritor in Path(f"/proc/{pid}/fd").iterdir():
        alvo = os.readlink(descritor)
        if alvo.startswith("socket:["):
            inodes.add(alvo[8:-1])
    portas = []
    for tabela in ("/proc/net/tcp", "/proc/net/tcp6"):
        for linha in Path(tabela).read_text().splitlines()[1:]:
            campos = linha.split()
            if campos[3] == "0A" and campos[9] in inodes:  # 0A = LISTEN
                portas.append(int(campos[1].rsplit(":", 1)[1], 16))
    return portas


def test_banco_embutido_so_atende_o_usuario_do_app_por_um_socket_privado(tmp_path):
    ambiente = _ambiente(tmp_path)
    app = App(ambiente)
    try:
        app.esperar_saude()
        [pid] = subprocess.run(["pgrep", "-f", f"MongoDB.nx_unix --db {tmp_path}/databutcher.db"],
                               capture_output=True, text=True).stdout.split()
        assert _portas_tcp_ouvindo(pid) == []  # nothing on the network, not even loopback
        soquete = tmp_path / "run" / "nx-27017.sock"
        assert stat.S_ISSOCK(soquete.stat().st_mode)
        assert stat.S_IMODE(soquete.parent.stat().st_mode) == 0o700 and stat.S_IMODE(tmp_path.stat().st_mode) == 0o700
        arquivos = list(tmp_path.glob("databutcher.db*"))
        assert arquivos and {stat.S_IMODE(a.stat().st_mode) for a in arquivos} == {0o600}
        segundo = subprocess.run([sys.executable, "app.py"], cwd=RAIZ, env=dict(ambiente, PORT=str(app.porta + 1)),
                                 capture_output=True, text=True, timeout=60)
        assert segundo.returncode == 1 and "Outro DataButcher já usa o banco desta pasta" in segundo.stderr
        assert "Traceback" not in segundo.stderr
    finally:
        app.parar()
    assert _filhos_vivos(tmp_path) == []


def test_producao_recusa_segredos_padrao(tmp_path):
    ambiente = _ambiente(tmp_path, DATABUTCHER_ENV="production", SECRET_KEY="sua_chave_secreta_flask")
    resultado = subprocess.run([sys.executable, "app.py"], cwd=RAIZ, env=ambiente,
                               capture_output=True, text=True, timeout=60)
    assert resultado.returncode == 1
    assert "SECRET_KEY" in resultado.stderr and "Traceback" not in resultado.stderr


def test_producao_com_broker_embutido_exige_login_e_ouve_em_mqtt_bind(tmp_path):
    """Production with nothing but secrets set: the embedded broker takes devices from the plant network
    (MQTT_BIND=0.0.0.0) and still refuses anyone without a device token or the app's credentials."""
    from dispositivo import tentar_login

    ambiente = _ambiente(tmp_path, DATABUTCHER_ENV="production", EMBUTIDOS_EM_PRODUCAO="true", SECRET_KEY=secrets.token_hex(32), JWT_SECRET_KEY=secrets.token_hex(32),
                         MQTT_BIND="0.0.0.0")
    app = App(ambiente)
    try:
        status, saude = app.esperar_saude()
        assert status == 200 and saude["mqtt"] == {"estado": "conectado", "broker": f"127.0.0.1:{ambiente['MQTT_BROKER_PORT']}",
                                                   "embutido": True}
        porta = int(ambiente["MQTT_BROKER_PORT"])
        assert tentar_login(porta) == "Not authorized"
        credenciais = tmp_path / "mqtt-app.json"
        assert stat.S_IMODE(credenciais.stat().st_mode) == 0o600
        usuario, senha = json.loads(credenciais.read_text()).values()
        assert tentar_login(porta, usuario, senha) == "Success" and tentar_login(porta, usuario, senha + "x") == "Not authorized"
        endereco = _endereco_na_rede()
        if endereco:  # a container with loopback only has nothing else to try
            assert tentar_login(porta, usuario, senha, host=endereco) == "Success"
    finally:
        app.parar()
    assert _filhos_vivos(tmp_path) == []


def _endereco_na_rede():
    """This machine's address on its network (not loopback), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sonda:
        try:
            sonda.connect(("192.0.2.1", 9))  # no packet is sent: it only picks the outgoing interface
            endereco = sonda.getsockname()[0]
        except OSError:
            return None
    return None if endereco.startswith("127.") else endereco


def test_passeio_do_novo_usuario_com_console_dispositivo_e_broker_embutido(tmp_path):
    """The docs/walkthrough.md tour, end to end, on `python app.py` with nothing configured."""
    from dispositivo import DispositivoSimulado
    from test_mqtt_integracao import esperar

    ambiente = _ambiente(tmp_path)
    app = App(ambiente)
    dispositivo = None
    try:
        app.esperar_saude()
        porta = app.porta
        console = subprocess.run([sys.executable, "main.py", "maquina", "criar", "--fabricante", "WEG", "--modelo", "W22",
                                  "--json"], cwd=RAIZ, env=ambiente, capture_output=True, text=True, timeout=60)
        criada = json.loads(console.stdout)
        assert Path(criada["qrcode"]).read_bytes().startswith(b"\x89PNG")
        _pedir_com_token(porta, "POST", "/api/auth/register", {
            "nome_usuario": "maria", "senha": "senha-da-maria", "empresa": "Frigorífico Sul", "email": "maria@frigo.com"})
        token = _pedir_com_token(porta, "POST", "/api/auth/login", {"nome_usuario": "maria", "senha": "senha-da-maria"})[1]["token"]
        assert _pedir_com_token(porta, "POST", "/api/machines", {"link": criada["link"], "nome_maquina": "Moedor 1"}, token)[0] == 201

        leitura = {"maquina_id": criada["id"], "tensao": 221.0, "vibracao": 1.1, "temperatura": 41.0, "rpm": 1490}
        pedido = urllib.request.Request(f"http://127.0.0.1:{porta}/api/sensor-data", method="POST",
                                        data=json.dumps(leitura).encode(),
                                        headers={"Content-Type": "application/json",
                                                 "Authorization": f"Bearer {criada['token_dispositivo']}"})
        with urllib.request.urlopen(pedido, timeout=10) as resposta:
            assert resposta.status == 201

        dispositivo = DispositivoSimulado(int(ambiente["MQTT_BROKER_PORT"]), criada["id"], criada["token_dispositivo"])
        dispositivo.publicar_status("parada")
        dispositivo.publicar("telemetria", {"tensao": 222.0, "vibracao": 1.3, "temperatura": 42.5, "rpm": 1500,
                                            "ts": int(time.time() * 1000), "seq": 1})

        def maquina():
            return _pedir_com_token(porta, "GET", f"/api/machines/{criada['id']}", token=token)[1]["maquina"]
        esperar(lambda: maquina()["online"] and maquina()["ultima_leitura"]["rpm"] == 1500.0, mensagem="leitura MQTT")

        partida = _pedir_com_token(porta, "POST", f"/api/machines/{criada['id']}/start",
                                   {"voltagem": 380, "velocidade": 1750, "temperatura": 90}, token)
        assert partida[0] == 202 and dispositivo.comandos.get(timeout=10)["comando"] == "start"
        esperar(lambda: maquina()["status"] == "iniciada", mensagem="máquina iniciada")
        assert _pedir_com_token(porta, "POST", f"/api/machines/{criada['id']}/stop", token=token)[0] == 202
        esperar(lambda: maquina()["status"] == "parada", mensagem="máquina parada")
        comandos = _pedir_com_token(porta, "GET", f"/api/machines/{criada['id']}/commands", token=token)[1]["comandos"]
        assert [c["estado"] for c in comandos] == ["confirmado", "confirmado"]

        assert _pedir_com_token(porta, "POST", "/api/manual-log",
                                {"maquina_id": criada["id"], "descricao": "Troca do rolamento"}, token)[0] == 201
        assert len(_pedir_com_token(porta, "GET", f"/api/sensor-data/{criada['id']}", token=token)[1]["leituras"]) == 2
        assert _pedir_com_token(porta, "DELETE", f"/api/machines/{criada['id']}", token=token)[0] == 200
        assert _pedir_com_token(porta, "GET", "/api/machines", token=token)[1]["machines"] == []
    finally:
        if dispositivo:
            dispositivo.fechar()
        app.parar()
    assert _filhos_vivos(tmp_path) == []
