"""Sustained req/s of `POST /api/sensor-data` under gunicorn vs. a bare Flask `ok` endpoint.

    .venv/bin/python -m bench.ingestao_http [--duracao 15] [--aquecimento 3] [--conexoes 16] [--maquinas 16]

Both apps run as `gunicorn -w 1 --threads 16`; the load comes from separate processes
(`--processos-carga`, each with keep-alive http.client connections in threads), a fixed
duration after a warm-up. Every request carries a unique ts/seq. At the end the bench
checks that the readings stored equal the 2xx answers (nothing acknowledged and lost).
Target: product ≥ 0.6 × bare.
"""
import argparse
import itertools
import json
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection

from MongoDB.gerencia_BD import DADOS_SENSORES

from . import comum

ALVO = 0.6


# ---- the load generator (runs in its own processes) -------------------------------
def _carga(args):
    """Hit `caminho` from `conexoes` threads until the deadline; print a JSON summary on stdout."""
    maquinas = json.loads(open(args.maquinas_json).read())
    contador = itertools.count()  # next() is atomic under the GIL: unique n per request
    # Each load process writes its own past day (not "future", within retention): ts unique across processes.
    base_ms = int(time.time() * 1000) - (2 + args.deslocamento) * 86_400_000
    inicio = time.monotonic() + 0.2
    janela_de, janela_ate = inicio + args.aquecimento, inicio + args.aquecimento + args.duracao
    resultados = []

    def trabalhar(indice):
        maquina = maquinas[indice % len(maquinas)]
        cabecalhos = {"Content-Type": "application/json", "Authorization": f"Bearer {maquina['token']}"}
        conexao = HTTPConnection("127.0.0.1", args.porta, timeout=30)
        latencias, aceitas_total, erros, outros = [], 0, 0, {}
        while time.monotonic() < inicio:
            time.sleep(0.001)
        while (antes := time.monotonic()) < janela_ate:
            n = next(contador)
            corpo = json.dumps({"maquina_id": maquina["id"], "tensao": 220.0 + n % 7, "vibracao": 1.5,
                                "temperatura": 40.0 + n % 11, "rpm": 1500, "ts": base_ms + n, "seq": n % 2**32})
            try:
                conexao.request("POST", args.caminho, body=corpo, headers=cabecalhos)
                resposta = conexao.getresponse()
                resposta.read()
                status = resposta.status
            except OSError:
                conexao.close()
                conexao = HTTPConnection("127.0.0.1", args.porta, timeout=30)
                status = 0
            depois = time.monotonic()
            if 200 <= status < 300:
                aceitas_total += 1
            if antes >= janela_de and depois <= janela_ate:
                if 200 <= status < 300:
                    latencias.append(depois - antes)
                else:
                    erros += 1
                    outros[status] = outros.get(status, 0) + 1
        conexao.close()
        resultados.append((latencias, aceitas_total, erros, outros))

    threads = [threading.Thread(target=trabalhar, args=(i,)) for i in range(args.conexoes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencias = [l for r in resultados for l in r[0]]
    outros = {}
    for r in resultados:
        for status, n in r[3].items():
            outros[str(status)] = outros.get(str(status), 0) + n
    print(json.dumps({"ok_na_janela": len(latencias), "latencias": latencias, "aceitas_total": sum(r[1] for r in resultados),
                      "erros": sum(r[2] for r in resultados), "erros_por_status": outros}))


def medir(porta, caminho, maquinas_json, args):
    """Run the load processes against `porta`; return req/s, p50/p95 (ms), errors and all 2xx."""
    processos = []
    por_processo = max(1, args.conexoes // args.processos_carga)
    for i in range(args.processos_carga):
        processos.append(subprocess.Popen(
            [sys.executable, "-m", "bench.ingestao_http", "--carga", "--porta", str(porta), "--caminho", caminho,
             "--maquinas-json", str(maquinas_json), "--duracao", str(args.duracao),
             "--aquecimento", str(args.aquecimento), "--conexoes", str(por_processo),
             "--deslocamento", str(i)],
            cwd=comum.RAIZ, stdout=subprocess.PIPE, text=True))
    try:
        saidas = [json.loads(p.communicate(timeout=args.duracao + args.aquecimento + 120)[0]) for p in processos]
    finally:
        for p in processos:
            if p.poll() is None:
                p.kill()
                p.wait()
    latencias = [l for s in saidas for l in s["latencias"]]
    erros_por_status = {}
    for s in saidas:
        for status, n in s["erros_por_status"].items():
            erros_por_status[status] = erros_por_status.get(status, 0) + n
    return {"req_s": len(latencias) / args.duracao, "p50_ms": comum.percentil(latencias, 50) * 1000,
            "p95_ms": comum.percentil(latencias, 95) * 1000, "erros": sum(s["erros"] for s in saidas),
            "erros_por_status": erros_por_status, "aceitas_total": sum(s["aceitas_total"] for s in saidas)}


def medir_com_cpu(servidor, caminho, maquinas_json, args):
    """`medir`, plus the CPU ms per request the worker and its nx-27017 (if any) used meanwhile."""
    trabalhador = servidor.trabalhador()
    pids = {"worker": trabalhador, **{"nx-27017": pid for pid in comum.filhos(trabalhador)}}
    antes = {nome: comum.cpu_s(pid) for nome, pid in pids.items()}
    resultado = medir(servidor.porta, caminho, maquinas_json, args)
    respostas = resultado["aceitas_total"] + resultado["erros"]
    resultado["cpu_ms_por_req"] = {nome: (comum.cpu_s(pid) - antes[nome]) * 1000 / max(respostas, 1)
                                   for nome, pid in pids.items()}
    return resultado


def _cpu(resultado):
    return ", ".join(f"{nome} {ms:.2f}" for nome, ms in resultado["cpu_ms_por_req"].items())


def _esperar_fila_vazia(porta, espera_s=60):
    limite = time.monotonic() + espera_s
    while time.monotonic() < limite:
        if comum.saude(porta)["ingestao"].get("fila", 0) == 0:
            return
        time.sleep(0.2)


def principal(args):
    comum.cabecalho("ingestao_http", {"duração": f"{args.duracao}s após {args.aquecimento}s de aquecimento",
                                      "conexões": args.conexoes, "processos de carga": args.processos_carga,
                                      "máquinas": args.maquinas, "gunicorn": f"-w 1 --threads {args.threads}"})
    processos = comum.Processos()
    with comum.pasta_temporaria("http") as pasta:
        ambiente = comum.ambiente_app(pasta)
        try:
            with comum.servicos_diretos(ambiente) as servicos:
                maquinas = comum.criar_maquinas(servicos, args.maquinas)
            maquinas_json = pasta / "maquinas.json"
            maquinas_json.write_text(json.dumps(maquinas))

            nua = comum.Gunicorn("bench.bare_app:create_app()", ambiente, pasta, threads=args.threads)
            try:
                nua.iniciar()
                processos.registrar(nua.processo.pid)
                base = medir_com_cpu(nua, "/ok", maquinas_json, args)
            finally:
                nua.parar()

            produto = comum.Gunicorn(args.app, ambiente, pasta, threads=args.threads)
            try:
                produto.iniciar()
                processos.registrar(produto.processo.pid)
                resultado = medir_com_cpu(produto, "/api/sensor-data", maquinas_json, args)
                _esperar_fila_vazia(produto.porta)
                contadores = comum.saude(produto.porta)["ingestao"]
                cliente, banco = comum.banco_do_app(ambiente)
                try:
                    guardadas = banco[DADOS_SENSORES].estimated_document_count()
                finally:
                    cliente.close()
            finally:
                produto.parar()
        finally:
            comum.apagar_banco_mongo(ambiente)
            processos.verificar()

    r = comum.razao(resultado["req_s"], base["req_s"])
    comum.imprimir_tabela(f"POST /api/sensor-data vs. Flask nu, gunicorn -w 1 --threads {args.threads}, {comum.banco_em_uso()}", [
        ("Flask nu (POST /ok) req/s", f"{base['req_s']:.0f}", None, None),
        ("Flask nu p50 / p95 ms", f"{base['p50_ms']:.1f} / {base['p95_ms']:.1f}", None, None),
        ("Flask nu erros", base["erros"], None, None),
        ("Flask nu CPU ms por pedido", _cpu(base), None, None),
        ("DataButcher req/s", f"{resultado['req_s']:.0f}", f"≥ {ALVO}× nu", f"{r:.2f}× ({comum.status_alvo(r >= ALVO)})"),
        ("DataButcher p50 / p95 ms", f"{resultado['p50_ms']:.1f} / {resultado['p95_ms']:.1f}", None, None),
        ("DataButcher erros", f"{resultado['erros']} {resultado['erros_por_status'] or ''}".strip(), "0", None),
        ("DataButcher CPU ms por pedido", _cpu(resultado), None, None),
        ("2xx respondidas (total, com aquecimento)", resultado["aceitas_total"], None, None),
        ("leituras gravadas no banco", guardadas, "= 2xx",
         "iguais" if guardadas == resultado["aceitas_total"] else f"DIFERENÇA {guardadas - resultado['aceitas_total']}"),
        ("contadores /api/health", json.dumps(contadores), None, None),
    ])
    return 0 if guardadas == resultado["aceitas_total"] else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duracao", type=float, default=15.0, help="segundos medidos (padrão 15)")
    parser.add_argument("--aquecimento", type=float, default=3.0, help="segundos descartados antes (padrão 3)")
    parser.add_argument("--conexoes", type=int, default=16, help="conexões keep-alive simultâneas (padrão 16)")
    parser.add_argument("--processos-carga", type=int, default=2, help="processos geradores de carga (padrão 2)")
    parser.add_argument("--threads", type=int, default=16, help="threads do gunicorn (padrão 16)")
    parser.add_argument("--maquinas", "--tamanho", type=int, default=16, help="máquinas cadastradas (padrão 16)")
    # internal: the load generator process
    parser.add_argument("--carga", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--porta", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--caminho", help=argparse.SUPPRESS)
    parser.add_argument("--maquinas-json", help=argparse.SUPPRESS)
    parser.add_argument("--deslocamento", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--app", default="app:create_app()",
                        help="alvo do gunicorn para o produto (padrão app:create_app(); para comparar uma variante)")
    args = parser.parse_args(argv)
    if args.carga:
        _carga(args)
        return 0
    return principal(args)


if __name__ == "__main__":
    sys.exit(main())
