"""Per-machine 1-minute and 1-hour rollups, kept at ingest, and chart series built from them.

Each bucket document holds count, sum, min and max of every sensor, maintained
with `$inc`/`$min`/`$max` upserts that behave the same on MongoDB and on the
embedded nx-27017. Field names are flat (`soma_tensao`, not `soma.tensao`):
nx-27017 turns dotted paths in an upsert's insert into literal keys.
A bucket's `_id` is "<maquina_id>:<13-digit epoch ms of its start>", so the upsert
finds it by `_id`; `chave` holds the same string under a single-field index for range
queries (nx-27017 scans on compound indexes and on `_id` ranges): the one field stored
twice, because nx-27017 leaves no other way to have both. The machine and the start are
read back from `chave`. `inicio_data`, the start as a date, is stored on MongoDB only,
for its TTL index (the embedded store is purged by nucleo/retencao.py).
"""
from datetime import datetime, timedelta, timezone

from pymongo import UpdateOne

from .gerencia_BD import AGREGADOS_HORA, AGREGADOS_MINUTO, maquinas_nas_chaves
from .gerencia_telemetria import chave

MINUTO_MS, HORA_MS = 60_000, 3_600_000
# Which data answers a chart: the finest whose document count stays small.
BRUTO_ATE = timedelta(hours=1)
MINUTO_ATE = timedelta(days=3)
PONTOS_MAXIMOS = 1000
# Buckets read per query: no single query keeps nx-27017 busy for long.
BALDES_POR_CONSULTA = 500


def _ms(momento: datetime) -> int:
    return int(momento.timestamp() * 1000)


def _data(milissegundos: int) -> datetime:
    return datetime.fromtimestamp(milissegundos / 1000, timezone.utc)


class GerenciaAgregados:
    """Rollup buckets of the sensors in `sensores` (nucleo/contrato.py), written by the writer."""

    def __init__(self, bd, telemetria, guardar_data=False):
        self.telemetria = telemetria  # raw readings answer the shortest charts
        self.sensores = telemetria.sensores
        self.minuto = bd.colecao(AGREGADOS_MINUTO)
        self.hora = bd.colecao(AGREGADOS_HORA)
        self.guardar_data = guardar_data

    def gravar(self, parciais: dict):
        """Apply partial buckets (nucleo/agregacao.py `somar`): one upsert per (resolution, machine, bucket),
        sent as one command per resolution (one round trip each was a tenth of the writer's time)."""
        operacoes = {MINUTO_MS: [], HORA_MS: []}
        for (largura, maquina_id, inicio), parcial in parciais.items():
            chave_balde = chave(maquina_id, inicio)
            no_insert = {"chave": chave_balde, **({"inicio_data": _data(inicio)} if self.guardar_data else {})}
            operacoes[largura].append(UpdateOne(
                {"_id": chave_balde},
                {"$inc": {campo: valor for campo, valor in parcial.items() if campo == "n" or campo.startswith("soma_")},
                 "$min": {campo: valor for campo, valor in parcial.items() if campo.startswith("min_")},
                 "$max": {campo: valor for campo, valor in parcial.items() if campo.startswith("max_")},
                 "$setOnInsert": no_insert},
                upsert=True,
            ))
        for largura, colecao in ((MINUTO_MS, self.minuto), (HORA_MS, self.hora)):
            if operacoes[largura]:
                colecao.bulk_write(operacoes[largura], ordered=False)

    # ---- chart series --------------------------------------------------------
    def serie(self, maquina_id, desde: datetime, ate: datetime, pontos_maximos=PONTOS_MAXIMOS, silencio_s=45) -> dict:
        """min/avg/max per bucket, at most `pontos_maximos` buckets, read from raw, minute or hour data.

        Empty buckets between data are returned as gaps (values None) so a chart
        draws the time the device was silent (longer than `silencio_s`, the heartbeat
        timeout) as a break, not a line.
        """
        inicio_ms, fim_ms = _ms(desde), _ms(ate)
        intervalo = ate - desde
        if intervalo <= BRUTO_ATE:
            fonte, blocos = "bruto", self._de_brutos(maquina_id, desde, ate)
            resolucao_ms = 1000
        elif intervalo <= MINUTO_ATE:
            fonte, blocos, resolucao_ms = "minuto", self._de_baldes(self.minuto, maquina_id, inicio_ms, fim_ms), MINUTO_MS
        else:
            fonte, blocos, resolucao_ms = "hora", self._de_baldes(self.hora, maquina_id, inicio_ms, fim_ms), HORA_MS
        largura_ms = max(resolucao_ms, -(-(fim_ms - inicio_ms) // pontos_maximos))
        largura_ms = -(-largura_ms // resolucao_ms) * resolucao_ms  # whole source buckets only
        pontos = _reagrupar(blocos, largura_ms, self.sensores)
        lacuna_ms = max(2 * largura_ms, silencio_s * 1000)
        return {"fonte": fonte, "largura_s": largura_ms / 1000,
                "pontos": _com_lacunas(pontos, largura_ms, lacuna_ms, self.sensores)}

    def _de_brutos(self, maquina_id, desde, ate):
        for leitura in self.telemetria.percorrer(maquina_id, desde, ate):
            valores = leitura["dados_sensor"]
            yield _ms(leitura["timestamp"]), 1, {s: (valores[s], valores[s], valores[s]) for s in self.sensores}

    def _de_baldes(self, colecao, maquina_id, inicio_ms, fim_ms):
        """Buckets starting in [inicio_ms, fim_ms], BALDES_POR_CONSULTA per query, oldest first."""
        largura = MINUTO_MS if colecao is self.minuto else HORA_MS
        while inicio_ms <= fim_ms:
            ate_ms = min(inicio_ms + BALDES_POR_CONSULTA * largura, fim_ms + 1)
            for doc in colecao.find({"chave": {"$gte": chave(maquina_id, inicio_ms),
                                               "$lt": chave(maquina_id, ate_ms)}}).sort("chave", 1):
                yield (int(doc["chave"].rsplit(":", 1)[1]), doc["n"],
                       {s: (doc[f"soma_{s}"], doc[f"min_{s}"], doc[f"max_{s}"]) for s in self.sensores})
            inicio_ms = ate_ms

    def baldes_minuto(self, maquina_id, desde, ate):
        """The machine's minute buckets in [desde, ate], oldest first, as (start ms, readings, {sensor: (sum, min, max)})."""
        return self._de_baldes(self.minuto, maquina_id, _ms(desde), _ms(ate))

    def maquinas(self):
        """Every machine with stored buckets (removed machines too): one indexed seek each."""
        return maquinas_nas_chaves(self.minuto, "chave")

    def apagar_antes(self, maquina_id, antes, lote) -> int:
        """Delete up to `lote` buckets of `maquina_id` that start before `antes`, in both resolutions."""
        apagados = 0
        for colecao in (self.minuto, self.hora):
            ids = [doc["_id"] for doc in colecao.find({"chave": {"$gte": chave(maquina_id, 0),
                                                                 "$lt": chave(maquina_id, _ms(antes))}},
                                                      {"_id": 1}).sort("chave", 1).limit(lote)]
            if ids:
                apagados += colecao.delete_many({"_id": {"$in": ids}}).deleted_count
        return apagados


def _reagrupar(blocos, largura_ms, sensores):
    """Merge source blocks (start, count, {sensor: (sum, min, max)}) into buckets of `largura_ms`."""
    pontos = []
    atual = None
    for inicio, contagem, valores in blocos:
        balde = inicio // largura_ms * largura_ms
        if atual is None or atual["inicio"] != balde:
            atual = {"inicio": balde, "n": 0, **{s: [0.0, float("inf"), float("-inf")] for s in sensores}}
            pontos.append(atual)
        atual["n"] += contagem
        for sensor, (soma, minimo, maximo) in valores.items():
            acumulado = atual[sensor]
            acumulado[0] += soma
            acumulado[1] = min(acumulado[1], minimo)
            acumulado[2] = max(acumulado[2], maximo)
    return [{"t": _data(p["inicio"]), "n": p["n"],
             **{s: {"min": p[s][1], "med": p[s][0] / p["n"], "max": p[s][2]} for s in sensores}} for p in pontos]


def _com_lacunas(pontos, largura_ms, lacuna_ms, sensores):
    """Insert one empty point where consecutive buckets are more than `lacuna_ms` apart."""
    resultado = []
    for ponto in pontos:
        if resultado and _ms(ponto["t"]) - _ms(resultado[-1]["t"]) > lacuna_ms:
            resultado.append({"t": _data(_ms(resultado[-1]["t"]) + largura_ms), "n": 0, **{s: None for s in sensores}})
        resultado.append(ponto)
    return resultado
