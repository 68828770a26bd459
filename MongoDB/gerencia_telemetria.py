"""Sensor readings (`dados_sensores`): idempotent inserts and time-range queries.

Every query goes through single-field keys that start with the machine id:
`chave_tempo` ("<maquina_id>:<13-digit epoch ms>:<_id>") for ranges and `chave_leitura` for
deduplication. nx-27017 only uses single-field indexes (a compound-index query is a full
scan there), and on MongoDB a range on such a key is as good as a compound index.
"""

from datetime import timedelta

from bson import ObjectId
from pymongo.errors import BulkWriteError

from .gerencia_BD import DADOS_SENSORES, agora_utc

LIMITE_PADRAO = 100
# Export windows: six hours of 1 Hz data are 21,600 readings. On nx-27017 every range query costs
# time in proportion to the whole collection (~1 s at 1M readings), so windows are not small.
JANELA_EXPORTACAO = timedelta(hours=6)
LIMITE_MAXIMO = 1000
DUPLICATE_KEY = 11000
# Keys hold 13 digits of epoch ms (until year 2286); no reading is stored later (ts ≤ now + 5 min).
MS_MAXIMO = 10**13 - 1


def _ms(momento) -> int:
    return int(momento.timestamp() * 1000)


def chave_tempo(maquina_id, momento=None, milissegundos=None) -> str:
    """'<maquina_id>:<epoch ms, 13 digits>': sorts by machine, then time, as a plain string.

    A bound past MS_MAXIMO (a query up to year 9999) is clamped: with 15 digits it would sort
    among the 13-digit keys by its first digit and cut readings out of the range.
    """
    valor = _ms(momento) if milissegundos is None else milissegundos
    return f"{maquina_id}:{min(max(valor, 0), MS_MAXIMO):013d}"


def faixa_de_tempo(maquina_id, desde=None, ate=None) -> dict:
    """The `chave_tempo` range of one machine over [desde, ate] (open ends allowed)."""
    fim_ms = _ms(ate) + 1 if ate else MS_MAXIMO
    return {"$gte": chave_tempo(maquina_id, desde) if desde else chave_tempo(maquina_id, milissegundos=0),
            "$lt": chave_tempo(maquina_id, milissegundos=fim_ms)}


def chave_leitura(maquina_id, leitura) -> str:
    """Same machine + device time (+ sequence) = same reading; without `ts` every message is new."""
    if leitura.get("ts") is None:
        return f"{maquina_id}:servidor:{ObjectId()}"
    seq = leitura.get("seq")
    return f"{maquina_id}:{_ms(leitura['ts'])}:{'' if seq is None else seq}"


def _documento(maquina_id, leitura, recebido_em) -> dict:
    momento = leitura.get("ts") or recebido_em
    identificador = ObjectId()
    return {
        "_id": identificador,
        "maquina_id": maquina_id,
        "dados_sensor": leitura["dados_sensor"],
        "timestamp": momento,
        "recebido_em": recebido_em,
        "seq": leitura.get("seq"),
        # The id makes the key unique, so paging "after the last key" never skips a reading.
        "chave_tempo": f"{chave_tempo(maquina_id, momento)}:{identificador}",
        "chave_leitura": chave_leitura(maquina_id, leitura),
    }


def publico(doc) -> dict:
    return {
        "sensor_data_id": str(doc["_id"]),
        "timestamp": doc["timestamp"],
        "recebido_em": doc.get("recebido_em"),
        "seq": doc.get("seq"),
        "dados_sensor": doc["dados_sensor"],
    }


class GerenciaTelemetria:
    """Stores validated readings (nucleo.validacao.validar_leitura) and reads them back."""

    def __init__(self, bd):
        self.colecao = bd.colecao(DADOS_SENSORES)

    def inserir(self, maquina_id, leitura, recebido_em=None):
        """Store one reading; returns (id, duplicada). A retry returns the first copy's id."""
        return self.inserir_pedidos([(maquina_id, leitura, recebido_em or agora_utc())])[0]

    def inserir_pedidos(self, itens) -> list:
        """Store many (maquina_id, leitura, recebido_em) in one `insert_many(ordered=False)`.

        Returns one (id, duplicada) per item, in order; a duplicate gets the id of
        the copy already stored, so a retried HTTP request sees the same answer.
        """
        docs = [_documento(maquina_id, leitura, recebido_em) for maquina_id, leitura, recebido_em in itens]
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
        resultados = []
        for indice, doc in enumerate(docs):
            if indice in duplicados:
                existente = self.colecao.find_one({"chave_leitura": doc["chave_leitura"]}, {"_id": 1})
                resultados.append((str(existente["_id"]) if existente else None, True))
            else:
                resultados.append((str(doc["_id"]), False))
        return resultados

    def listar(self, maquina_id, limite=LIMITE_PADRAO, desde=None, ate=None) -> list:
        """Newest first, at most `limite`, optionally within [desde, ate]."""
        cursor = (self.colecao.find({"chave_tempo": faixa_de_tempo(maquina_id, desde, ate)})
                  .sort("chave_tempo", -1).limit(min(limite, LIMITE_MAXIMO)))
        return [publico(doc) for doc in cursor]

    def percorrer(self, maquina_id, desde, ate, janela=JANELA_EXPORTACAO, lote=1000):
        """Every reading in [desde, ate], oldest first, one time window at a time (flat memory).

        Each window is a query of its own: nx-27017 sorts a whole range before returning its
        first document (even with a limit), so one cursor over a million readings kept it busy
        for minutes, long enough for the driver to give the server up and cancel the query.
        Each window starts at the next stored reading, found by one indexed seek (`limit 1`,
        fast on both backends), so an empty stretch of any length costs one query. Bounds are
        epoch ms, never datetime arithmetic, which overflows near year 9999. Closing the
        generator (the client left) closes the open cursor and queries nothing more.
        """
        projecao = {"_id": 0, "timestamp": 1, "recebido_em": 1, "seq": 1, "dados_sensor": 1}
        largura_ms = int(janela.total_seconds() * 1000)
        inicio_ms, fim_ms = _ms(desde), _ms(ate) + 1
        while inicio_ms < fim_ms:
            inicio_ms = self._proxima_leitura_ms(maquina_id, inicio_ms, fim_ms)
            if inicio_ms is None:
                return
            fim_janela_ms = min(inicio_ms + largura_ms, fim_ms)
            filtro = {"chave_tempo": {"$gte": chave_tempo(maquina_id, milissegundos=inicio_ms),
                                      "$lt": chave_tempo(maquina_id, milissegundos=fim_janela_ms)}}
            with self.colecao.find(filtro, projecao).sort("chave_tempo", 1).batch_size(lote) as cursor:
                yield from cursor
            inicio_ms = fim_janela_ms

    def _proxima_leitura_ms(self, maquina_id, inicio_ms, fim_ms):
        """Epoch ms of the first reading in [inicio_ms, fim_ms), or None: one seek on the `chave_tempo` index."""
        filtro = {"chave_tempo": {"$gte": chave_tempo(maquina_id, milissegundos=inicio_ms),
                                  "$lt": chave_tempo(maquina_id, milissegundos=fim_ms)}}
        doc = self.colecao.find_one(filtro, {"_id": 0, "chave_tempo": 1}, sort=[("chave_tempo", 1)])
        return None if doc is None else int(doc["chave_tempo"].split(":")[1])
