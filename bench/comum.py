"""What every benchmark needs: a temp data folder, the servers, the app under gunicorn, RSS, a results table.

Each bench starts everything it uses and stops it in a `finally`; `Processos.verificar()`
then checks that no child (gunicorn master, worker, the worker's nx-27017, mosquitto) is left.
The embedded store is the default; MONGO_URI in the environment selects a real MongoDB
(a throwaway database `bench_<random>`, dropped at the end).
"""
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from http.client import HTTPConnection
from pathlib import Path

from config import ler_configuracao
from urllib.parse import quote_plus

from MongoDB.banco_embutido import porta_livre, socket_do_banco
from MongoDB.gerencia_BD import DADOS_SENSORES, abrir_banco
from nucleo.servicos import criar_servicos
from tests.servidores import Mosquitto, esperar_porta

RAIZ = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"

CONFIG_MOSQUITTO = """# mosquitto for the benchmarks (bench/comum.py)
listener {porta} 127.0.0.1
allow_anonymous true
persistence false
# Raised above the default 1000 so a subscriber behind a publishing burst loses nothing.
max_queued_messages {fila}
max_queued_bytes 0
max_inflight_messages {inflight}
log_dest file {pasta}/mosquitto.log
log_type error
log_type warning
"""


# ---- where and on what ------------------------------------------------------
def maquina_de_teste() -> dict:
    """CPU, cores, memory, Python and the load other processes put on the machine right now."""
    modelo = next((linha.split(":", 1)[1].strip() for linha in Path("/proc/cpuinfo").read_text().splitlines()
                   if linha.startswith("model name")), platform.processor())
    memoria_kb = int(next(l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")))
    return {"cpu": modelo, "nucleos": os.cpu_count(), "memoria_gib": round(memoria_kb / 2**20, 1),
            "python": platform.python_version(), "carga_1min": os.getloadavg()[0],
            "data": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def banco_em_uso() -> str:
    return "MongoDB (MONGO_URI)" if os.environ.get("MONGO_URI") else "nx-27017 embutido (SQLite em arquivo temporário)"


def cabecalho(nome, tamanhos: dict):
    """Print what runs where, before the figures."""
    m = maquina_de_teste()
    print(f"== {nome} — {m['data']}")
    print(f"   máquina: {m['cpu']}, {m['nucleos']} núcleos, {m['memoria_gib']} GiB, Python {m['python']}, "
          f"carga média 1 min antes de começar: {m['carga_1min']:.2f}")
    print(f"   banco: {banco_em_uso()}; broker: mosquitto ({MOSQUITTO})")
    print("   tamanhos: " + ", ".join(f"{k}={v}" for k, v in tamanhos.items()))


def imprimir_tabela(titulo, linhas):
    """linhas: [(métrica, valor, alvo, razão)]; razão None when the row has no target."""
    print(f"\n{titulo}")
    cab = ("métrica", "valor", "alvo", "razão")
    texto = [[str(c) if c is not None else "" for c in linha] for linha in linhas]
    larguras = [max(len(x[i]) for x in [cab, *texto]) for i in range(4)]
    for linha in [cab, ["-" * l for l in larguras], *texto]:
        print("  ".join(c.ljust(l) for c, l in zip(linha, larguras)).rstrip())


# ---- processes -----------------------------------------------------------
def filhos(pid) -> list:
    """Every descendant pid of `pid` (read from /proc)."""
    pais = {}
    for entrada in Path("/proc").iterdir():
        if entrada.name.isdigit():
            try:
                pais.setdefault(int((entrada / "stat").read_text().rsplit(")", 1)[1].split()[1]), []).append(int(entrada.name))
            except (OSError, IndexError, ValueError):
                continue
    resultado, pendentes = [], [pid]
    while pendentes:
        for filho in pais.get(pendentes.pop(), []):
            resultado.append(filho)
            pendentes.append(filho)
    return resultado


def vivo(pid) -> bool:
    try:
        estado = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return estado != "Z"


def rss_mib(pid) -> float:
    """Resident set size of `pid` in MiB, from /proc/<pid>/status."""
    for linha in Path(f"/proc/{pid}/status").read_text().splitlines():
        if linha.startswith("VmRSS:"):
            return int(linha.split()[1]) / 1024
    raise RuntimeError(f"processo {pid} sem VmRSS")


def cpu_s(pid) -> float:
    """User + system CPU seconds used so far by `pid` (from /proc/<pid>/stat)."""
    campos = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(campos[11]) + int(campos[12])) / os.sysconf("SC_CLK_TCK")


class Processos:
    """Every server a bench starts, with its descendants, so the end can prove none is left."""

    def __init__(self):
        self.conhecidos = set()

    def registrar(self, pid):
        self.conhecidos.add(pid)
        self.conhecidos.update(filhos(pid))

    def verificar(self):
        """Kill (by pid) anything we started that is still alive, and say so."""
        restantes = [pid for pid in self.conhecidos if vivo(pid)]
        limite = time.monotonic() + 10
        while restantes and time.monotonic() < limite:
            time.sleep(0.2)
            restantes = [pid for pid in restantes if vivo(pid)]
        for pid in restantes:
            os.kill(pid, signal.SIGKILL)
        if restantes:
            print(f"AVISO: processos deixados para trás e mortos com SIGKILL: {restantes}")
        else:
            print(f"Processos iniciados pelo bench ({len(self.conhecidos)}): todos encerrados.")


# ---- data folder and settings ----------------------------------------------
@contextmanager
def pasta_temporaria(prefixo):
    pasta = Path(tempfile.mkdtemp(prefix=f"databutcher-bench-{prefixo}-"))
    try:
        yield pasta
    finally:
        shutil.rmtree(pasta, ignore_errors=True)


def ambiente_app(pasta: Path, mqtt_porta=None, **extra) -> dict:
    """Environment of an app process: its own DATA_DIR and nx-27017 port, long keys, fast bcrypt."""
    ambiente = dict(os.environ)
    ambiente.update({
        "DATA_DIR": str(pasta), "QRCODE_DIR": str(pasta / "Qrcode"),
        "DB_NAME": os.environ.get("BENCH_DB_NAME") or ("bench_" + uuid.uuid4().hex[:8] if os.environ.get("MONGO_URI") else "DataButcherDB"),
        "SECRET_KEY": "chave-flask-de-benchmark-" + "s" * 40, "JWT_SECRET_KEY": "chave-jwt-de-benchmark-" + "j" * 40,
        "BCRYPT_ROUNDS": "4", "PYTHONUNBUFFERED": "1",
        "MQTT_ENABLED": "true" if mqtt_porta else "false",
    })
    if mqtt_porta:
        ambiente.update({"MQTT_BROKER_URL": "127.0.0.1", "MQTT_BROKER_PORT": str(mqtt_porta)})
    ambiente.update({k: str(v) for k, v in extra.items()})
    return ambiente


@contextmanager
def servicos_diretos(ambiente):
    """The product's managers over the same data as the app, in this process (preparing data, counting)."""
    cfg = ler_configuracao(ambiente, carregar_dotenv=False)
    bd = abrir_banco(cfg, do_console=True)
    try:
        bd.criar_indices()
        bd.aplicar_retencao(cfg["RETENCAO_DIAS_BRUTOS"], cfg["RETENCAO_DIAS_AGREGADOS"])
        servicos = criar_servicos(bd, cfg)
        try:
            yield servicos
        finally:
            servicos.encerrar()
    finally:
        bd.fechar()


def criar_maquinas(servicos, quantidade) -> list:
    """[{"id", "token", "segredo"}] of `quantidade` new machines (created as the console does)."""
    maquinas = []
    for _ in range(quantidade):
        criada = servicos.maquinas.criar("DataButcher", "Bench")
        maquinas.append({"id": criada["maquina"]["id"], "token": criada["token"], "segredo": criada["segredo"]})
    return maquinas


def banco_do_app(ambiente):
    """A pymongo database handle on the data the running app writes (its nx-27017 port or MONGO_URI)."""
    from pymongo import MongoClient
    uri = ambiente.get("MONGO_URI") or f"mongodb://{quote_plus(str(socket_do_banco(ambiente['DATA_DIR'])))}/"
    cliente = MongoClient(uri, tz_aware=True, serverSelectionTimeoutMS=5000)
    return cliente, cliente[ambiente["DB_NAME"]]


def contar_leituras(banco, maquina_id, desde=None) -> int:
    """Readings of one machine, by its `k` range (an indexed find of ids: count_documents scans on nx-27017)."""
    from MongoDB.gerencia_telemetria import faixa
    return sum(1 for _ in banco[DADOS_SENSORES].find({"k": faixa(maquina_id, desde)}, {"_id": 1}))


def apagar_banco_mongo(ambiente):
    """With MONGO_URI the bench database is dropped at the end (nx-27017 data goes with the temp folder)."""
    if ambiente.get("MONGO_URI"):
        cliente, _ = banco_do_app(ambiente)
        cliente.drop_database(ambiente["DB_NAME"])
        cliente.close()


# ---- servers -----------------------------------------------------------------
class MosquittoBench(Mosquitto):
    """tests/servidores.Mosquitto with the bench's config: a queue big enough for the whole burst."""

    def __init__(self, pasta: Path, fila=1_000_000, inflight=None):
        super().__init__(pasta)
        self.fila = fila
        # QoS 1 messages mosquitto sends the app before its acks: the app acks once a batch is stored, so
        # this caps the writer's batch (BENCH_INFLIGHT to try another; 100 is what README.md recommends).
        self.inflight = inflight or int(os.environ.get("BENCH_INFLIGHT", "100"))

    def iniciar(self):
        arquivo = self.pasta / "mosquitto-bench.conf"
        arquivo.write_text(CONFIG_MOSQUITTO.format(porta=self.porta, pasta=self.pasta, fila=self.fila, inflight=self.inflight))
        self.processo = subprocess.Popen([MOSQUITTO, "-c", str(arquivo)],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        esperar_porta(self.porta)
        return self


class Gunicorn:
    """`gunicorn -w 1 --threads N -b 127.0.0.1:PORT <alvo>` in its own process group.

    `opcoes` replaces `--threads N` with other worker options (e.g. `["-k", "gevent"]`).
    """

    def __init__(self, alvo, ambiente, pasta: Path, threads=16, caminho_pronto="/api/health", opcoes=None):
        self.alvo, self.ambiente, self.pasta, self.threads = alvo, ambiente, pasta, threads
        self.opcoes = list(opcoes) if opcoes is not None else ["--threads", str(threads)]
        self.porta = porta_livre()
        self.caminho_pronto = caminho_pronto
        self.processo = None
        self.log = pasta / f"gunicorn-{self.porta}.log"

    def iniciar(self, espera_s=60.0, pronto=None):
        """Start and wait until `caminho_pronto` answers 200 (and `pronto(json)` is true, if given)."""
        comando = [GUNICORN, "-w", "1", *self.opcoes, "-b", f"127.0.0.1:{self.porta}",
                   "--graceful-timeout", "20", "--timeout", "120", "--log-level", "warning", self.alvo]
        with open(self.log, "ab") as saida:
            self.processo = subprocess.Popen(comando, cwd=RAIZ, env=self.ambiente, stdin=subprocess.DEVNULL,
                                             stdout=saida, stderr=subprocess.STDOUT, start_new_session=True)
        limite = time.monotonic() + espera_s
        while time.monotonic() < limite:
            if self.processo.poll() is not None:
                raise RuntimeError(f"gunicorn terminou ao iniciar; veja {self.log}:\n{self.log.read_text()[-3000:]}")
            try:
                status, corpo = pedir(self.porta, "GET", self.caminho_pronto)
                if status == 200 and (pronto is None or pronto(json.loads(corpo))):
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn não ficou pronto em {espera_s:.0f}s; veja {self.log}")

    def trabalhador(self) -> int:
        """The worker's pid (the app process; its nx-27017 is the worker's child)."""
        for pid in filhos(self.processo.pid):
            try:
                if int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) == self.processo.pid:
                    return pid
            except OSError:
                continue
        raise RuntimeError("gunicorn sem worker")

    def parar(self):
        """SIGTERM to the master: workers finish, flush the writer and stop their nx-27017."""
        if self.processo is None or self.processo.poll() is not None:
            return
        self.processo.send_signal(signal.SIGTERM)
        try:
            self.processo.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(self.processo.pid, signal.SIGKILL)
            self.processo.wait(timeout=5)


def pedir(porta, metodo, caminho, corpo=None, cabecalhos=None, timeout=10.0):
    """One HTTP request on a fresh connection: (status, body bytes)."""
    conexao = HTTPConnection("127.0.0.1", porta, timeout=timeout)
    try:
        dados = json.dumps(corpo).encode() if corpo is not None else None
        conexao.request(metodo, caminho, body=dados,
                        headers={"Content-Type": "application/json", **(cabecalhos or {})})
        resposta = conexao.getresponse()
        return resposta.status, resposta.read()
    finally:
        conexao.close()


def saude(porta) -> dict:
    status, corpo = pedir(porta, "GET", "/api/health")
    return json.loads(corpo)


def percentil(valores, p):
    if not valores:
        return float("nan")
    ordenados = sorted(valores)
    return ordenados[min(len(ordenados) - 1, int(round(p / 100 * (len(ordenados) - 1))))]


def razao(valor, referencia):
    return valor / referencia if referencia else float("nan")


def status_alvo(ok: bool) -> str:
    return "atingido" if ok else "NÃO atingido"


def medir_get(porta, caminho, cabecalhos, repeticoes, aquecimento=2):
    """Median and p95 (ms) of `repeticoes` GETs on one keep-alive connection, plus the last body."""
    conexao = HTTPConnection("127.0.0.1", porta, timeout=60)
    tempos, corpo = [], None
    try:
        for i in range(aquecimento + repeticoes):
            antes = time.perf_counter()
            conexao.request("GET", caminho, headers=cabecalhos)
            resposta = conexao.getresponse()
            corpo = resposta.read()
            depois = time.perf_counter()
            if resposta.status != 200:
                raise RuntimeError(f"{caminho}: HTTP {resposta.status} {corpo[:300]!r}")
            if i >= aquecimento:
                tempos.append((depois - antes) * 1000)
    finally:
        conexao.close()
    return {"mediana": statistics.median(tempos), "p95": percentil(tempos, 95), "corpo": json.loads(corpo)}
