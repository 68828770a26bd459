"""The README's "Run it" path, command by command, on `python app.py` with nothing configured (embedded
database and broker): create a machine, claim it, make it talk with the simulator, then a demo week."""
import subprocess
import sys
from datetime import timedelta
from urllib.parse import urlencode

from MongoDB.gerencia_BD import agora_utc
from processos import RAIZ, App, ambiente, console_json, filhos_vivos, pedir
from test_mqtt_integracao import esperar


def _console(ambiente_app, *argumentos):
    resultado = subprocess.run([sys.executable, "main.py", *argumentos], cwd=RAIZ, env=ambiente_app,
                               capture_output=True, text=True, timeout=120)
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    return resultado.stdout


def test_primeira_hora_do_readme_com_broker_embutido(tmp_path):
    ambiente_app = ambiente(tmp_path / "dados")
    app = App(ambiente_app)
    try:
        app.esperar_saude(mqtt_conectado=True)
        porta = app.porta
        criada = console_json(ambiente_app, "maquina", "criar", "--fabricante", "WEG", "--modelo", "W22")
        # "create an account in the browser" and "claim it by code or QR" (the pages post to these)
        assert pedir(porta, "POST", "/api/auth/register", {"nome_usuario": "maria", "senha": "senha-da-maria",
                                                          "empresa": "Frigorífico Sul", "email": "maria@frigo.com"})[0] == 201
        token = pedir(porta, "POST", "/api/auth/login", {"nome_usuario": "maria", "senha": "senha-da-maria"})[1]["token"]
        assert pedir(porta, "POST", "/api/machines", {"link": criada["link"], "nome_maquina": "Moedor 1"}, token)[0] == 201
        assert "agora é administrador" in _console(ambiente_app, "usuario", "admin", "maria@frigo.com")

        saida = _console(ambiente_app, "simular", "--maquina", criada["id"], "--duracao", "4", "--intervalo", "0.5")

        assert "Token de dispositivo trocado" in saida and "Erros: 0;" in saida
        maquina = f"/api/machines/{criada['id']}"
        esperar(lambda: len(pedir(porta, "GET", f"/api/sensor-data/{criada['id']}", token=token)[1]["leituras"]) >= 4,
                mensagem="leituras do simulador no app")
        assert pedir(porta, "GET", maquina, token=token)[1]["maquina"]["status"] == "iniciada"

        saida = _console(ambiente_app, "demo", "--usuario", "maria@frigo.com", "--maquinas", "1", "--dias", "1",
                         "--sem-simular")
        assert "Demo 01" in saida
        agora = agora_utc()
        consulta = urlencode({"desde": (agora - timedelta(days=1)).isoformat(), "ate": agora.isoformat()})
        linhas = {linha["nome_maquina"]: linha
                  for linha in pedir(porta, "GET", f"/api/utilization?{consulta}", token=token)[1]["maquinas"]}
        assert linhas["Demo 01"]["iniciada_s"] > 1800 and linhas["Demo 01"]["parada_s"] > 0
    finally:
        app.parar()
    assert filhos_vivos(tmp_path) == []
