"""Manual maintenance log (`registros_manuais`), private to the owner who wrote it."""

from .gerencia_BD import REGISTROS_MANUAIS, agora_utc


class GerenciaRegistros:
    """Entries are keyed by machine AND user: the next owner starts with an empty log."""

    def __init__(self, bd):
        self.colecao = bd.colecao(REGISTROS_MANUAIS)

    def criar(self, maquina_id, usuario_id, descricao) -> dict:
        """Store an entry (the description already validated) with the time it was written."""
        doc = {
            "maquina_id": maquina_id,
            "usuario_id": usuario_id,
            "descricao": descricao,
            "timestamp": agora_utc(),
        }
        doc["_id"] = self.colecao.insert_one(doc).inserted_id
        return self.publico(doc)

    def listar(self, maquina_id, usuario_id, limite=200) -> list:
        cursor = self.colecao.find({"maquina_id": maquina_id, "usuario_id": usuario_id}).sort([("timestamp", -1), ("_id", -1)]).limit(limite)
        return [self.publico(doc) for doc in cursor]

    @staticmethod
    def publico(doc) -> dict:
        return {"registro_id": str(doc["_id"]), "descricao": doc["descricao"], "timestamp": doc["timestamp"]}
