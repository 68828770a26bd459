"""What owners said about their machines' stops (`paradas`): the reason, a note, a maintenance-log entry.

The stops themselves are not stored: they are read from the state history (nucleo/paradas.py), and one is
named by its machine and the ms it began, "<maquina_id>-<13-digit ms>", which is the `_id` of its label
here. Labels are fetched with one `_id $in` per list and written by upsert on `_id` (index-backed on every
backend). A label keeps who wrote it: a machine's next owner does not read the previous owner's notes.
Absent values are stored as "" and the time as a `carimbo` (nx-27017 traps, docs/dados.md).
"""
from .erros import NaoEncontrado
from .gerencia_BD import PARADAS, carimbo, ler_carimbo


class ParadaNaoEncontrada(NaoEncontrado):
    chave = "parada_nao_encontrada"


class GerenciaParadas:
    def __init__(self, bd):
        self.colecao = bd.colecao(PARADAS)

    def rotulos(self, parada_ids, usuario_id) -> dict:
        """{parada_id: {"motivo", "nota", "registro_id", "rotulada_em"}} of the user's labels among `parada_ids`."""
        if not parada_ids:
            return {}
        docs = self.colecao.find({"_id": {"$in": list(parada_ids)}})
        return {doc["_id"]: self._publico(doc) for doc in docs if doc.get("usuario_id") == usuario_id}

    def rotular(self, parada_id, maquina_id, usuario_id, motivo, nota, registro_id, momento) -> dict:
        """Set (or replace) the label of one stop; None values clear a field."""
        campos = {"maquina_id": maquina_id, "usuario_id": usuario_id, "motivo": motivo or "", "nota": nota or "",
                  "registro_id": registro_id or "", "rotulada_em": carimbo(momento)}
        self.colecao.update_one({"_id": parada_id}, {"$set": campos}, upsert=True)
        return self._publico(campos)

    @staticmethod
    def _publico(doc) -> dict:
        return {"motivo": doc.get("motivo") or None, "nota": doc.get("nota") or None,
                "registro_id": doc.get("registro_id") or None, "rotulada_em": ler_carimbo(doc.get("rotulada_em"))}
