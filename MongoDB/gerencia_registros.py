"""Manual maintenance log (`registros_manuais`), private to the owner who wrote it."""
from bson import ObjectId

from .erros import NaoEncontrado
from .gerencia_BD import REGISTROS_MANUAIS, agora_utc


class RegistroNaoEncontrado(NaoEncontrado):
    chave = "registro_nao_encontrado"


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

    def e_do_usuario(self, registro_id, maquina_id, usuario_id) -> bool:
        """Whether `registro_id` is an entry this user wrote about this machine."""
        if not isinstance(registro_id, str) or not ObjectId.is_valid(registro_id):
            return False
        doc = self.colecao.find_one({"_id": ObjectId(registro_id)}, {"maquina_id": 1, "usuario_id": 1})
        return doc is not None and doc["maquina_id"] == maquina_id and doc["usuario_id"] == usuario_id

    @staticmethod
    def publico(doc) -> dict:
        return {"registro_id": str(doc["_id"]), "descricao": doc["descricao"], "timestamp": doc["timestamp"]}
