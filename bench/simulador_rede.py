"""The simulator's MQTT side at N machines, each logged in as itself: threads, CPU and connect time.

The simulator (simulador/transporte_mqtt.py) serves every machine's connection from one network
thread (simulador/rede_mqtt.py). The baseline is what it replaced for per-machine logins: one
paho client with `loop_start()` (one thread) per machine, publishing the same readings. Each
side runs in a process of its own, so its CPU is its own; the broker runs here (the embedded
amqtt with device logins, or mosquitto) and is the same for both.

    .venv/bin/python -m bench.simulador_rede --maquinas 300 --duracao 30 --broker amqtt
"""
import argparse
import json
import multiprocessing
import tempfile
import threading
import time
from pathlib import Path

from MongoDB.banco_embutido import porta_livre
from MongoDB.erros import TokenDispositivoInvalido

from .comum import MosquittoBench, cabecalho, imprimir_tabela

APP = ("databutcher-app", "senha-do-app-do-bench")


def _maquinas(quantidade):
    return [(f"66f{i:021x}", f"token-{i:04d}-do-bench") for i in range(quantidade)]


def _cpu_e_linhas(inicio_cpu):
    return time.process_time() - inicio_cpu, threading.active_count()


def _rodar_simulador(porta, maquinas, intervalo, duracao, resultado):
    """Child process: the product's simulator."""
    from simulador.simulador import Simulador

    inicio, cpu = time.monotonic(), time.process_time()
    sim = Simulador(maquinas, via="mqtt", intervalo=intervalo, porta=porta).iniciar()
    conexao_s, conectadas = time.monotonic() - inicio, sim.transporte.conectados()
    time.sleep(duracao)
    cpu_s, linhas = _cpu_e_linhas(cpu)
    estat = sim.parar()
    resultado.put({"conectadas": conectadas, "conexao_s": conexao_s, "cpu_s": cpu_s,
                   "linhas": linhas, "confirmadas": estat["enviadas"]["telemetria"], "erros": estat["erros"]})


def _rodar_uma_linha_por_maquina(porta, maquinas, intervalo, duracao, resultado):
    """Child process: the baseline, one paho client and one loop_start() thread per machine."""
    import paho.mqtt.client as paho

    inicio, cpu = time.monotonic(), time.process_time()
    confirmadas, conectadas, clientes = [0], threading.Semaphore(0), []
    trava = threading.Lock()

    def confirmar(*_):
        with trava:
            confirmadas[0] += 1
    for maquina_id, token in maquinas:
        cliente = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"base-{maquina_id}")
        cliente.username_pw_set(maquina_id, token)
        cliente.on_connect = lambda c, u, f, rc, p: conectadas.release()
        cliente.on_publish = confirmar
        cliente.connect_async("127.0.0.1", porta, keepalive=15)
        cliente.loop_start()
        clientes.append((maquina_id, cliente))
    for _ in clientes:
        conectadas.acquire(timeout=30)
    conexao_s = time.monotonic() - inicio
    agora = time.monotonic()
    limite, devido, passo, seq = agora + duracao, agora, intervalo / len(clientes), 0
    while devido < limite:  # the simulator's schedule: due times spread evenly over one interval
        for maquina_id, cliente in clientes:
            time.sleep(max(devido - time.monotonic(), 0))
            seq += 1
            leitura = {"tensao": 220.0, "vibracao": 1.2, "temperatura": 45.0, "rpm": 1500, "seq": seq}
            cliente.publish(f"databutcher/{maquina_id}/telemetria", json.dumps(leitura), qos=1)
            devido += passo
    cpu_s, linhas = _cpu_e_linhas(cpu)
    for _, cliente in clientes:
        cliente.disconnect()
        cliente.loop_stop()
    resultado.put({"conectadas": len(clientes), "conexao_s": conexao_s, "cpu_s": cpu_s, "linhas": linhas,
                   "confirmadas": confirmadas[0], "erros": 0})


def _broker(tipo, pasta, maquinas):
    if tipo == "mosquitto":
        return MosquittoBench(pasta).iniciar()
    from mqtt.acesso import Porteiro
    from mqtt.broker_embutido import BrokerEmbutido

    tokens = dict(maquinas)

    def autenticar(maquina_id, token):
        if tokens.get(maquina_id) != token:
            raise TokenDispositivoInvalido()
    return BrokerEmbutido(Porteiro(*APP, autenticar), "127.0.0.1", porta_livre()).iniciar()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maquinas", type=int, default=300)
    parser.add_argument("--duracao", type=float, default=30.0)
    parser.add_argument("--intervalo", type=float, default=1.0)
    parser.add_argument("--broker", choices=["amqtt", "mosquitto"], default="amqtt")
    opcoes = parser.parse_args()
    cabecalho("simulador: uma linha de rede para N máquinas", vars(opcoes))
    maquinas = _maquinas(opcoes.maquinas)
    contexto = multiprocessing.get_context("spawn")
    linhas = []
    with tempfile.TemporaryDirectory(prefix="bench-simulador-") as pasta:
        broker = _broker(opcoes.broker, Path(pasta), maquinas)
        try:
            for nome, alvo in (("simulador (1 linha de rede)", _rodar_simulador),
                               ("1 linha paho por máquina", _rodar_uma_linha_por_maquina)):
                resultado = contexto.Queue()
                filho = contexto.Process(target=alvo, args=(broker.porta, maquinas, opcoes.intervalo, opcoes.duracao, resultado))
                filho.start()
                medida = resultado.get(timeout=opcoes.duracao + 120)
                filho.join(30)
                esperadas = opcoes.maquinas * opcoes.duracao / opcoes.intervalo
                linhas += [(f"{nome}: conectadas", medida["conectadas"], opcoes.maquinas, None),
                           (f"{nome}: threads", medida["linhas"], None, None),
                           (f"{nome}: CPU (% de um núcleo)", round(100 * medida["cpu_s"] / opcoes.duracao, 1), None, None),
                           (f"{nome}: conexão de todas (s)", round(medida["conexao_s"], 2), None, None),
                           (f"{nome}: leituras confirmadas", medida["confirmadas"], round(esperadas), None),
                           (f"{nome}: erros", medida["erros"], 0, None)]
        finally:
            broker.parar()
    imprimir_tabela(f"{opcoes.maquinas} máquinas a {1 / opcoes.intervalo:g} Hz por {opcoes.duracao:g} s, broker {opcoes.broker}",
                    linhas)


if __name__ == "__main__":
    main()
