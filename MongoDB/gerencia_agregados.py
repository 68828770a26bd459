"""Per-machine 1-minute and 1-hour rollups, kept at ingest, and chart series built from them.

Each bucket document holds count, sum, min and max of every sensor, maintained
with `$inc`/`$min`/`$max` upserts that behave the same on MongoDB and on the
embedded nx-27017. Field names are flat (`soma_tensao`, not `soma.tensao`):
nx-27017 turns dotted paths in an upsert's insert into literal keys.
A bucket's `_id` is "<maquina_id>:<13-digit epoch ms of its start>", so the upsert
finds it by `_id`; `chave` holds the same string under a single-field index for range
queries (nx-27017 scans on compound indexes and on `_id` ranges). `inicio_data` is the
start as a date, set on insert only, for the TTL index.
"""
from datetime import datetime, timedelta, timezone

from .gerencia_BD import AGREGADOS_HORA, AGREGADOS_MINUTO, DADOS_SENSORES
from .gerencia_telemetria import chave_tempo, faixa_de_tempo

MINUTO_MS, HORA_MS = 60_000, 3_600_000
# Which data answers a chart: the finest whose document count stays small.
BRUTO_ATE = timedelta(hours=1)
MINUTO_ATE = timedelta(days=3)
PONTOS_MAXIMOS = 1000


def _ms(momento: datetime) -> int:
    return int(momento.timestamp() * 1000)


def _data(milissegundos: int) -> datetime:
    return datetime.fromtimestamp(milissegundos / 1000, timezone.utc)


class GerenciaAgregados:
    """Rollup buckets of the sensors in `sensores` (nucleo/contrato.py), written by the writer."""

    def __init__(self, bd, sensores):
        self.sensores = tuple(sensores)
        self.minuto = bd.colecao(AGREGADOS_MINUTO)
        self.hora = bd.colecao(AGREGADOS_HORA)
        self.brutos = bd.colecao(DADOS_SENSORES)

    def gravar(self, parciais: dict):
        """Apply partial buckets (nucleo/agregacao.py `somar`): one upsert per (resolution, machine, bucket)."""
        colecoes = {MINUTO_MS: self.minuto, HORA_MS: self.hora}
        for (largura, maquina_id, inicio), parcial in parciais.items():
            chave = chave_tempo(maquina_id, milissegundos=inicio)
            colecoes[largura].update_one(
                {"_id": chave},
                {"$inc": {campo: valor for campo, valor in parcial.items() if campo == "n" or campo.startswith("soma_")},
                 "$min": {campo: valor for campo, valor in parcial.items() if campo.startswith("min_")},
                 "$max": {campo: valor for campo, valor in parcial.items() if campo.startswith("max_")},
                 "$setOnInsert": {"chave": chave, "maquina_id": maquina_id, "inicio": inicio,
                                  "inicio_data": _data(inicio)}},
                upsert=True,
            )

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
        cursor = self.brutos.find({"chave_tempo": faixa_de_tempo(maquina_id, desde, ate)},
                                  {"dados_sensor": 1, "timestamp": 1, "_id": 0}).sort("chave_tempo", 1)
        for doc in cursor:
            sensores = doc["dados_sensor"]
            yield _ms(doc["timestamp"]), 1, {s: (sensores[s], sensores[s], sensores[s]) for s in self.sensores}

    def _de_baldes(self, colecao, maquina_id, inicio_ms, fim_ms):
        faixa = {"$gte": chave_tempo(maquina_id, milissegundos=inicio_ms), "$lte": chave_tempo(maquina_id, milissegundos=fim_ms)}
        cursor = colecao.find({"chave": faixa}).sort("chave", 1)
        for doc in cursor:
            yield doc["inicio"], doc["n"], {s: (doc[f"soma_{s}"], doc[f"min_{s}"], doc[f"max_{s}"]) for s in self.sensores}


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
