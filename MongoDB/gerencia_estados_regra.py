"""Where each alarm rule of each machine stands (`estados_regra`), shared by every app process.

One document per machine and alarm type, `_id` = "<maquina_id>:<tipo>": since when the value is out
of its limit, how many readings in a row, whether the alarm is up, and the time of the last reading
judged. It survives restarts (a 10-minute duration does not start over) and lets several processes
judge one machine's readings: a write names the `versao` it read, so two writers cannot both win;
the loser reads again and judges again. Times are epoch ms (nx-27017 turns a datetime in `$set` into
a string).
"""
from pymongo.errors import DuplicateKeyError

from .gerencia_BD import ESTADOS_REGRA

NOVO = {"fora_desde_ms": None, "contagem": 0, "ativo": 0, "ts_ms": 0, "versao": 0}


class GerenciaEstadosRegra:
    def __init__(self, bd):
        self.colecao = bd.colecao(ESTADOS_REGRA)

    def carregar(self, chaves) -> dict:
        """{chave: estado} for `chaves` ("<maquina_id>:<tipo>"), a fresh state for those never stored."""
        guardados = {doc["_id"]: doc for doc in self.colecao.find({"_id": {"$in": list(chaves)}})}
        return {chave: guardados.get(chave) or {"_id": chave, **NOVO} for chave in chaves}

    def gravar(self, estado) -> bool:
        """Store `estado` if nobody changed it since it was read (its `versao`); False on a lost race."""
        versao = estado["versao"]
        novo = {campo: estado[campo] for campo in NOVO} | {"versao": versao + 1}
        if versao == 0:
            try:
                self.colecao.insert_one({"_id": estado["_id"], **novo})
                return True
            except DuplicateKeyError:
                return False
        return self.colecao.update_one({"_id": estado["_id"], "versao": versao}, {"$set": novo}).matched_count == 1
