"""Soak: N simulated machines over MQTT for a long run, zero loss, zero duplicates, a responsive dashboard.

    .venv/bin/python -m bench.resistencia --maquinas 200 --intervalo 1 --duracao 600
    .venv/bin/python -m bench.resistencia --maquinas 300 --duracao 1200 --leituras-existentes 3000000

The app runs under gunicorn (one worker) on the embedded store with a real mosquitto; the
simulator publishes QoS 1 telemetry with `ts`/`seq` and answers commands. Meanwhile an operator
polls what the dashboard reads (`/api/machines` and a 1-hour chart) and the latencies are
reported. At the end, the readings stored per machine are compared with the readings the broker
acknowledged per machine, and the unique key is checked for duplicates.

`--leituras-existentes N` first puts N older readings of the same machines (1 Hz, ending a
minute before the run, with their rollups) straight into the store, the way bench/crescimento.py
loads them, so the soak runs on top of a large data folder; the counts compare only the
readings stored since the run started.
"""
import argparse
import json
import threading
import time
from datetime import datetime, timedelta, timezone

from bench.comum import (Gunicorn, MosquittoBench, Processos, banco_do_app, cabecalho, imprimir_tabela,
                         maquina_de_teste, pasta_temporaria, pedir, percentil, saude, servicos_diretos,
                         ambiente_app, contar_leituras, criar_maquinas, status_alvo)
from bench.crescimento import Carregador, carregar_outras
from simulador.simulador import Simulador


class Operador(threading.Thread):
    """Polls the dashboard's data every `intervalo` s and records the latencies (ms)."""

    def __init__(self, porta, token, maquina_id, intervalo=2.0):
        super().__init__(daemon=True)
        self.porta, self.intervalo = porta, intervalo
        self.cabecalhos = {"Authorization": f"Bearer {token}"}
        self.caminhos = {"painel": "/api/machines",
                         "grafico_1h": f"/api/sensor-data/{maquina_id}/serie"}
        self.latencias = {nome: [] for nome in self.caminhos}
        self.erros = 0
        self.parar = threading.Event()

    def run(self):
        while not self.parar.wait(self.intervalo):
            for nome, caminho in self.caminhos.items():
                inicio = time.perf_counter()
                try:
                    status, _ = pedir(self.porta, "GET", caminho, cabecalhos=self.cabecalhos, timeout=30)
                except OSError:
                    status = 0
                self.latencias[nome].append((time.perf_counter() - inicio) * 1000)
                self.erros += status != 200


def _esperar_gravacao(porta, limite_s=120):
    """Until the app's writer has drained and its stored counter stops moving."""
    anterior, parado_desde = -1, time.monotonic()
    fim = time.monotonic() + limite_s
    while time.monotonic() < fim:
        ingestao = saude(porta)["ingestao"]
        if ingestao.get("gravadas", 0) != anterior or ingestao.get("fila", 0):
            anterior, parado_desde = ingestao.get("gravadas", 0), time.monotonic()
        elif time.monotonic() - parado_desde > 3:
            return ingestao
        time.sleep(0.5)
    return saude(porta)["ingestao"]


def main(argv=None):
    argumentos = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    argumentos.add_argument("--maquinas", type=int, default=200)
    argumentos.add_argument("--intervalo", type=float, default=1.0)
    argumentos.add_argument("--duracao", type=float, default=600.0, help="segundos de simulação")
    argumentos.add_argument("--leituras-existentes", type=int, default=0,
                            help="leituras antigas das mesmas máquinas gravadas antes, direto no banco (padrão 0)")
    opcoes = argumentos.parse_args(argv)
    cabecalho("resistencia", {"maquinas": opcoes.maquinas, "intervalo_s": opcoes.intervalo, "duracao_s": opcoes.duracao,
                              "leituras_existentes": opcoes.leituras_existentes})
    processos = Processos()
    with pasta_temporaria("resistencia") as pasta:
        mosquitto = MosquittoBench(pasta).iniciar()
        processos.registrar(mosquitto.processo.pid)
        ambiente = ambiente_app(pasta, mqtt_porta=mosquitto.porta)
        app = simulador = operador = None
        try:
            with servicos_diretos(ambiente) as servicos:
                usuario = servicos.usuarios.criar("operadora", "senha-da-operadora", "Bench", "op@bench.local")
                maquinas = criar_maquinas(servicos, opcoes.maquinas)
                for numero, maquina in enumerate(maquinas, start=1):
                    servicos.maquinas.reivindicar(maquina["id"], maquina["segredo"], usuario["id"], f"Máquina {numero:03d}")
                if opcoes.leituras_existentes:
                    carregador = Carregador(servicos, 10_000)
                    fim = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=1)
                    minutos = max(1, round(opcoes.leituras_existentes / (60 * len(maquinas))))
                    carregar_outras(carregador, [m["id"] for m in maquinas], fim, 0, minutos)
                    print(f"   {carregador.leituras:,} leituras existentes carregadas em {carregador.segundos:.0f}s", flush=True)
            inicio_da_execucao = datetime.now(timezone.utc)
            app = Gunicorn("app:create_app()", ambiente, pasta).iniciar(
                pronto=lambda corpo: corpo["mqtt"]["estado"] == "conectado")
            processos.registrar(app.processo.pid)
            _, corpo = pedir(app.porta, "POST", "/api/auth/login",
                             {"nome_usuario": "operadora", "senha": "senha-da-operadora"})
            operador = Operador(app.porta, json.loads(corpo)["token"], maquinas[0]["id"])
            simulador = Simulador([(m["id"], m["token"]) for m in maquinas], via="mqtt", intervalo=opcoes.intervalo,
                                  porta=mosquitto.porta, iniciadas=True, relatar=print, intervalo_progresso=30)
            operador.start()
            enviado = simulador.rodar(opcoes.duracao)
            operador.parar.set()
            ingestao = _esperar_gravacao(app.porta)
            cliente, banco = banco_do_app(ambiente)
            try:
                guardadas = {m["id"]: contar_leituras(banco, m["id"], inicio_da_execucao) for m in maquinas}
            finally:
                cliente.close()
        finally:
            if simulador is not None:
                simulador.parar()
            if operador is not None:
                operador.parar.set()
            if app is not None:
                app.parar()
            mosquitto.parar()
            processos.verificar()

    por_maquina = enviado["por_maquina"]
    perdidas = sum(max(0, n - guardadas.get(maquina_id, 0)) for maquina_id, n in por_maquina.items())
    a_mais = sum(max(0, guardadas.get(maquina_id, 0) - n) for maquina_id, n in por_maquina.items())
    total_enviado = sum(por_maquina.values())
    total_guardado = sum(guardadas.get(maquina_id, 0) for maquina_id in por_maquina)
    print("   máquina:", json.dumps(maquina_de_teste(), ensure_ascii=False))
    linhas = [
        ("leituras confirmadas pelo broker", total_enviado, None, None),
        ("leituras guardadas", total_guardado, None, None),
        ("perdidas", perdidas, "0", status_alvo(perdidas == 0)),
        ("guardadas a mais que enviadas", a_mais, "0", status_alvo(a_mais == 0)),
        ("reentregas descartadas pela chave única", ingestao.get("duplicadas", 0), None, None),
        ("fila cheia / descartadas", f"{ingestao.get('fila_cheia', 0)} / {ingestao.get('descartadas', 0)}", "0 / 0", None),
        ("taxa média (msg/s)", enviado["taxa_media_msg_s"], None, None),
        ("atraso máximo do simulador (s)", enviado["atraso_maximo_s"], None, None),
    ]
    for nome, valores in operador.latencias.items():
        linhas.append((f"{nome}: p50 / p95 / máx (ms), {len(valores)} consultas",
                       f"{percentil(valores, 50):.0f} / {percentil(valores, 95):.0f} / {max(valores, default=0):.0f}",
                       None, None))
    linhas.append(("consultas do operador com erro", operador.erros, "0", status_alvo(operador.erros == 0)))
    imprimir_tabela("Resistência: MQTT → banco com o painel em uso", linhas)
    return 0 if perdidas == 0 and a_mais == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
