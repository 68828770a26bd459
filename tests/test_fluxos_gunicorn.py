"""Fault: more live dashboards than the server takes, against the README's production command.

Real gunicorn (`-c gunicorn.conf.py`), the embedded nx-27017, 210 raw /api/eventos streams from
one thread (bench/sse.py). Before issue 9, 64 open dashboards made every device POST, /api/machines
and /api/health time out. Now the streams beyond SSE_MAX_TOTAL get 503 at once, and devices, the
API and health keep answering in milliseconds. bench/fluxos.py measures the same at length.
"""
import json
import time

import pytest

from bench import comum
from bench.sse import Fluxos

pytestmark = pytest.mark.embutido

MAXIMO = 200          # SSE_MAX_TOTAL for this run: gunicorn.conf.py gives it 200 + 64 threads
USUARIOS = 42         # 5 streams each (SSE_MAX_POR_USUARIO): 210 asked for
SENHA = "senha-do-painel-123"
RESPOSTA_RAPIDA_MS = 1000


def _pedido_ms(porta, metodo, caminho, corpo=None, cabecalhos=None):
    inicio = time.perf_counter()
    status, _ = comum.pedir(porta, metodo, caminho, corpo, cabecalhos, timeout=5)
    return status, (time.perf_counter() - inicio) * 1000


def test_duzentos_paineis_abertos_nao_calam_dispositivos_api_nem_saude(tmp_path):
    ambiente = comum.ambiente_app(tmp_path, SSE_MAX_TOTAL=MAXIMO, LOG_FORMAT="json",
                                  LIMITE_LOGIN_IP="1000 per minute")  # the 42 logins below are the setup
    with comum.servicos_diretos(ambiente) as servicos:
        maquinas = comum.criar_maquinas(servicos, USUARIOS)
        for numero, maquina in enumerate(maquinas):
            usuario = servicos.usuarios.criar(f"painel{numero}", SENHA, "Frigo", f"painel{numero}@x.com")
            servicos.maquinas.reivindicar(maquina["id"], maquina["segredo"], usuario["id"], f"Serra {numero}")
    servidor = comum.Gunicorn("app:create_app()", ambiente, tmp_path, opcoes=["-c", "gunicorn.conf.py"])
    fluxos = None
    try:
        servidor.iniciar()
        tokens = [json.loads(comum.pedir(servidor.porta, "POST", "/api/auth/login",
                                         {"nome_usuario": f"painel{n}", "senha": SENHA})[1])["token"]
                  for n in range(USUARIOS)]
        fluxos = Fluxos(servidor.porta, tokens, USUARIOS * 5)
        assert fluxos.abrir(espera_s=20) == {200: MAXIMO, 503: USUARIOS * 5 - MAXIMO}

        operador = {"Authorization": f"Bearer {tokens[0]}"}
        dispositivo = {"Authorization": f"Bearer {maquinas[0]['token']}"}
        medidas = {"saude": [], "ingestao": [], "api": []}
        ts = int(time.time() * 1000) - 3_600_000
        for rodada in range(15):
            medidas["saude"].append(_pedido_ms(servidor.porta, "GET", "/api/health"))
            medidas["ingestao"].append(_pedido_ms(servidor.porta, "POST", "/api/sensor-data", {
                "maquina_id": maquinas[0]["id"], "tensao": 220.0, "vibracao": 1.0, "temperatura": 40.0, "rpm": 1500,
                "ts": ts + rodada * 1000}, dispositivo))
            medidas["api"].append(_pedido_ms(servidor.porta, "GET", "/api/machines", cabecalhos=operador))
        assert {nome: sorted({s for s, _ in m}) for nome, m in medidas.items()} == {
            "saude": [200], "ingestao": [201], "api": [200]}
        piores = {nome: max(ms for _, ms in m) for nome, m in medidas.items()}
        assert all(ms < RESPOSTA_RAPIDA_MS for ms in piores.values()), piores
        assert fluxos.abertos() == MAXIMO  # nothing was dropped to make room

        cabecalho_servidor = _servidor(servidor.porta)
        assert cabecalho_servidor == "gunicorn"  # no version to look up
    finally:
        if fluxos is not None:
            fluxos.fechar()
        servidor.parar()
    linhas = [linha for linha in servidor.log.read_text().splitlines() if linha.strip()]
    assert linhas and all(isinstance(json.loads(linha), dict) for linha in linhas)  # LOG_FORMAT=json: app and gunicorn


def _servidor(porta) -> str:
    from http.client import HTTPConnection
    conexao = HTTPConnection("127.0.0.1", porta, timeout=5)
    try:
        conexao.request("GET", "/api/health")
        resposta = conexao.getresponse()
        resposta.read()
        return ", ".join(resposta.headers.get_all("Server"))
    finally:
        conexao.close()
