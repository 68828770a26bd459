"""Sensor readings (`dados_sensores`): idempotent inserts and time-range queries."""

from bson import ObjectId
from pymongo.errors import BulkWriteError

from . import validacao
from .gerencia_BD import DADOS_SENSORES

LIMITE_PADRAO = 100
LIMITE_MAXIMO = 1000
DUPLICATE_KEY = 11000


def chave_unica(leitura) -> str:
    """Same device time (and sequence) = same reading; without `ts` every message is new."""
    if leitura.get("ts") is None:
        return f"servidor:{ObjectId()}"
    milissegundos = int(leitura["ts"].timestamp() * 1000)
    return f"{milissegundos}:{leitura.get('seq') if leitura.get('seq') is not None else ''}"


def _documento(maquina_id, leitura, recebido_em) -> dict:
    return {
        "maquina_id": maquina_id,
        "dados_sensor": leitura["dados_sensor"],
        "timestamp": leitura.get("ts") or recebido_em,
        "recebido_em": recebido_em,
        "seq": leitura.get("seq"),
        "chave_unica": chave_unica(leitura),
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
    """Stores validated readings (see validacao.validar_leitura) and reads them back."""

    def __init__(self, bd):
        self.colecao = bd.colecao(DADOS_SENSORES)

    def inserir(self, maquina_id, leitura, recebido_em=None):
        """Store one reading; returns (id, duplicada). A retry returns the first copy's id."""
        return self.inserir_pedidos([(maquina_id, leitura, recebido_em or validacao.agora_utc())])[0]

    def inserir_pedidos(self, itens) -> list:
        """Store many (maquina_id, leitura, recebido_em) in one `insert_many(ordered=False)`.

        Returns one (id, duplicada) per item, in order; a duplicate gets the id of
        the copy already stored, so a retried HTTP request sees the same answer.
        """
        docs = [dict(_documento(maquina_id, leitura, recebido_em), _id=ObjectId())
                for maquina_id, leitura, recebido_em in itens]
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
                existente = self.colecao.find_one({"maquina_id": doc["maquina_id"], "chave_unica": doc["chave_unica"]}, {"_id": 1})
                resultados.append((str(existente["_id"]) if existente else None, True))
            else:
                resultados.append((str(doc["_id"]), False))
        return resultados

    def listar(self, maquina_id, limite=LIMITE_PADRAO, desde=None, ate=None) -> list:
        """Newest first, at most `limite`, optionally within [desde, ate]."""
        filtro = {"maquina_id": maquina_id}
        faixa = {}
        if desde is not None:
            faixa["$gte"] = desde
        if ate is not None:
            faixa["$lte"] = ate
        if faixa:
            filtro["timestamp"] = faixa
        cursor = self.colecao.find(filtro).sort("timestamp", -1).limit(min(limite, LIMITE_MAXIMO))
        return [publico(doc) for doc in cursor]

    def percorrer(self, maquina_id, desde=None, ate=None, lote=2000):
        """Every reading in [desde, ate], oldest first, streamed from a cursor (flat memory)."""
        filtro = {"maquina_id": maquina_id}
        faixa = {chave: valor for chave, valor in (("$gte", desde), ("$lte", ate)) if valor is not None}
        if faixa:
            filtro["timestamp"] = faixa
        projecao = {"_id": 0, "timestamp": 1, "recebido_em": 1, "seq": 1, "dados_sensor": 1}
        yield from self.colecao.find(filtro, projecao).sort("timestamp", 1).batch_size(lote)

    def contar(self, maquina_id) -> int:
        return self.colecao.count_documents({"maquina_id": maquina_id})
