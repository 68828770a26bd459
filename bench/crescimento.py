"""Do reads stay flat as the embedded store grows? Charts, lists, waits, the writer's share and bytes per reading.

    .venv/bin/python -m bench.crescimento [--tamanhos 100000,1000000,3000000] [--maquinas 300]

One data folder grows through the sizes (readings stored in `dados_sensores`); at each size the
same reads are timed, so any slowdown is the store's size and nothing else:

- **Loading** goes straight into the store, not through MQTT: readings are built by the product's
  own `GerenciaTelemetria.documento` (the stored shape: `_id`, `k`, `v`, `s`) and inserted with
  `insert_many(ordered=False)` in batches of `--lote`; their rollups are folded by
  `nucleo.agregacao.somar`, new minute buckets inserted in bulk as the documents
  `GerenciaAgregados.gravar` creates, hour buckets written by `gravar` itself (its upserts by `_id`).
- **The charted machine** (machine 0 of `--maquinas`, all claimed by one operator) has the same data
  at every size: 30 days of rollups and its last `--horas-brutas` hours as raw readings, ending at
  the bench's start. The other machines get the rest, 1 Hz each, further back in time at each size.
- **Reads**, under `gunicorn -w 1 --threads 16` as the machine's owner, median and p95 of
  `--repeticoes` after 2 warm-ups: `GET /api/sensor-data/<id>/serie` for 1 h, 24 h and 30 days,
  the last-100 list `GET /api/sensor-data/<id>`, and the dashboard's `GET /api/machines`.
- **Worst wait**: while one client asks for the three charts back to back, another sends a device
  `POST /api/sensor-data` and a `GET /api/machines/<id>` every `--intervalo-espera` s; the worst
  latency of each (and the same requests alone, for reference).
- **The writer's share**: the product's writer (`Gravador`, with the alarm engine on, as
  `ALARMES_ATIVOS` defaults) in this process, fed 300 machines × 1 Hz as the MQTT adapter feeds it
  (one `Pedido` per message) for `--gravacao-s` seconds; the time its thread spends in database
  commands (pymongo command monitoring: from send to reply) ÷ wall time. The app then runs with
  `HEARTBEAT_TIMEOUT=86400`, so those machines stay online and no wave of offline alarms lands in
  the middle of the reads: every size reads the same dashboard.
- **Bytes per reading**: the SQLite files (`databutcher.db*`, after the store is stopped) ÷ readings
  stored, and the growth between two sizes ÷ the readings added.

Targets (issue 10): every read at the largest size ≤ 1.3 × the same read at the smallest; the 1-hour
chart ≤ 200 ms at 3M readings; worst wait ≤ 100 ms; writer in the store ≤ 25 % of the time;
≤ 300 bytes per reading. Loading runs at a few thousand readings/s on nx-27017: 3M take a while
(the first line after each load prints the rate).
"""
import argparse
import json
import math
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.client import HTTPConnection

from pymongo import monitoring

from MongoDB.gerencia_agregados import HORA_MS, MINUTO_MS, _data
from MongoDB.gerencia_BD import AGREGADOS_HORA, AGREGADOS_MINUTO, DADOS_SENSORES
from MongoDB.gerencia_telemetria import chave
from nucleo.agregacao import somar
from nucleo.gravador import Pedido

from . import comum

SENHA = "senha-do-bench-123"
RAZAO_MAXIMA = 1.3
UMA_HORA_MAXIMO_MS = 200.0
ESPERA_MAXIMA_MS = 100.0
FRACAO_GRAVADOR_MAXIMA = 0.25
BYTES_MAXIMOS = 300
HEARTBEAT_TIMEOUT_S = 86_400
JANELAS = [("1 hora", timedelta(hours=1)), ("24 horas", timedelta(days=1)), ("30 dias", timedelta(days=30))]


def sensores(segundo: int) -> dict:
    """A plausible machine: slow daily temperature cycle, some vibration and voltage ripple."""
    return {"tensao": 220.0 + 5 * math.sin(segundo / 600), "vibracao": 1.5 + (segundo % 17) / 10,
            "temperatura": 45.0 + 15 * math.sin(segundo / 43_200), "rpm": 1500.0 + segundo % 50}


# ---- loading -------------------------------------------------------------------------------
class Carregador:
    """Puts readings and their rollups into the store in the product's stored shape, in bulk."""

    def __init__(self, servicos, lote):
        self.servicos, self.lote = servicos, lote
        self.brutos = servicos.bd.colecao(DADOS_SENSORES)
        self.segundos = 0.0
        self.leituras = 0

    def carregar(self, leituras, baldes_novos=True):
        """leituras: [(maquina_id, segundo, momento)]. Minute buckets must be new (whole minutes only);
        hour buckets are upserted by `gravar` when `baldes_novos` is false (they may already hold data)."""
        antes = time.monotonic()
        documentos, somadas = [], []
        for maquina_id, segundo, momento in leituras:
            valores = sensores(segundo)
            documentos.append(self.servicos.telemetria.documento(
                maquina_id, {"dados_sensor": valores, "ts": momento, "seq": segundo}, momento))
            somadas.append((maquina_id, valores, momento))
        for i in range(0, len(documentos), self.lote):
            self.brutos.insert_many(documentos[i:i + self.lote], ordered=False)
        self.gravar_baldes(somar(somadas), baldes_novos)
        self.segundos += time.monotonic() - antes
        self.leituras += len(documentos)

    def gravar_baldes(self, parciais, todos_novos):
        """New buckets inserted as the documents `gravar`'s upserts create; hours via `gravar` unless all new.

        Not `gravar` for everything: one upsert per bucket is one round trip (~1 ms) on nx-27017, and
        the 30 days of the charted machine alone are 43,920 buckets."""
        agregados = self.servicos.agregados
        novos = {MINUTO_MS: [], HORA_MS: []}
        horas = {}
        for (largura, maquina_id, inicio), parcial in parciais.items():
            if largura == HORA_MS and not todos_novos:
                horas[(largura, maquina_id, inicio)] = parcial
                continue
            chave_balde = chave(maquina_id, inicio)
            novos[largura].append({"_id": chave_balde, "chave": chave_balde, **parcial,
                                   **({"inicio_data": _data(inicio)} if agregados.guardar_data else {})})
        for largura, colecao in ((MINUTO_MS, agregados.minuto), (HORA_MS, agregados.hora)):
            for i in range(0, len(novos[largura]), self.lote):
                colecao.insert_many(novos[largura][i:i + self.lote], ordered=False)
        if horas:
            agregados.gravar(horas)


def carregar_alvo(carregador, maquina_id, fim: datetime, horas_brutas):
    """30 days of rollups for the charted machine, the last `horas_brutas` also raw, a day at a time."""
    inicio = (fim - timedelta(days=30)).replace(minute=0)  # whole hours: a day never splits an hour bucket
    inicio_brutos = fim - timedelta(hours=horas_brutas)
    total = int((fim - inicio).total_seconds())
    for dia in range(0, total, 86_400):
        brutas, somadas = [], []
        for segundo in range(dia, min(dia + 86_400, total)):
            momento = inicio + timedelta(seconds=segundo)
            if momento >= inicio_brutos:
                brutas.append((maquina_id, segundo, momento))
            else:
                somadas.append((maquina_id, sensores(segundo), momento))
        if somadas:
            carregador.gravar_baldes(somar(somadas), todos_novos=True)
        if brutas:
            # The raw day shares its hour buckets with the rollup-only part before it: upsert those.
            carregador.carregar(brutas, baldes_novos=False)


def carregar_outras(carregador, maquinas, fim: datetime, minutos_de, minutos_ate, minutos_por_pedaco=10):
    """1 Hz readings of every other machine for the minutes [minutos_de, minutos_ate) before `fim`, newest first."""
    for pedaco in range(minutos_de, minutos_ate, minutos_por_pedaco):
        ultimo = min(pedaco + minutos_por_pedaco, minutos_ate)
        comeco = fim - timedelta(minutes=ultimo)
        leituras = [(maquina_id, s, comeco + timedelta(seconds=s))
                    for s in range((ultimo - pedaco) * 60) for maquina_id in maquinas]
        carregador.carregar(leituras, baldes_novos=False)


# ---- the writer's share of time in the store ------------------------------------------------
class TempoNoBanco(monitoring.CommandListener):
    """Sums the duration of every database command run by the writer's thread."""

    def __init__(self, thread="gravador-telemetria"):
        self.thread, self.micros, self.comandos, self.ligado = thread, 0, 0, False

    def started(self, event):
        pass

    def succeeded(self, event):
        self._somar(event)

    def failed(self, event):
        self._somar(event)

    def _somar(self, event):
        if self.ligado and threading.current_thread().name == self.thread:
            self.micros += event.duration_micros
            self.comandos += 1


def medir_gravador(servicos, maquinas, segundos, tempo_no_banco, fatias=10) -> dict:
    """300 machines × 1 Hz for `segundos`: one Pedido per message, spread over each second as devices are."""
    concluidos, erros = [0], [0]

    def ao_concluir(pedido):
        concluidos[0] += 1
        erros[0] += pedido.erro is not None

    servicos.gravador.enfileirar(Pedido(maquinas[0], datetime.now(timezone.utc), leituras=[]))  # start the thread
    servicos.gravador.esvaziar()
    tempo_no_banco.micros, tempo_no_banco.comandos, tempo_no_banco.ligado = 0, 0, True
    inicio = time.monotonic()
    enviados = 0
    por_fatia = -(-len(maquinas) // fatias)
    for segundo in range(segundos):
        for fatia in range(fatias):
            alvo = inicio + segundo + fatia / fatias
            time.sleep(max(0.0, alvo - time.monotonic()))
            agora = datetime.now(timezone.utc)
            agora = agora.replace(microsecond=agora.microsecond // 1000 * 1000)  # what BSON keeps
            for maquina_id in maquinas[fatia * por_fatia:(fatia + 1) * por_fatia]:
                leitura = {"dados_sensor": sensores(segundo), "ts": agora, "seq": 10**6 + segundo}
                servicos.gravador.enfileirar(Pedido(maquina_id, agora, leituras=[leitura], ao_concluir=ao_concluir))
                enviados += 1
    time.sleep(max(0.0, inicio + segundos - time.monotonic()))
    servicos.gravador.esvaziar(30)
    parede = time.monotonic() - inicio
    tempo_no_banco.ligado = False
    return {"fracao": tempo_no_banco.micros / 1e6 / parede, "no_banco_s": tempo_no_banco.micros / 1e6,
            "parede_s": parede, "comandos": tempo_no_banco.comandos, "enviadas": enviados,
            "concluidas": concluidos[0], "erros": erros[0]}


# ---- reads over HTTP --------------------------------------------------------------------------


def esperas(porta, pedidos, segundos, intervalo_s, carga=None) -> dict:
    """Worst and p95 latency (ms) of each of `pedidos` [(nome, método, caminho, corpo(), cabeçalhos)] sent every
    `intervalo_s` for `segundos`, while `carga` (a function run in a loop in another thread) runs."""
    parar = threading.Event()
    feitos = [0]

    def repetir():
        while not parar.is_set():
            carga()
            feitos[0] += 1

    fundo = threading.Thread(target=repetir, daemon=True) if carga else None
    if fundo:
        fundo.start()
        time.sleep(0.5)
    tempos = {nome: [] for nome, *_ in pedidos}
    falhas = {nome: 0 for nome, *_ in pedidos}
    limite = time.monotonic() + segundos
    try:
        while time.monotonic() < limite:
            proximo = time.monotonic() + intervalo_s
            for nome, metodo, caminho, corpo, cabecalhos in pedidos:
                antes = time.perf_counter()
                status, _ = comum.pedir(porta, metodo, caminho, corpo(), cabecalhos, timeout=30)
                tempos[nome].append((time.perf_counter() - antes) * 1000)
                falhas[nome] += not 200 <= status < 300
            time.sleep(max(0.0, proximo - time.monotonic()))
    finally:
        parar.set()
        if fundo:
            fundo.join(120)
    return {nome: {"max": max(t), "p95": comum.percentil(t, 95), "n": len(t), "falhas": falhas[nome]}
            for nome, t in tempos.items()} | {"graficos_no_fundo": feitos[0]}


def medir_leituras(app, maquinas, cabecalhos, fim, args) -> dict:
    alvo = maquinas[0]["id"]
    ate_ms = int(fim.timestamp() * 1000)
    resultado = {}
    caminhos = {}
    for nome, janela in JANELAS:
        caminhos[nome] = f"/api/sensor-data/{alvo}/serie?desde={ate_ms - int(janela.total_seconds() * 1000)}&ate={ate_ms}"
        resultado[f"gráfico {nome}"] = comum.medir_get(app.porta, caminhos[nome], cabecalhos, args.repeticoes)
    resultado["últimas 100 leituras"] = comum.medir_get(app.porta, f"/api/sensor-data/{alvo}", cabecalhos, args.repeticoes)
    resultado[f"painel /api/machines ({len(maquinas)})"] = comum.medir_get(app.porta, "/api/machines", cabecalhos, args.repeticoes)

    outra = maquinas[1]
    contador = iter(range(10**9))

    def leitura_do_dispositivo():
        n = next(contador)
        return {"maquina_id": outra["id"], "tensao": 221.0, "vibracao": 1.4, "temperatura": 41.0, "rpm": 1490,
                "ts": int(time.time() * 1000), "seq": 2 * 10**6 + n}

    pedidos = [("POST /api/sensor-data (dispositivo)", "POST", "/api/sensor-data", leitura_do_dispositivo,
                {"Authorization": f"Bearer {outra['token']}"}),
               ("GET /api/machines/<id>", "GET", f"/api/machines/{outra['id']}", lambda: None, cabecalhos)]
    conexao_graficos = HTTPConnection("127.0.0.1", app.porta, timeout=60)

    def graficos():
        for caminho in caminhos.values():
            conexao_graficos.request("GET", caminho, headers=cabecalhos)
            conexao_graficos.getresponse().read()

    resultado["esperas sozinho"] = esperas(app.porta, pedidos, args.segundos_espera / 2, args.intervalo_espera)
    try:
        resultado["esperas com gráficos"] = esperas(app.porta, pedidos, args.segundos_espera, args.intervalo_espera,
                                                    carga=graficos)
    finally:
        conexao_graficos.close()
    return resultado


def tamanho_arquivos(pasta) -> int:
    return sum(arquivo.stat().st_size for arquivo in pasta.glob("databutcher.db*"))


# ---- the run ---------------------------------------------------------------------------------
def principal(args):
    tamanhos = sorted(args.tamanhos)
    comum.cabecalho("crescimento", {"leituras": ",".join(f"{t:,}" for t in tamanhos), "máquinas": args.maquinas,
                                    "máquina do gráfico": f"30 dias de agregados, últimas {args.horas_brutas} h brutas",
                                    "lote": args.lote, "repetições": args.repeticoes,
                                    "gravador": f"{args.maquinas} máquinas × 1 Hz por {args.gravacao_s} s"})
    tempo_no_banco = TempoNoBanco()
    monitoring.register(tempo_no_banco)  # before any client exists: only clients created later report
    processos = comum.Processos()
    fim = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=1)
    por_minuto = (args.maquinas - 1) * 60  # readings in one minute of the other machines' history
    medidas = []
    with comum.pasta_temporaria("crescimento") as pasta:
        # Machines that spoke in the writer's run stay online through the run (no wave of offline
        # alarms in the middle of the reads), so every size reads the same dashboard.
        ambiente = comum.ambiente_app(pasta, HEARTBEAT_TIMEOUT=HEARTBEAT_TIMEOUT_S)
        try:
            minutos_carregados = 0
            with comum.servicos_diretos(ambiente) as servicos:
                usuario = servicos.usuarios.criar("bench_crescimento", SENHA, "Bench", "bench@exemplo.com")
                maquinas = comum.criar_maquinas(servicos, args.maquinas)
                for i, maquina in enumerate(maquinas):
                    servicos.maquinas.reivindicar(maquina["id"], maquina["segredo"], usuario["id"], f"Máquina {i:03d}")
                carregador = Carregador(servicos, args.lote)
                antes = time.monotonic()
                carregar_alvo(carregador, maquinas[0]["id"], fim, args.horas_brutas)
                print(f"   máquina do gráfico: {carregador.leituras:,} leituras brutas + 30 dias de agregados "
                      f"em {time.monotonic() - antes:.0f}s", flush=True)
            for tamanho in tamanhos:
                medida = {"alvo": tamanho, "carga_1min": comum.maquina_de_teste()["carga_1min"]}
                with comum.servicos_diretos(ambiente) as servicos:
                    carregador = Carregador(servicos, args.lote)
                    existentes = servicos.bd.colecao(DADOS_SENSORES).estimated_document_count()
                    minutos = max(minutos_carregados, minutos_carregados + round((tamanho - existentes) / por_minuto))
                    carregar_outras(carregador, [m["id"] for m in maquinas[1:]], fim, minutos_carregados, minutos)
                    minutos_carregados = minutos
                    taxa = carregador.leituras / carregador.segundos if carregador.segundos else float("nan")
                    print(f"   {tamanho:,}: {carregador.leituras:,} leituras carregadas em {carregador.segundos:.0f}s "
                          f"({taxa:,.0f}/s, agregados incluídos)", flush=True)
                    medida["carga_por_s"] = taxa
                    medida["gravador"] = medir_gravador(servicos, [m["id"] for m in maquinas], args.gravacao_s,
                                                        tempo_no_banco)
                    print(f"   gravador: {json.dumps(medida['gravador'])}", flush=True)
                    medida["documentos"] = {nome: servicos.bd.colecao(nome).estimated_document_count()
                                            for nome in (DADOS_SENSORES, AGREGADOS_MINUTO, AGREGADOS_HORA)}
                medida["bytes"] = tamanho_arquivos(pasta)
                app = comum.Gunicorn("app:create_app()", ambiente, pasta)
                try:
                    app.iniciar(espera_s=300)
                    processos.registrar(app.processo.pid)
                    status, corpo = comum.pedir(app.porta, "POST", "/api/auth/login",
                                                {"nome_usuario": "bench_crescimento", "senha": SENHA})
                    if status != 200:
                        raise RuntimeError(f"login: HTTP {status} {corpo[:200]!r}")
                    cabecalhos = {"Authorization": f"Bearer {json.loads(corpo)['token']}"}
                    medida["leituras"] = medir_leituras(app, maquinas, cabecalhos, fim, args)
                finally:
                    app.parar()
                medidas.append(medida)
                imprimir_medida(medida)
        finally:
            comum.apagar_banco_mongo(ambiente)
            processos.verificar()
    imprimir_resumo(medidas)
    return 0


def imprimir_medida(m):
    n = m["documentos"][DADOS_SENSORES]
    linhas = [("carga média 1 min antes do tamanho", f"{m['carga_1min']:.2f}", None, None)]
    for nome, r in m["leituras"].items():
        if nome.startswith("esperas"):
            for pedido, e in r.items():
                if pedido != "graficos_no_fundo":
                    linhas.append((f"{nome}: {pedido} máx / p95 ms", f"{e['max']:.1f} / {e['p95']:.1f}", None,
                                   f"{e['n']} pedidos, {e['falhas']} falhas"))
            if "graficos_no_fundo" in r and r["graficos_no_fundo"]:
                linhas.append((f"{nome}: rodadas de 3 gráficos no fundo", r["graficos_no_fundo"], None, None))
            continue
        corpo = r["corpo"]
        detalhe = (f"fonte={corpo['fonte']}, {len(corpo['pontos'])} pontos, {sum(p['n'] for p in corpo['pontos'])} leituras"
                   if isinstance(corpo, dict) and "fonte" in corpo else f"{_itens(corpo)} itens")
        linhas.append((f"{nome}: mediana / p95 ms", f"{r['mediana']:.1f} / {r['p95']:.1f}", None, detalhe))
    g = m["gravador"]
    linhas.append(("gravador no banco (300 × 1 Hz)", f"{100 * g['fracao']:.1f} %", None,
                   f"{g['no_banco_s']:.2f}s de {g['parede_s']:.1f}s, {g['comandos']} comandos, "
                   f"{g['concluidas']}/{g['enviadas']} gravadas, {g['erros']} erros"))
    linhas.append(("bytes por leitura (arquivos ÷ leituras)", f"{m['bytes'] / n:.0f}", None,
                   f"{m['bytes'] / 1e6:.0f} MB, {n:,} leituras"))
    linhas.append(("documentos", json.dumps(m["documentos"]), None, None))
    comum.imprimir_tabela(f"{n:,} leituras guardadas ({m['carga_por_s']:,.0f} leituras/s na carga), {comum.banco_em_uso()}",
                          linhas)


def _itens(corpo) -> int:
    if isinstance(corpo, list):
        return len(corpo)
    return next((len(v) for v in corpo.values() if isinstance(v, list)), 0)


def _espera_maxima(m):
    return max(e["max"] for nome, e in m["leituras"]["esperas com gráficos"].items() if nome != "graficos_no_fundo")


def imprimir_resumo(medidas):
    """Ratios to the issue-10 targets: largest vs smallest size, and absolute targets at the largest."""
    menor, maior = medidas[0], medidas[-1]
    n_menor, n_maior = (m["documentos"][DADOS_SENSORES] for m in (menor, maior))
    linhas = []
    for nome, r in maior["leituras"].items():
        if nome.startswith("esperas"):
            continue
        razao = comum.razao(r["mediana"], menor["leituras"][nome]["mediana"])
        linhas.append((f"{nome}: mediana {n_maior:,} ÷ {n_menor:,}",
                       f"{r['mediana']:.1f} ÷ {menor['leituras'][nome]['mediana']:.1f} ms = {razao:.2f}×",
                       f"≤ {RAZAO_MAXIMA}×", comum.status_alvo(razao <= RAZAO_MAXIMA)))
    uma_hora = maior["leituras"]["gráfico 1 hora"]["mediana"]
    linhas.append((f"gráfico 1 hora a {n_maior:,} (mediana)", f"{uma_hora:.1f} ms", f"≤ {UMA_HORA_MAXIMO_MS:.0f} ms",
                   f"{uma_hora / UMA_HORA_MAXIMO_MS:.2f}× ({comum.status_alvo(uma_hora <= UMA_HORA_MAXIMO_MS)})"
                   + ("" if n_maior >= 3_000_000 else f"; alvo é a 3M, medido a {n_maior:,}")))
    for m in medidas:
        n = m["documentos"][DADOS_SENSORES]
        espera = _espera_maxima(m)
        linhas.append((f"pior espera com gráficos a {n:,}", f"{espera:.1f} ms", f"≤ {ESPERA_MAXIMA_MS:.0f} ms",
                       f"{espera / ESPERA_MAXIMA_MS:.2f}× ({comum.status_alvo(espera <= ESPERA_MAXIMA_MS)})"))
    for m in medidas:
        n, fracao = m["documentos"][DADOS_SENSORES], m["gravador"]["fracao"]
        linhas.append((f"gravador no banco a {n:,}", f"{100 * fracao:.1f} %", f"≤ {100 * FRACAO_GRAVADOR_MAXIMA:.0f} %",
                       f"{fracao / FRACAO_GRAVADOR_MAXIMA:.2f}× ({comum.status_alvo(fracao <= FRACAO_GRAVADOR_MAXIMA)})"))
    for m in medidas:
        n = m["documentos"][DADOS_SENSORES]
        por = m["bytes"] / n
        linhas.append((f"bytes por leitura a {n:,}", f"{por:.0f}", f"≤ {BYTES_MAXIMOS}",
                       f"{por / BYTES_MAXIMOS:.2f}× ({comum.status_alvo(por <= BYTES_MAXIMOS)})"))
    for antes, depois in zip(medidas, medidas[1:]):
        novas = depois["documentos"][DADOS_SENSORES] - antes["documentos"][DADOS_SENSORES]
        if novas > 0:
            linhas.append((f"bytes por leitura acrescentada ({antes['alvo']:,} → {depois['alvo']:,})",
                           f"{(depois['bytes'] - antes['bytes']) / novas:.0f}", None, f"{novas:,} leituras a mais"))
    comum.imprimir_tabela("Alvos da issue 10 (razões medidas nesta execução)", linhas)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tamanhos", type=lambda s: [int(x) for x in s.split(",")], default=[100_000, 1_000_000, 3_000_000],
                        help="leituras guardadas em cada medição, separadas por vírgula (padrão 100000,1000000,3000000)")
    parser.add_argument("--maquinas", type=int, default=300, help="máquinas do operador (padrão 300)")
    parser.add_argument("--horas-brutas", type=int, default=2, help="horas de leituras brutas da máquina do gráfico (padrão 2)")
    parser.add_argument("--lote", type=int, default=10_000, help="documentos por insert_many na carga (padrão 10000)")
    parser.add_argument("--repeticoes", type=int, default=15, help="pedidos medidos por leitura (padrão 15)")
    parser.add_argument("--gravacao-s", type=int, default=20, help="segundos do gravador a 1 Hz por máquina (padrão 20)")
    parser.add_argument("--segundos-espera", type=float, default=20.0, help="segundos medindo a pior espera (padrão 20)")
    parser.add_argument("--intervalo-espera", type=float, default=0.1, help="s entre pedidos de espera (padrão 0.1)")
    args = parser.parse_args(argv)
    if args.maquinas < 2:
        parser.error("--maquinas precisa de pelo menos 2 (uma no gráfico, outra nas esperas)")
    return principal(args)


if __name__ == "__main__":
    sys.exit(main())
