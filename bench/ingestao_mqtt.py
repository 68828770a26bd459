"""Messages/s from mosquitto into the database, with zero loss, vs. a raw paho subscriber that only counts.

    .venv/bin/python -m bench.ingestao_mqtt [--tamanho 50000] [--maquinas 300]

One paho publisher sends M readings (QoS 1, distinct ts/seq, round-robin over the machines)
as fast as it can. Baseline: a separate process subscribed to databutcher/+/telemetria that
counts until M. Product: the app under gunicorn (-w 1 --threads 16) subscribed to the same
broker; the clock stops when /api/health says `ingestao.gravadas` == M. Both rates are
M / (time of the last message handled − time of the first publish). Loss = M − stored;
duplicates = readings the app saw twice (QoS 1 redelivery), which the unique index absorbs.
Target: product ≥ 0.5 × raw subscriber.

`--agregados-existentes N` first stores N older minute buckets, as an install that has been
running for a while holds (300 machines × 1 day ≈ 432,000): on nx-27017 each upsert that
creates a bucket costs time proportional to that collection.
"""
import argparse
import json
import subprocess
import sys
import threading
import time

import paho.mqtt.client as mqtt

from MongoDB.gerencia_agregados import _data
from MongoDB.gerencia_BD import DADOS_SENSORES
from mqtt.contrato import topico

from . import comum

ALVO = 0.5
INFLIGHT = 100


def mensagens(maquinas, ate, de=0, base_ms=None):
    """[(topic, payload)] of readings de..ate-1: reading i goes to machine i % n at 1 Hz device time
    from `base_ms` (default: ending now), so rollups fill as in production; ts/seq unique."""
    n = len(maquinas)
    if base_ms is None:
        base_ms = int(time.time() * 1000) - (ate // n + 60) * 1000
    return [(topico(maquinas[i % n]["id"], "telemetria"),
             json.dumps({"tensao": 220.0 + i % 7, "vibracao": 1.5, "temperatura": 40.0 + i % 11, "rpm": 1500,
                         "ts": base_ms + (i // n) * 1000, "seq": i}).encode())
            for i in range(de, ate)]


def preencher_agregados(servicos, quantidade, lote=10_000):
    """`quantidade` older minute buckets (other machines, last days), as a long-running install has."""
    agora_ms = int(time.time() * 1000) // 60_000 * 60_000
    for de in range(0, quantidade, lote):
        servicos.agregados.minuto.insert_many([
            {"maquina_id": f"{i % 300:024x}", "inicio": agora_ms - (i // 300 + 10) * 60_000, "n": 60,
             **{f"{k}_{s}": 1.0 for k in ("soma", "min", "max") for s in ("tensao", "vibracao", "temperatura", "rpm")},
             "inicio_data": _data(agora_ms - (i // 300 + 10) * 60_000)}
            for i in range(de, min(de + lote, quantidade))], ordered=False)


def publicar(porta, lista) -> dict:
    """Publish everything at QoS 1 as fast as paho goes; returns first-publish time and time of the last PUBACK."""
    confirmadas = threading.Event()
    contagem = [0]

    def ao_publicar(client, userdata, mid, reason_code, properties):
        contagem[0] += 1
        if contagem[0] == len(lista):
            confirmadas.set()

    cliente = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-publicador-{time.monotonic_ns()}")
    cliente.max_inflight_messages_set(INFLIGHT)
    cliente.max_queued_messages_set(0)
    cliente.on_publish = ao_publicar
    cliente.connect("127.0.0.1", porta)
    cliente.loop_start()
    try:
        limite = time.monotonic() + 10
        while not cliente.is_connected() and time.monotonic() < limite:
            time.sleep(0.01)
        inicio = time.time()
        for assunto, carga in lista:
            cliente.publish(assunto, carga, qos=1)
        if not confirmadas.wait(600):
            raise RuntimeError(f"só {contagem[0]} de {len(lista)} PUBACKs")
        return {"inicio": inicio, "pubacks_em": time.time()}
    finally:
        cliente.disconnect()
        cliente.loop_stop()


# ---- the raw subscriber (its own process) -----------------------------------------------------
def _assinante(args):
    """Count messages on databutcher/+/telemetria until `--tamanho`; print the time of the last one."""
    contagem = [0]
    pronto, fim = threading.Event(), threading.Event()
    ultimo = [0.0]

    def ao_conectar(client, userdata, flags, reason_code, properties):
        client.subscribe(topico("+", "telemetria"), qos=1)

    def ao_assinar(client, userdata, mid, reason_codes, properties):
        pronto.set()

    def ao_receber(client, userdata, mensagem):
        contagem[0] += 1
        if contagem[0] >= args.tamanho:
            ultimo[0] = time.time()
            fim.set()

    cliente = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-assinante-{time.monotonic_ns()}")
    cliente.on_connect, cliente.on_subscribe, cliente.on_message = ao_conectar, ao_assinar, ao_receber
    cliente.connect("127.0.0.1", args.porta)
    cliente.loop_start()
    pronto.wait(10)
    print("pronto", flush=True)
    fim.wait(600)
    cliente.disconnect()
    cliente.loop_stop()
    print(json.dumps({"recebidas": contagem[0], "ultima_em": ultimo[0]}), flush=True)


def medir_assinante_cru(porta, lista):
    processo = subprocess.Popen([sys.executable, "-m", "bench.ingestao_mqtt", "--assinante", "--porta", str(porta),
                                 "--tamanho", str(len(lista))], cwd=comum.RAIZ, stdout=subprocess.PIPE, text=True)
    try:
        if processo.stdout.readline().strip() != "pronto":
            raise RuntimeError("assinante cru não ficou pronto")
        publicado = publicar(porta, lista)
        resultado = json.loads(processo.stdout.readline())
        processo.wait(timeout=30)
    finally:
        if processo.poll() is None:
            processo.kill()
            processo.wait()
    segundos = resultado["ultima_em"] - publicado["inicio"]
    return {"msg_s": resultado["recebidas"] / segundos, "segundos": segundos, "recebidas": resultado["recebidas"],
            "publicador_msg_s": len(lista) / (publicado["pubacks_em"] - publicado["inicio"])}


def principal(args):
    comum.cabecalho("ingestao_mqtt", {"mensagens": args.tamanho, "máquinas": args.maquinas, "QoS": 1,
                                      "agregados de minuto já existentes": args.agregados_existentes,
                                      "gunicorn": "-w 1 --threads 16"})
    processos = comum.Processos()
    with comum.pasta_temporaria("mqtt") as pasta:
        broker = comum.MosquittoBench(pasta, fila=max(1_000_000, 2 * args.tamanho))
        ambiente = None
        try:
            broker.iniciar()
            processos.registrar(broker.processo.pid)
            ambiente = comum.ambiente_app(pasta, mqtt_porta=broker.porta)
            with comum.servicos_diretos(ambiente) as servicos:
                maquinas = comum.criar_maquinas(servicos, args.maquinas)
                preencher_agregados(servicos, args.agregados_existentes)
            lista = mensagens(maquinas, args.tamanho)

            cru = medir_assinante_cru(broker.porta, lista)

            app = comum.Gunicorn(args.app, ambiente, pasta)
            try:
                app.iniciar(pronto=lambda s: s["mqtt"]["estado"] == "conectado" and s["ingestao"].get("conexoes"))
                processos.registrar(app.processo.pid)
                time.sleep(1.0)  # the subscribe is sent in on_connect; give the SUBACK a moment
                trabalhador = app.trabalhador()
                pids = {"worker": trabalhador, **{"nx-27017": pid for pid in comum.filhos(trabalhador)}}
                cpu_antes = {nome: comum.cpu_s(pid) for nome, pid in pids.items()}
                publicado = publicar(broker.porta, lista)
                ultimo, ultimo_progresso = {}, time.monotonic()
                while True:
                    contadores = comum.saude(app.porta)["ingestao"]
                    agora = time.time()
                    if contadores != ultimo:
                        ultimo, ultimo_progresso = contadores, time.monotonic()
                    if contadores.get("gravadas", 0) + contadores.get("duplicadas", 0) >= len(lista) \
                            and contadores.get("fila", 0) == 0:
                        break
                    if time.monotonic() - ultimo_progresso > 30:
                        break
                    time.sleep(0.25)
                cpu_ms = {nome: (comum.cpu_s(pid) - cpu_antes[nome]) * 1000 / len(lista) for nome, pid in pids.items()}
                cliente, banco = comum.banco_do_app(ambiente)
                try:
                    guardadas = banco[DADOS_SENSORES].estimated_document_count()
                    chaves = len(banco[DADOS_SENSORES].distinct("chave_leitura"))
                finally:
                    cliente.close()
            finally:
                app.parar()
        finally:
            if ambiente is not None:
                comum.apagar_banco_mongo(ambiente)
            broker.parar()
            processos.verificar()

    segundos = agora - publicado["inicio"]
    produto_msg_s = contadores.get("gravadas", 0) / segundos
    r = comum.razao(produto_msg_s, cru["msg_s"])
    perda = len(lista) - guardadas
    comum.imprimir_tabela(f"MQTT → banco, {len(lista)} mensagens QoS 1, {args.maquinas} máquinas, {comum.banco_em_uso()}", [
        ("publicador (paho, até o último PUBACK) msg/s", f"{cru['publicador_msg_s']:.0f}", None, None),
        ("assinante cru (só conta) msg/s", f"{cru['msg_s']:.0f}", None, f"{cru['recebidas']} recebidas em {cru['segundos']:.1f}s"),
        ("DataButcher (até gravadas == M) msg/s", f"{produto_msg_s:.0f}", f"≥ {ALVO}× cru",
         f"{r:.2f}× ({comum.status_alvo(r >= ALVO)})"),
        ("DataButcher segundos", f"{segundos:.1f}", None, None),
        ("DataButcher CPU ms por mensagem", ", ".join(f"{n} {ms:.2f}" for n, ms in cpu_ms.items()), None, None),
        ("gravadas no banco", guardadas, f"= {len(lista)}", None),
        ("perda (publicadas − gravadas ao fim da espera)", perda, "0", comum.status_alvo(perda == 0)),
        ("duplicadas (reentregas absorvidas)", contadores.get("duplicadas", 0), None, None),
        ("documentos com a mesma chave", guardadas - chaves, "0", None),
        ("contadores /api/health", json.dumps(contadores), None, None),
    ])
    return 0 if perda == 0 else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tamanho", type=int, default=50_000, help="mensagens publicadas (padrão 50000)")
    parser.add_argument("--maquinas", type=int, default=300, help="máquinas (padrão 300)")
    parser.add_argument("--agregados-existentes", type=int, default=0,
                        help="baldes de minuto gravados antes (outras máquinas, dias anteriores), como numa "
                             "instalação em uso; 0 = banco vazio (padrão)")
    parser.add_argument("--assinante", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--porta", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--app", default="app:create_app()",
                        help="alvo do gunicorn para o produto (padrão app:create_app(); para comparar uma variante)")
    args = parser.parse_args(argv)
    if args.assinante:
        _assinante(args)
        return 0
    return principal(args)


if __name__ == "__main__":
    sys.exit(main())
