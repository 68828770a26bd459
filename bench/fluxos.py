"""Open live dashboards vs. everything else: device ingest, the API and /api/health with N streams open.

    .venv/bin/python -m bench.fluxos [--fluxos 200] [--usuarios 50] [--amostras 30] [--variantes producao,gthread-64,gevent]

Each variant is one gunicorn command line (`-w 1` always: one MQTT client per process). For each,
the bench measures the latency of `GET /api/health`, a device `POST /api/sensor-data` and
`GET /api/machines` with no stream open, then opens `--fluxos` raw `/api/eventos` streams
(bench/sse.py: one thread, raw sockets) from `--usuarios` users and measures again, plus:
MQTT ingest of `--mqtt` QoS 1 readings (published → stored, counted in the database), /api/health
while a cost-12 bcrypt login runs back to back (235 ms of CPU each), and the worker's CPU and RSS
with the streams idle. Ratios are "with streams / without", measured in the same run.
"""
import argparse
import json
import sys
import threading
import time

import bcrypt
import paho.mqtt.client as paho

from MongoDB.gerencia_BD import DADOS_SENSORES
from mqtt.contrato import topico

from . import comum
from .sse import Fluxos

# The README's production command (keep in sync with README "Production" and docs/security.md).
PRODUCAO = ["-c", "gunicorn.conf.py"]
VARIANTES = {
    "producao": PRODUCAO,
    "gthread-64": ["--threads", "64"],  # the command before issue 9
    "gevent": ["-k", "gevent", "--worker-connections", "1000"],
}
TEMPO_LIMITE_S = 5.0
SENHA = "senha-do-bench-123"


def cronometrar(porta, metodo, caminho, corpo=None, cabecalhos=None):
    """(status, ms) of one request on a fresh connection; status 0 when it timed out or failed."""
    inicio = time.perf_counter()
    try:
        status, _ = comum.pedir(porta, metodo, caminho, corpo, cabecalhos, timeout=TEMPO_LIMITE_S)
    except OSError:
        status = 0
    return status, (time.perf_counter() - inicio) * 1000


class Cliente:
    """What the measurements send: one device, one operator, unique readings."""

    def __init__(self, porta, maquina, token_operador):
        self.porta, self.maquina = porta, maquina
        self.operador = {"Authorization": f"Bearer {token_operador}"}
        self.dispositivo = {"Authorization": f"Bearer {maquina['token']}"}
        self.proximo_ts = int(time.time() * 1000) - 86_400_000

    def saude(self):
        return cronometrar(self.porta, "GET", "/api/health")

    def ingestao(self):
        self.proximo_ts += 1000
        return cronometrar(self.porta, "POST", "/api/sensor-data", {
            "maquina_id": self.maquina["id"], "tensao": 220.0, "vibracao": 1.5, "temperatura": 40.0, "rpm": 1500,
            "ts": self.proximo_ts}, self.dispositivo)

    def api(self):
        return cronometrar(self.porta, "GET", "/api/machines", cabecalhos=self.operador)


# A starved server answers nothing: after this many failures in a phase the rest is not waited for.
FALHAS_ATE_DESISTIR = 6


def amostrar(cliente, quantidade) -> dict:
    """{nome: {"ms": [...], "falhas": n}} for health, ingest and API, `quantidade` of each, interleaved."""
    medidas = {nome: {"ms": [], "falhas": 0} for nome in ("saude", "ingestao", "api")}
    esperado = {"saude": 200, "ingestao": 201, "api": 200}
    for _ in range(quantidade):
        for nome in medidas:
            status, ms = getattr(cliente, nome)()
            medidas[nome]["ms"].append(ms)
            medidas[nome]["falhas"] += status != esperado[nome]
        if sum(m["falhas"] for m in medidas.values()) >= FALHAS_ATE_DESISTIR:
            break
    return medidas


def saude_durante_logins(cliente, nome_usuario, logins=6) -> dict:
    """/api/health every 50 ms while `logins` cost-12 bcrypt logins run one after the other."""
    fim = threading.Event()

    def logar():
        for _ in range(logins):
            status, _ = cronometrar(cliente.porta, "POST", "/api/auth/login", {"nome_usuario": nome_usuario, "senha": SENHA})
            if status == 0:  # starved: no point waiting for the others
                break
        fim.set()

    thread = threading.Thread(target=logar)
    thread.start()
    medidas = []
    while not fim.is_set():
        medidas.append(cliente.saude()[1])
        time.sleep(0.05)
    thread.join()
    return {"ms": medidas, "falhas": 0}


def ingestao_mqtt(porta_mqtt, maquinas, total, banco) -> dict:
    """Publish `total` QoS 1 readings; seconds until the database holds them all, and how many arrived."""
    antes = banco[DADOS_SENSORES].estimated_document_count()
    cliente = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-fluxos-{time.time_ns()}")
    cliente.connect("127.0.0.1", porta_mqtt)
    cliente.loop_start()
    base_ms = int(time.time() * 1000) - 2 * 86_400_000
    inicio = time.monotonic()
    try:
        for n in range(total):
            maquina = maquinas[n % len(maquinas)]
            cliente.publish(topico(maquina["id"], "telemetria"), json.dumps(
                {"tensao": 221.0, "vibracao": 1.1, "temperatura": 41.0, "rpm": 1490, "ts": base_ms + n * 10, "seq": n}),
                qos=1)
        limite = time.monotonic() + 60
        while time.monotonic() < limite:
            gravadas = banco[DADOS_SENSORES].estimated_document_count() - antes
            if gravadas >= total:
                break
            time.sleep(0.25)
    finally:
        cliente.disconnect()
        cliente.loop_stop()
    return {"gravadas": gravadas, "segundos": time.monotonic() - inicio}


def medir_variante(nome, opcoes, ambiente, pasta, usuarios, maquinas, processos, args) -> dict:
    """Every figure of one gunicorn command line."""
    servidor = comum.Gunicorn("app:create_app()", ambiente, pasta, opcoes=opcoes)
    fluxos = None
    try:
        servidor.iniciar(pronto=lambda corpo: corpo["mqtt"]["estado"] == "conectado")
        processos.registrar(servidor.processo.pid)
        tokens = []
        for usuario in usuarios:
            _, corpo = comum.pedir(servidor.porta, "POST", "/api/auth/login", {"nome_usuario": usuario, "senha": SENHA})
            tokens.append(json.loads(corpo)["token"])
        cliente = Cliente(servidor.porta, maquinas[0], tokens[0])
        resultado = {"sem_fluxos": amostrar(cliente, args.amostras)}
        fluxos = Fluxos(servidor.porta, tokens, args.fluxos)
        resultado["estados_fluxos"] = dict(fluxos.abrir(espera_s=args.espera_fluxos))
        time.sleep(args.assentar)
        resultado["com_fluxos"] = amostrar(cliente, args.amostras)
        cliente_bd, banco = comum.banco_do_app(ambiente)
        try:
            resultado["mqtt"] = ingestao_mqtt(args.porta_mqtt, maquinas, args.mqtt, banco)
        finally:
            cliente_bd.close()
        resultado["saude_durante_logins"] = saude_durante_logins(cliente, "caro")
        trabalhador = servidor.trabalhador()
        cpu_antes = comum.cpu_s(trabalhador)
        time.sleep(args.ocioso)
        resultado["cpu_ocioso_pct"] = (comum.cpu_s(trabalhador) - cpu_antes) * 100 / args.ocioso
        resultado["rss_mib"] = comum.rss_mib(trabalhador)
        resultado["fluxos_abertos_no_fim"] = fluxos.abertos()
        return resultado
    finally:
        if fluxos is not None:
            fluxos.fechar()
        servidor.parar()


def _p(medida, p):
    return comum.percentil(medida["ms"], p)


def imprimir(nome, opcoes, r, args):
    linhas = [("fluxos pedidos → respostas", f"{args.fluxos} → {r['estados_fluxos']}", None, None),
              ("fluxos ainda abertos no fim", r["fluxos_abertos_no_fim"], None, None)]
    for chave, rotulo in (("saude", "GET /api/health"), ("ingestao", "POST /api/sensor-data"), ("api", "GET /api/machines")):
        sem, com = r["sem_fluxos"][chave], r["com_fluxos"][chave]
        linhas.append((f"{rotulo} p50 / p95 ms sem fluxos", f"{_p(sem, 50):.1f} / {_p(sem, 95):.1f}", None, None))
        linhas.append((f"{rotulo} p50 / p95 ms com {args.fluxos} fluxos",
                       f"{_p(com, 50):.1f} / {_p(com, 95):.1f}", "p95 < 1000",
                       f"{comum.razao(_p(com, 95), _p(sem, 95)):.2f}× ({comum.status_alvo(_p(com, 95) < 1000)})"))
        linhas.append((f"{rotulo} falhas/tempo esgotado ({TEMPO_LIMITE_S:.0f} s) sem → com",
                       f"{sem['falhas']} de {len(sem['ms'])} → {com['falhas']} de {len(com['ms'])}", "0", None))
    logins = r["saude_durante_logins"]
    linhas.append(("GET /api/health durante logins bcrypt 12: p95 / máx ms",
                   f"{_p(logins, 95):.0f} / {max(logins['ms'], default=0):.0f}", None,
                   f"{comum.razao(_p(logins, 95), _p(r['com_fluxos']['saude'], 95)):.2f}× vs. sem logins"))
    linhas.append((f"MQTT: {args.mqtt} leituras QoS 1 gravadas / segundos", f"{r['mqtt']['gravadas']} / {r['mqtt']['segundos']:.1f}",
                   f"{args.mqtt}", comum.status_alvo(r["mqtt"]["gravadas"] == args.mqtt)))
    linhas.append((f"CPU do worker com os fluxos ociosos ({args.ocioso:.0f} s)", f"{r['cpu_ocioso_pct']:.1f} %", None, None))
    linhas.append(("RSS do worker", f"{r['rss_mib']:.0f} MiB", None, None))
    comum.imprimir_tabela(f"{nome}: gunicorn -w 1 {' '.join(opcoes)}", linhas)


def principal(args):
    nomes = [n.strip() for n in args.variantes.split(",") if n.strip()]
    comum.cabecalho("fluxos", {"fluxos": args.fluxos, "usuários": args.usuarios, "amostras": args.amostras,
                               "mqtt": args.mqtt, "variantes": ",".join(nomes)})
    processos = comum.Processos()
    resultados = {}
    with comum.pasta_temporaria("fluxos") as pasta:
        mosquitto = comum.MosquittoBench(pasta).iniciar()
        processos.registrar(mosquitto.processo.pid)
        args.porta_mqtt = mosquitto.porta
        # Logins of the bench's users are not what is measured here: the login limits are opened wide.
        ambiente = comum.ambiente_app(pasta, mqtt_porta=mosquitto.porta, LIMITE_LOGIN_IP="10000 per minute",
                                      LIMITE_LOGIN_USUARIO="10000 per minute")
        try:
            with comum.servicos_diretos(ambiente) as servicos:
                maquinas = comum.criar_maquinas(servicos, args.usuarios)
                usuarios = []
                for numero, maquina in enumerate(maquinas):
                    usuario = servicos.usuarios.criar(f"painel{numero:03d}", SENHA, "Bench", f"p{numero}@bench.local")
                    servicos.maquinas.reivindicar(maquina["id"], maquina["segredo"], usuario["id"], f"Máquina {numero:03d}")
                    usuarios.append(usuario["nome_usuario"])
                servicos.usuarios.rounds = 12  # one user whose login costs what production's does (~235 ms)
                servicos.usuarios.criar("caro", SENHA, "Bench", "caro@bench.local")
                assert bcrypt.checkpw(SENHA.encode(), servicos.usuarios.colecao.find_one({"nome_usuario": "caro"})["senha"].encode())
            for nome in nomes:
                resultados[nome] = medir_variante(nome, VARIANTES[nome], ambiente, pasta, usuarios, maquinas, processos, args)
                imprimir(nome, VARIANTES[nome], resultados[nome], args)
        finally:
            mosquitto.parar()
            comum.apagar_banco_mongo(ambiente)
            processos.verificar()
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fluxos", type=int, default=200, help="fluxos /api/eventos abertos (padrão 200)")
    parser.add_argument("--usuarios", type=int, default=50, help="usuários donos dos fluxos (padrão 50)")
    parser.add_argument("--amostras", type=int, default=30, help="pedidos de cada tipo por fase (padrão 30)")
    parser.add_argument("--mqtt", type=int, default=2000, help="leituras MQTT publicadas com os fluxos abertos")
    parser.add_argument("--espera-fluxos", type=float, default=20.0, help="segundos para os fluxos responderem")
    parser.add_argument("--assentar", type=float, default=4.0, help="segundos com os fluxos abertos antes de medir")
    parser.add_argument("--ocioso", type=float, default=10.0, help="segundos medindo a CPU com os fluxos ociosos")
    parser.add_argument("--variantes", default=",".join(VARIANTES), help=f"entre {', '.join(VARIANTES)}")
    return principal(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
