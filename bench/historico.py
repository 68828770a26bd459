"""Latency of a 30-day chart vs. a 1-hour chart (`GET /api/sensor-data/<id>/serie`) for one machine.

    .venv/bin/python -m bench.historico [--dias 30] [--dias-brutos 1] [--repeticoes 15]

The machine has `--dias` of 1 Hz readings in its rollups (minute and hour buckets, built
with nucleo.agregacao.somar and GerenciaAgregados.gravar exactly as the writer does) and the last
`--dias-brutos` of them as raw documents (GerenciaTelemetria.documento, insert_many in
bulk). Rollups are summed by nucleo.agregacao.somar and inserted in bulk as the documents
`gravar` would create (its upserts are O(collection) on nx-27017: see gravar_agregados_novos). A 1-hour chart reads raw readings; 24 h reads minute buckets; 7 and 30 days read hour
buckets, so their cost follows the points returned, not the data stored. The default stores
1 day of raw data (86,400 readings) because loading all 30 days (2.6M) into nx-27017 takes
~11 min; `--dias-brutos 30` does it. Served by gunicorn -w 1 --threads 16, asked as the
machine's owner (JWT from /api/auth/login), one request at a time; median of the runs.
Target: 30 days ≤ 2 × 1 hour.
"""
import argparse
import json
import math
import sys
import time
from datetime import datetime, timedelta, timezone

from MongoDB.gerencia_agregados import HORA_MS, MINUTO_MS, _data
from nucleo.agregacao import somar
from MongoDB.gerencia_BD import AGREGADOS_HORA, AGREGADOS_MINUTO, DADOS_SENSORES
from MongoDB.gerencia_telemetria import chave

from . import comum

ALVO = 2.0
SENHA = "senha-do-bench-123"
JANELAS = [("1 hora", timedelta(hours=1)), ("24 horas", timedelta(days=1)),
           ("7 dias", timedelta(days=7)), ("30 dias", timedelta(days=30))]


def sensores(segundo: int) -> dict:
    """A plausible machine: slow daily temperature cycle, some vibration and voltage ripple."""
    return {"tensao": 220.0 + 5 * math.sin(segundo / 600), "vibracao": 1.5 + (segundo % 17) / 10,
            "temperatura": 45.0 + 15 * math.sin(segundo / 43_200), "rpm": 1500.0 + segundo % 50}


def gerar(servicos, maquina_id, fim: datetime, dias, dias_brutos, lote=5000) -> dict:
    """Rollups for `dias` of 1 Hz data and raw documents for the last `dias_brutos`; returns timings."""
    # Whole hours from the start: a day's buckets never straddle two insert_many batches.
    inicio = (fim - timedelta(days=dias)).replace(minute=0, second=0)
    inicio_brutos = fim - timedelta(days=dias_brutos)
    brutos = servicos.bd.colecao(DADOS_SENSORES)
    tempos = {"brutos_s": 0.0, "agregados_s": 0.0, "brutos": 0}
    segundos_total = int((fim - inicio).total_seconds())
    for dia in range(0, segundos_total, 86_400):
        leituras, documentos = [], []
        for segundo in range(dia, min(dia + 86_400, segundos_total)):
            momento = inicio + timedelta(seconds=segundo)
            valores = sensores(segundo)
            leituras.append((maquina_id, valores, momento))
            if momento >= inicio_brutos:
                documentos.append(servicos.telemetria.documento(maquina_id, {"dados_sensor": valores, "ts": momento, "seq": segundo}, momento))
        antes = time.monotonic()
        for i in range(0, len(documentos), lote):
            brutos.insert_many(documentos[i:i + lote], ordered=False)
        tempos["brutos_s"] += time.monotonic() - antes
        tempos["brutos"] += len(documentos)
        antes = time.monotonic()
        gravar_agregados_novos(servicos, somar(leituras))
        tempos["agregados_s"] += time.monotonic() - antes
    return tempos


def gravar_agregados_novos(servicos, parciais):
    """Buckets from `somar`, inserted with insert_many as the documents `gravar`'s upserts would create.

    Not `GerenciaAgregados.gravar` itself: on nx-27017 an upsert that inserts costs time
    proportional to the collection (25/s at 40k documents), so 43,920 new minute buckets
    would take ~20 min. These buckets are all new, so the resulting documents are the same.
    """
    colecoes = {MINUTO_MS: servicos.agregados.minuto, HORA_MS: servicos.agregados.hora}
    por_colecao = {MINUTO_MS: [], HORA_MS: []}
    for (largura, maquina_id, inicio), parcial in parciais.items():
        chave_balde = chave(maquina_id, inicio)
        por_colecao[largura].append({"_id": chave_balde, "chave": chave_balde, **parcial,
                                     **({"inicio_data": _data(inicio)} if servicos.agregados.guardar_data else {})})
    for largura, documentos in por_colecao.items():
        if documentos:
            colecoes[largura].insert_many(documentos, ordered=False)


def principal(args):
    comum.cabecalho("historico", {"dias de agregados": args.dias, "dias de dados brutos": args.dias_brutos,
                                  "leituras (1 Hz) nos agregados": args.dias * 86_400,
                                  "repetições por janela": args.repeticoes})
    processos = comum.Processos()
    fim = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(seconds=5)
    with comum.pasta_temporaria("historico") as pasta:
        ambiente = comum.ambiente_app(pasta)
        try:
            antes = time.monotonic()
            with comum.servicos_diretos(ambiente) as servicos:
                usuario = servicos.usuarios.criar("bench_historico", SENHA, "Bench", "bench@exemplo.com")
                maquina = comum.criar_maquinas(servicos, 1)[0]
                servicos.maquinas.reivindicar(maquina["id"], maquina["segredo"], usuario["id"], "Moedor 30 dias")
                tempos = gerar(servicos, maquina["id"], fim, args.dias, args.dias_brutos)
                tamanhos = {nome: servicos.bd.colecao(nome).estimated_document_count()
                            for nome in (DADOS_SENSORES, AGREGADOS_MINUTO, AGREGADOS_HORA)}
            print(f"   dados gerados em {time.monotonic() - antes:.0f}s: {tempos['brutos']} brutos em "
                  f"{tempos['brutos_s']:.0f}s ({tempos['brutos'] / max(tempos['brutos_s'], 1e-9):.0f}/s), agregados em "
                  f"{tempos['agregados_s']:.0f}s; documentos: {tamanhos}")

            app = comum.Gunicorn("app:create_app()", ambiente, pasta)
            try:
                app.iniciar()
                processos.registrar(app.processo.pid)
                status, corpo = comum.pedir(app.porta, "POST", "/api/auth/login",
                                            {"nome_usuario": "bench_historico", "senha": SENHA})
                if status != 200:
                    raise RuntimeError(f"login: HTTP {status} {corpo[:200]!r}")
                cabecalhos = {"Authorization": f"Bearer {json.loads(corpo)['token']}"}
                ate_ms = int(fim.timestamp() * 1000)
                resultados = {}
                for nome, janela in JANELAS:
                    desde_ms = ate_ms - int(janela.total_seconds() * 1000)
                    caminho = f"/api/sensor-data/{maquina['id']}/serie?desde={desde_ms}&ate={ate_ms}"
                    resultados[nome] = comum.medir_get(app.porta, caminho, cabecalhos, args.repeticoes)
            finally:
                app.parar()
        finally:
            comum.apagar_banco_mongo(ambiente)
            processos.verificar()

    linhas = []
    for nome, medida in resultados.items():
        mediana, p95, corpo = medida["mediana"], medida["p95"], medida["corpo"]
        pontos = corpo["pontos"]
        linhas.append((f"{nome}: mediana / p95 ms", f"{mediana:.1f} / {p95:.1f}", None,
                       f"fonte={corpo['fonte']}, {len(pontos)} pontos de {corpo['largura_s']:.0f}s, "
                       f"{sum(p['n'] for p in pontos)} leituras resumidas"))
    r = comum.razao(resultados["30 dias"]["mediana"], resultados["1 hora"]["mediana"])
    linhas.append(("30 dias ÷ 1 hora (medianas)", f"{r:.2f}×", f"≤ {ALVO}×", comum.status_alvo(r <= ALVO)))
    linhas.append(("documentos armazenados", json.dumps(tamanhos), None, None))
    comum.imprimir_tabela(f"GET /serie, 1 máquina, {args.dias} dias a 1 Hz, {comum.banco_em_uso()}", linhas)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dias", type=int, default=30, help="dias de dados a 1 Hz nos agregados (padrão 30)")
    parser.add_argument("--dias-brutos", "--tamanho", type=float, default=1.0,
                        help="dias mais recentes guardados também como leituras brutas (padrão 1; 30 = tudo, ~11 min)")
    parser.add_argument("--repeticoes", type=int, default=15, help="pedidos medidos por janela (padrão 15)")
    args = parser.parse_args(argv)
    if args.dias_brutos > args.dias:
        parser.error("--dias-brutos não pode passar de --dias")
    return principal(args)


if __name__ == "__main__":
    sys.exit(main())
