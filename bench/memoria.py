"""RSS of the app process before and after ingesting many readings through MQTT, and during a CSV export.

    .venv/bin/python -m bench.memoria [--tamanho 200000] [--maquinas 1]      (--tamanho 1000000 for 1M)

The app runs under gunicorn (-w 1 --threads 16) with mosquitto; RSS is the worker's (the
process that holds the queue, the writer and Flask), read from /proc. After a warm-up of
`--aquecimento` readings the "before" RSS is taken; the readings are then published at 1 Hz
device time in blocks of `--bloco`, each block waited for until stored (a steady ingest, the
queue never holds more than one block), and RSS is sampled after each block. Then the whole
history of machine 0 is exported through /export (streamed CSV) while a thread samples RSS
every 50 ms. Targets: RSS after ingest ≤ 1.10 × before; peak during export ≤ 1.10 × before it.
With one machine (the default) the export is every reading ingested.
"""
import argparse
import json
import sys
import threading
import time
from http.client import HTTPConnection, HTTPException

from MongoDB.gerencia_BD import DADOS_SENSORES

from . import comum
from .ingestao_mqtt import mensagens, publicar

ALVO = 1.10
SENHA = "senha-do-bench-123"


def esperar_gravadas(porta, quantidade, espera_s=300):
    """Wait until /api/health counts `quantidade` readings stored and the queue is empty."""
    limite = time.monotonic() + espera_s
    while time.monotonic() < limite:
        ingestao = comum.saude(porta)["ingestao"]
        if ingestao.get("gravadas", 0) + ingestao.get("duplicadas", 0) >= quantidade and ingestao.get("fila", 0) == 0:
            return ingestao
        time.sleep(0.2)
    raise RuntimeError(f"só {comum.saude(porta)['ingestao']} de {quantidade} em {espera_s}s")


def exportar(porta, maquina_id, token, pid):
    """Stream the whole CSV, sampling the worker's RSS every 50 ms; returns rows, bytes, seconds, samples."""
    amostras, parar = [], threading.Event()

    def amostrar():
        while not parar.is_set():
            amostras.append(comum.rss_mib(pid))
            time.sleep(0.05)

    amostrador = threading.Thread(target=amostrar)
    conexao = HTTPConnection("127.0.0.1", porta, timeout=120)
    linhas = bytes_lidos = 0
    antes = time.monotonic()
    amostrador.start()
    try:
        conexao.request("GET", f"/api/sensor-data/{maquina_id}/export", headers={"Authorization": f"Bearer {token}"})
        resposta = conexao.getresponse()
        if resposta.status != 200:
            raise RuntimeError(f"export: HTTP {resposta.status} {resposta.read(300)!r}")
        while bloco := resposta.read(65536):
            bytes_lidos += len(bloco)
            linhas += bloco.count(b"\n")
    finally:
        parar.set()
        amostrador.join()
        conexao.close()
    return {"linhas": linhas - 1, "bytes": bytes_lidos, "segundos": time.monotonic() - antes, "amostras": amostras}


def principal(args):
    comum.cabecalho("memoria", {"leituras": args.tamanho, "aquecimento": args.aquecimento, "bloco": args.bloco,
                                "máquinas": args.maquinas, "caminho": "MQTT QoS 1 → gunicorn -w 1 --threads 16"})
    processos = comum.Processos()
    serie = []
    with comum.pasta_temporaria("memoria") as pasta:
        broker = comum.MosquittoBench(pasta)
        ambiente = None
        try:
            broker.iniciar()
            processos.registrar(broker.processo.pid)
            ambiente = comum.ambiente_app(pasta, mqtt_porta=broker.porta)
            with comum.servicos_diretos(ambiente) as servicos:
                usuario = servicos.usuarios.criar("bench_memoria", SENHA, "Bench", "memoria@exemplo.com")
                maquinas = comum.criar_maquinas(servicos, args.maquinas)
                servicos.maquinas.reivindicar(maquinas[0]["id"], maquinas[0]["segredo"], usuario["id"], "Moedor")
            total = args.aquecimento + args.tamanho
            base_ms = int(time.time() * 1000) - (total // args.maquinas + 60) * 1000

            app = comum.Gunicorn("app:create_app()", ambiente, pasta)
            try:
                app.iniciar(pronto=lambda s: s["mqtt"]["estado"] == "conectado" and s["ingestao"].get("conexoes"))
                processos.registrar(app.processo.pid)
                trabalhador = app.trabalhador()
                time.sleep(1.0)
                rss_inicial = comum.rss_mib(trabalhador)
                publicar(broker.porta, mensagens(maquinas, args.aquecimento, 0, base_ms))
                esperar_gravadas(app.porta, args.aquecimento)
                time.sleep(3)  # rollups are flushed every 2 s
                rss_antes = comum.rss_mib(trabalhador)
                antes = time.monotonic()
                for de in range(args.aquecimento, total, args.bloco):
                    ate = min(de + args.bloco, total)
                    publicar(broker.porta, mensagens(maquinas, ate, de, base_ms))
                    esperar_gravadas(app.porta, ate)
                    serie.append((ate - args.aquecimento, comum.rss_mib(trabalhador)))
                segundos_ingestao = time.monotonic() - antes
                time.sleep(3)
                rss_depois = comum.rss_mib(trabalhador)
                contadores = comum.saude(app.porta)["ingestao"]
                rss_banco = [comum.rss_mib(pid) for pid in comum.filhos(trabalhador)]

                status, corpo = comum.pedir(app.porta, "POST", "/api/auth/login",
                                            {"nome_usuario": "bench_memoria", "senha": SENHA})
                token = json.loads(corpo)["token"]
                rss_antes_export = comum.rss_mib(trabalhador)
                try:
                    exportacao = exportar(app.porta, maquinas[0]["id"], token, trabalhador)
                except (HTTPException, OSError) as erro:  # reported below, not a crash: the RSS figures still count
                    exportacao = {"linhas": 0, "bytes": 0, "segundos": 0.0, "amostras": [comum.rss_mib(trabalhador)],
                                  "falha": f"FALHOU: {type(erro).__name__}: {str(erro)[:80]}"}
                    print("export falhou; fim do log do app:\n" + app.log.read_text(errors="replace")[-2000:])
                rss_depois_export = comum.rss_mib(trabalhador)
                cliente, banco = comum.banco_do_app(ambiente)
                try:
                    # count_documents is a full scan on nx-27017: at 1M documents it outlasts the
                    # driver's heartbeat and is cancelled. The collection total is O(1).
                    guardadas = banco[DADOS_SENSORES].estimated_document_count()
                    da_maquina = guardadas if args.maquinas == 1 else \
                        comum.contar_leituras(banco, maquinas[0]["id"])
                finally:
                    cliente.close()
            finally:
                app.parar()
        finally:
            if ambiente is not None:
                comum.apagar_banco_mongo(ambiente)
            broker.parar()
            processos.verificar()

    pico = max(r for _, r in serie)
    r_ingestao = rss_depois / rss_antes
    pico_export = max(exportacao["amostras"])
    r_export = pico_export / rss_antes_export
    marcos = serie[:: max(1, len(serie) // 5)] + ([serie[-1]] if len(serie) % 5 else [])
    comum.imprimir_tabela(f"RSS do worker (app), {args.tamanho} leituras via MQTT, {comum.banco_em_uso()}", [
        ("RSS logo após iniciar MiB", f"{rss_inicial:.1f}", None, None),
        (f"RSS antes (após {args.aquecimento} de aquecimento) MiB", f"{rss_antes:.1f}", None, None),
        (f"RSS depois de {args.tamanho} leituras MiB", f"{rss_depois:.1f}", f"≤ {ALVO:.2f}× antes",
         f"{r_ingestao:.3f}× ({comum.status_alvo(r_ingestao <= ALVO)})"),
        ("RSS máximo entre blocos MiB", f"{pico:.1f}", None, f"{pico / rss_antes:.3f}×"),
        ("RSS ao longo (leituras: MiB)", "; ".join(f"{n}: {r:.1f}" for n, r in marcos), None, None),
        ("ingestão msg/s (em blocos, esperando cada um)", f"{args.tamanho / segundos_ingestao:.0f}", None, None),
        ("gravadas no banco / perda", f"{guardadas} / {total - guardadas}", f"{total} / 0", None),
        ("RSS do nx-27017 (filho do worker) MiB", ", ".join(f"{r:.1f}" for r in rss_banco) or "-", None, None),
        ("CSV exportado: linhas / MiB / s", f"{exportacao['linhas']} / {exportacao['bytes'] / 2**20:.1f} / "
         f"{exportacao['segundos']:.1f}", f"{da_maquina} linhas", None),
        ("export", exportacao.get("falha", "completo"), "completo", None),
        ("RSS antes / pico / depois do export MiB",
         f"{rss_antes_export:.1f} / {pico_export:.1f} / {rss_depois_export:.1f}", f"pico ≤ {ALVO:.2f}× antes",
         f"{r_export:.3f}× ({comum.status_alvo(r_export <= ALVO)})"),
        ("contadores /api/health", json.dumps(contadores), None, None),
    ])
    return 0 if guardadas == total and exportacao["linhas"] == da_maquina else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tamanho", type=int, default=200_000, help="leituras medidas (padrão 200000; 1000000 para 1M)")
    parser.add_argument("--aquecimento", type=int, default=20_000, help="leituras antes da medida 'antes' (padrão 20000)")
    parser.add_argument("--bloco", type=int, default=10_000, help="leituras publicadas por bloco (padrão 10000)")
    parser.add_argument("--maquinas", type=int, default=1, help="máquinas (padrão 1: o export cobre tudo)")
    return principal(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
