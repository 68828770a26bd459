"""Sensor readings (`dados_sensores`), stored lean: one range key, one deterministic id, values in a list.

A stored reading is
    {"_id": <16 chars>, "k": "<maquina_id>:<13-digit epoch ms>", "v": [tensao, vibracao, temperatura, rpm],
     "s": <seq, only when the device sent one>, "r": <ms from device time to reception, only when not 0>,
     "t": <the device time as a date, only on MongoDB, for its TTL index>}
- `_id` is a digest of the reading's identity (machine + device time + sequence): a QoS 1 redelivery
  or an HTTP retry hits the `_id` unique index (error 11000 on MongoDB and nx-27017 alike), so a
  duplicate is known, and its id too, without a lookup. A reading without `ts` gets a random id.
- `k` under a single-field index answers every range, newest or oldest first (nx-27017 scans on
  compound indexes and on `_id` ranges).
Everything else is derived: machine and time from `k`, the sensor names from their order in
`sensores` (nucleo/contrato.py). docs/dados.md has the sizes (about 260 bytes per reading on nx-27017).
"""
import base64
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from pymongo.errors import BulkWriteError

from .gerencia_BD import DADOS_SENSORES, agora_utc, maquinas_nas_chaves

LIMITE_PADRAO = 100
LIMITE_MAXIMO = 1000
# Reads are cut into windows of this span so that no single query keeps nx-27017 (which answers one
# command at a time and builds a whole result before replying) busy for long: 600 readings at 1 Hz.
JANELA_LEITURA = timedelta(minutes=10)
DUPLICATE_KEY = 11000
DIGITOS_MS = 13
FIM_DOS_TEMPOS_MS = 10**DIGITOS_MS - 1


def _ms(momento) -> int:
    return int(momento.timestamp() * 1000)


def _data(milissegundos) -> datetime:
    return datetime.fromtimestamp(milissegundos / 1000, timezone.utc)


def chave(maquina_id, milissegundos) -> str:
    """'<maquina_id>:<epoch ms, 13 digits>': sorts by machine, then time, as a plain string.

    A bound past FIM_DOS_TEMPOS_MS (a query up to year 9999) is clamped: with 15 digits it would
    sort among the 13-digit keys by its first digit and cut readings out of the range. No reading
    is stored that late (ts ≤ now + 5 min).
    """
    return f"{maquina_id}:{min(max(milissegundos, 0), FIM_DOS_TEMPOS_MS):0{DIGITOS_MS}d}"


def faixa(maquina_id, desde=None, ate=None) -> dict:
    """The `k` range of one machine over [desde, ate] (open ends allowed)."""
    inicio = _ms(desde) if desde else 0
    fim = _ms(ate) + 1 if ate else FIM_DOS_TEMPOS_MS
    return {"$gte": chave(maquina_id, inicio), "$lt": chave(maquina_id, fim)}


def id_da_leitura(maquina_id, leitura) -> str:
    """Same machine + device time (+ sequence) = same reading, same id; without `ts` every message is new."""
    if leitura.get("ts") is None:
        return secrets.token_urlsafe(12)
    seq = leitura.get("seq")
    identidade = f"{maquina_id}:{_ms(leitura['ts'])}:{'' if seq is None else seq}"
    return base64.urlsafe_b64encode(hashlib.sha256(identidade.encode()).digest()[:12]).decode()


def momento_da_chave(valor) -> datetime:
    return _data(int(valor.rsplit(":", 1)[1]))


class GerenciaTelemetria:
    """Stores validated readings (nucleo.validacao.validar_leitura) and reads them back as dicts."""

    def __init__(self, bd, sensores, guardar_data=False):
        self.colecao = bd.colecao(DADOS_SENSORES)
        self.sensores = tuple(sensores)
        self.guardar_data = guardar_data

    def documento(self, maquina_id, leitura, recebido_em) -> dict:
        """The stored form of one reading (the benchmarks load data through it too)."""
        momento = leitura.get("ts") or recebido_em
        doc = {"_id": id_da_leitura(maquina_id, leitura), "k": chave(maquina_id, _ms(momento)),
               "v": [leitura["dados_sensor"][sensor] for sensor in self.sensores]}
        if leitura.get("seq") is not None:
            doc["s"] = leitura["seq"]
        atraso_ms = _ms(recebido_em) - _ms(momento)
        if atraso_ms:
            doc["r"] = atraso_ms
        if self.guardar_data:
            doc["t"] = momento
        return doc

    def publico(self, doc) -> dict:
        momento = momento_da_chave(doc["k"])
        return {
            "sensor_data_id": doc["_id"],
            "timestamp": momento,
            "recebido_em": momento + timedelta(milliseconds=doc.get("r", 0)),
            "seq": doc.get("s"),
            "dados_sensor": dict(zip(self.sensores, doc["v"])),
        }

    def inserir(self, maquina_id, leitura, recebido_em=None):
        """Store one reading; returns (id, duplicada)."""
        return self.inserir_pedidos([(maquina_id, leitura, recebido_em or agora_utc())])[0]

    def inserir_pedidos(self, itens) -> list:
        """Store many (maquina_id, leitura, recebido_em) in one `insert_many(ordered=False)`.

        Returns one (id, duplicada) per item, in order. Two copies of one reading in the same
        batch are one reading: the second is a duplicate.
        """
        docs = [self.documento(maquina_id, leitura, recebido_em) for maquina_id, leitura, recebido_em in itens]
        if not docs:
            return []
        duplicados = set()
        try:
            self.colecao.insert_many(docs, ordered=False)
        except BulkWriteError as erro:
            erros = erro.details.get("writeErrors", [])
            if any(e.get("code") != DUPLICATE_KEY for e in erros):
                raise
            duplicados = {e["index"] for e in erros}
        return [(doc["_id"], indice in duplicados) for indice, doc in enumerate(docs)]

    def listar(self, maquina_id, limite=LIMITE_PADRAO, desde=None, ate=None) -> list:
        """Newest first, at most `limite`, optionally within [desde, ate]."""
        cursor = (self.colecao.find({"k": faixa(maquina_id, desde, ate)})
                  .sort("k", -1).limit(min(limite, LIMITE_MAXIMO)))
        return [self.publico(doc) for doc in cursor]

    def percorrer(self, maquina_id, desde, ate, janela=JANELA_LEITURA):
        """Every reading in [desde, ate], oldest first, one window at a time (flat memory).

        An empty window costs one indexed seek to the next stored reading, so a long empty range
        is skipped at once instead of being walked window by window. Bounds are epoch ms, never
        datetime arithmetic (which overflows near year 9999); closing the generator (the client
        left) closes the open cursor and queries nothing more.
        """
        inicio_ms, fim_ms = _ms(desde), _ms(ate)
        while inicio_ms <= fim_ms:
            proxima = self.colecao.find_one({"k": {"$gte": chave(maquina_id, inicio_ms),
                                                   "$lt": chave(maquina_id, fim_ms + 1)}}, sort=[("k", 1)])
            if proxima is None:
                return
            inicio_ms = _ms(momento_da_chave(proxima["k"]))
            limite_ms = min(inicio_ms + int(janela.total_seconds() * 1000), fim_ms + 1)
            janela_atual = {"k": {"$gte": chave(maquina_id, inicio_ms), "$lt": chave(maquina_id, limite_ms)}}
            with self.colecao.find(janela_atual).sort("k", 1) as cursor:  # closed at once if the reader leaves
                for doc in cursor:
                    yield self.publico(doc)
            inicio_ms = limite_ms

    def maquinas(self):
        """Every machine with stored readings (removed machines too): one indexed seek each."""
        return maquinas_nas_chaves(self.colecao, "k")

    def apagar_antes(self, maquina_id, antes, lote) -> int:
        """Delete up to `lote` of the oldest readings of `maquina_id` older than `antes`; returns how many."""
        ids = [doc["_id"] for doc in self.colecao.find({"k": faixa(maquina_id, ate=antes - timedelta(milliseconds=1))},
                                                       {"_id": 1}).sort("k", 1).limit(lote)]
        return self.colecao.delete_many({"_id": {"$in": ids}}).deleted_count if ids else 0
