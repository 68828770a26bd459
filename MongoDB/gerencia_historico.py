"""State history: what each machine was doing and when, as intervals (`estados_abertos`, `intervalos_estado`).

Each machine has at most one open interval, its document in `estados_abertos` with `_id` = the machine id:
unique by construction, read for a whole batch with one `_id $in`, and versioned like the alarm rule
states (MongoDB/gerencia_estados_regra.py), so two app processes cannot both move it: a write names the
`versao` it read and the loser reads again. Closing an interval inserts it into `intervalos_estado` with
`_id` = `chave` = "<maquina_id>:<13-digit start ms>": the same interval inserted twice (a retry, another
process) is a duplicate, never a second copy. The open document keeps the interval it just closed
(`anterior`) until the next transition, which inserts it again first, so a process killed between the two
writes loses nothing, and readers merge it meanwhile.

Times in `estados_abertos` are epoch ms (nx-27017 stores a datetime given to `$set` as a string); closed
intervals are inserted whole, so they keep dates. Reads go through the single-field `chave` index.
"""
from datetime import datetime, timezone

from pymongo.errors import DuplicateKeyError

from .gerencia_BD import ESTADOS_ABERTOS, INTERVALOS_ESTADO

# What an interval says besides its times: the state, and for a trip its reason and values.
DETALHES = ("estado", "motivo", "valor", "limite")


def chave(maquina_id, inicio_ms) -> str:
    return f"{maquina_id}:{inicio_ms:013d}"


def _data(ms):
    return datetime.fromtimestamp(ms / 1000, timezone.utc)


def _ms(momento) -> int:
    return int(momento.timestamp() * 1000)


class GerenciaHistorico:
    def __init__(self, bd):
        self.abertos_col = bd.colecao(ESTADOS_ABERTOS)
        self.intervalos = bd.colecao(INTERVALOS_ESTADO)

    # ---- the open interval ----------------------------------------------------------------------
    def abertos(self, maquina_ids) -> dict:
        """{maquina_id: open interval} of those that have one: one `_id $in` query."""
        return {doc["_id"]: doc for doc in self.abertos_col.find({"_id": {"$in": list(maquina_ids)}})}

    def aberto(self, maquina_id):
        return self.abertos_col.find_one({"_id": maquina_id})

    def abrir(self, maquina_id, novo) -> bool:
        """The machine's first interval; False if another process opened one first."""
        try:
            self.abertos_col.insert_one({"_id": maquina_id, **novo, "anterior": {}, "versao": 1})
            return True
        except DuplicateKeyError:
            return False

    def trocar(self, atual, novo, fechado) -> bool:
        """Replace the open interval `atual` (as read) by `novo`, closing `fechado` ({}: replaced in place).

        False when someone changed it since it was read (nothing written then)."""
        if atual.get("anterior"):
            self._guardar(atual["_id"], atual["anterior"])  # a predecessor stopped between its two writes
        resultado = self.abertos_col.update_one(
            {"_id": atual["_id"], "versao": atual["versao"]},
            {"$set": {**novo, "anterior": fechado, "versao": atual["versao"] + 1}})
        if resultado.matched_count != 1:
            return False
        if fechado:
            self._guardar(atual["_id"], fechado)
        return True

    def _guardar(self, maquina_id, fechado):
        doc = {"_id": chave(maquina_id, fechado["inicio_ms"]), "chave": chave(maquina_id, fechado["inicio_ms"]),
               "maquina_id": maquina_id, "inicio": _data(fechado["inicio_ms"]), "fim": _data(fechado["fim_ms"]),
               **{campo: fechado.get(campo) for campo in DETALHES}}
        try:
            self.intervalos.insert_one(doc)
        except DuplicateKeyError:
            pass  # already there: a retry, or the next transition finishing this one

    # ---- closed intervals (plain dicts with inicio_ms / fim_ms) --------------------------------------
    def fechados(self, maquina_id, desde_ms, ate_ms, limite):
        """Up to `limite` closed intervals starting in [desde_ms, ate_ms), oldest first."""
        faixa = {"$gte": chave(maquina_id, desde_ms), "$lt": chave(maquina_id, ate_ms)}
        return [self._publico(doc) for doc in self.intervalos.find({"chave": faixa}).sort("chave", 1).limit(limite)]

    def antes(self, maquina_id, antes_ms, limite):
        """Up to `limite` closed intervals starting before `antes_ms`, newest first."""
        faixa = {"$gte": f"{maquina_id}:", "$lt": chave(maquina_id, antes_ms)}
        return [self._publico(doc) for doc in self.intervalos.find({"chave": faixa}).sort("chave", -1).limit(limite)]

    @staticmethod
    def _publico(doc) -> dict:
        return {"inicio_ms": _ms(doc["inicio"]), "fim_ms": _ms(doc["fim"]), **{campo: doc.get(campo) for campo in DETALHES}}
