"""Messages/s from mosquitto into the database, with zero loss, vs. the store's own bulk insert and a raw subscriber.

    .venv/bin/python -m bench.ingestao_mqtt [--tamanho 50000] [--maquinas 300] [--alarmes ligados|desligados|ambos]

One paho publisher sends M readings (QoS 1, distinct ts/seq, round-robin over the machines)
as fast as it can. Baselines, in the same run:
- a separate process subscribed to databutcher/+/telemetria that only counts until M (the pace
  the publisher and mosquitto allow);
- the store's ceiling: the same M readings built into their stored documents first
  (`validar_leitura` + `GerenciaTelemetria.documento`, as the writer does), then only
  `insert_many(ordered=False)` timed, in the writer's batches of 500 and in batches of 10,000, on a
  fresh store of its own with the product's indexes. The higher of the two is the reference.
Product: the app under gunicorn (-w 1 --threads 16) on a fresh data folder and a fresh mosquitto;
the clock stops when /api/health says `ingestao.gravadas` == M. Rates are M / (time of the last
message handled − time of the first publish). Loss = M − stored; duplicates = readings the app
saw twice (QoS 1 redelivery), which the unique `_id` absorbs.
Targets: product ≥ 0.8 × the store's ceiling (issue 10) and ≥ 0.5 × the raw subscriber; 0 lost.

`--alarmes ambos` runs the product twice in the same run, `ALARMES_ATIVOS=true` then `false`
(each on its own data folder and broker), and prints what judging the rules costs the ingest
(target, issue 8: ≤ 10 %).

`--agregados-existentes N` first stores N older minute buckets (other machines, earlier days), as
an install that has been running for a while holds (300 machines × 1 day ≈ 432,000).
"""
import argparse
import json
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

import paho.mqtt.client as mqtt

from MongoDB.gerencia_BD import DADOS_SENSORES
from MongoDB.gerencia_telemetria import chave
from mqtt.contrato import topico
from nucleo.validacao import validar_leitura

from . import comum

ALVO = 0.5  # of the raw subscriber (the first target; the publisher sets that pace)
ALVO_TETO = 0.8  # of the store's own insert_many of the same documents (issue 10)
ALVO_CUSTO_ALARMES = 0.10  # issue 8: judging the rules costs ingest at most this
LOTE_GRAVADOR = 500  # the writer's batch (nucleo/gravador.py lote_maximo)
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
        documentos = []
        for i in range(de, min(de + lote, quantidade)):
            balde = chave(f"{i % 300:024x}", agora_ms - (i // 300 + 10) * 60_000)
            documentos.append({"_id": balde, "chave": balde, "n": 60, **{
                f"{k}_{s}": 1.0 for k in ("soma", "min", "max") for s in ("tensao", "vibracao", "temperatura", "rpm")}})
        servicos.agregados.minuto.insert_many(documentos, ordered=False)


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


def documentos_da_lista(servicos, lista):
    """The stored form of every message in `lista`, built as the writer builds them (validated, then `documento`)."""
    agora = datetime.now(timezone.utc)
    documentos = []
    for assunto, carga in lista:
        maquina_id = assunto.split("/")[1]
        documentos.append(servicos.telemetria.documento(maquina_id, validar_leitura(json.loads(carga), agora), agora))
    return documentos


def medir_teto_do_banco(pasta, lista, lotes=(LOTE_GRAVADOR, 10_000)) -> dict:
    """The store's own bulk-insert rate for the same documents, on a fresh store of its own (indexes as the
    product creates them): documents prepared first, then only `insert_many(ordered=False)` is timed."""
    resultado = {}
    for lote in lotes:
        subpasta = pasta / f"teto-{lote}"
        subpasta.mkdir()
        with comum.servicos_diretos(comum.ambiente_app(subpasta)) as servicos:
            documentos = documentos_da_lista(servicos, lista)
            colecao = servicos.bd.colecao(DADOS_SENSORES)
            antes = time.monotonic()
            for i in range(0, len(documentos), lote):
                colecao.insert_many(documentos[i:i + lote], ordered=False)
            segundos = time.monotonic() - antes
            guardados = colecao.estimated_document_count()
        resultado[lote] = {"msg_s": len(documentos) / segundos, "segundos": segundos, "guardados": guardados}
    return resultado


def medir_produto(pasta, processos, args, alarmes) -> dict:
    """The app on a fresh data folder and a fresh mosquitto (no session left by another variant)."""
    pasta.mkdir()
    broker = comum.MosquittoBench(pasta, fila=max(1_000_000, 2 * args.tamanho))
    ambiente = None
    try:
        broker.iniciar()
        processos.registrar(broker.processo.pid)
        ambiente = comum.ambiente_app(pasta, mqtt_porta=broker.porta, ALARMES_ATIVOS="true" if alarmes else "false")
        with comum.servicos_diretos(ambiente) as servicos:
            maquinas = comum.criar_maquinas(servicos, args.maquinas)
            preencher_agregados(servicos, args.agregados_existentes)
        lista = mensagens(maquinas, args.tamanho)
        resultado = {"lista": lista}
        if args.com_cru:
            resultado["cru"] = medir_assinante_cru(broker.porta, lista)
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
                chaves = len(banco[DADOS_SENSORES].distinct("k"))
            finally:
                cliente.close()
        finally:
            app.parar()
    finally:
        if ambiente is not None:
            comum.apagar_banco_mongo(ambiente)
        broker.parar()
    segundos = agora - publicado["inicio"]
    resultado.update({"msg_s": contadores.get("gravadas", 0) / segundos, "segundos": segundos, "cpu_ms": cpu_ms,
                      "guardadas": guardadas, "chaves": chaves, "contadores": contadores,
                      "carga_1min": comum.maquina_de_teste()["carga_1min"]})
    return resultado


def principal(args):
    variantes = {"ligados": [True], "desligados": [False], "ambos": [True, False]}[args.alarmes]
    comum.cabecalho("ingestao_mqtt", {"mensagens": args.tamanho, "máquinas": args.maquinas, "QoS": 1,
                                      "agregados de minuto já existentes": args.agregados_existentes,
                                      "alarmes (ALARMES_ATIVOS)": args.alarmes, "gunicorn": "-w 1 --threads 16"})
    processos = comum.Processos()
    produtos = {}
    with comum.pasta_temporaria("mqtt") as pasta:
        try:
            for indice, alarmes in enumerate(variantes):
                args.com_cru = indice == 0
                produtos[alarmes] = medir_produto(pasta / f"produto-{'alarmes' if alarmes else 'sem-alarmes'}",
                                                  processos, args, alarmes)
            lista = produtos[variantes[0]]["lista"]
            teto = medir_teto_do_banco(pasta, lista)
        finally:
            processos.verificar()

    cru = produtos[variantes[0]]["cru"]
    teto_msg_s = max(t["msg_s"] for t in teto.values())
    linhas = [
        ("publicador (paho, até o último PUBACK) msg/s", f"{cru['publicador_msg_s']:.0f}", None, None),
        ("assinante cru (só conta) msg/s", f"{cru['msg_s']:.0f}", None, f"{cru['recebidas']} recebidas em {cru['segundos']:.1f}s"),
    ]
    for lote, t in teto.items():
        linhas.append((f"teto do banco: insert_many de {lote} dos mesmos documentos, docs/s", f"{t['msg_s']:.0f}", None,
                       f"{t['guardados']} em {t['segundos']:.1f}s, banco novo só com os índices"))
    falhou = False
    for alarmes, p in produtos.items():
        nome = f"DataButcher, alarmes {'ligados' if alarmes else 'desligados'}"
        r_teto, r_cru = comum.razao(p["msg_s"], teto_msg_s), comum.razao(p["msg_s"], cru["msg_s"])
        perda = len(p["lista"]) - p["guardadas"]
        falhou |= perda != 0
        linhas += [
            (f"{nome} (até gravadas == M) msg/s", f"{p['msg_s']:.0f}", f"≥ {ALVO_TETO}× teto do banco",
             f"{r_teto:.2f}× ({comum.status_alvo(r_teto >= ALVO_TETO)})"),
            (f"{nome} ÷ assinante cru", f"{r_cru:.2f}×", f"≥ {ALVO}×", comum.status_alvo(r_cru >= ALVO)),
            (f"{nome}: segundos, carga média 1 min ao fim", f"{p['segundos']:.1f}s, {p['carga_1min']:.2f}", None, None),
            (f"{nome}: CPU ms por mensagem", ", ".join(f"{n} {ms:.2f}" for n, ms in p["cpu_ms"].items()), None, None),
            (f"{nome}: perda (publicadas − gravadas)", perda, "0", comum.status_alvo(perda == 0)),
            (f"{nome}: duplicadas absorvidas / mesma chave", f"{p['contadores'].get('duplicadas', 0)} / "
             f"{p['guardadas'] - p['chaves']}", None, None),
            (f"{nome}: contadores /api/health", json.dumps(p["contadores"]), None, None),
        ]
    if len(produtos) == 2:
        custo = 1 - comum.razao(produtos[True]["msg_s"], produtos[False]["msg_s"])
        linhas.append(("custo dos alarmes na ingestão (1 − ligados ÷ desligados)", f"{100 * custo:.1f} %",
                       f"≤ {100 * ALVO_CUSTO_ALARMES:.0f} %", comum.status_alvo(custo <= ALVO_CUSTO_ALARMES)))
        # Less sensitive to what else runs on the machine than two rates measured a minute apart.
        cpu = {alarmes: sum(p["cpu_ms"].values()) for alarmes, p in produtos.items()}
        custo_cpu = comum.razao(cpu[True], cpu[False]) - 1
        linhas.append(("CPU por mensagem (worker + nx-27017), ligados ÷ desligados − 1",
                       f"{100 * custo_cpu:.1f} %", f"≤ {100 * ALVO_CUSTO_ALARMES:.0f} %",
                       f"{cpu[True]:.2f} vs {cpu[False]:.2f} ms ({comum.status_alvo(custo_cpu <= ALVO_CUSTO_ALARMES)})"))
    comum.imprimir_tabela(f"MQTT → banco, {len(lista)} mensagens QoS 1, {args.maquinas} máquinas, {comum.banco_em_uso()}",
                          linhas)
    return 1 if falhou else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tamanho", type=int, default=50_000, help="mensagens publicadas (padrão 50000)")
    parser.add_argument("--maquinas", type=int, default=300, help="máquinas (padrão 300)")
    parser.add_argument("--agregados-existentes", type=int, default=0,
                        help="baldes de minuto gravados antes (outras máquinas, dias anteriores), como numa "
                             "instalação em uso; 0 = banco vazio (padrão)")
    parser.add_argument("--alarmes", choices=("ligados", "desligados", "ambos"), default="ligados",
                        help="ALARMES_ATIVOS do app: ligados (padrão, o do produto), desligados, ou ambos na mesma "
                             "execução, cada um com banco e broker novos, e a razão entre eles")
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
