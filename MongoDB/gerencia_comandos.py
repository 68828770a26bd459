"""Commands sent to machines (`comandos`) and their life: enviado → confirmado | expirado | falhou."""
from datetime import timedelta

from bson import ObjectId

from .gerencia_BD import COMANDOS, agora_utc, carimbo, ler_carimbo


class GerenciaComandos:
    """Records every command so the operator can see whether the device obeyed."""

    def __init__(self, bd, estado_esperado):
        self.colecao = bd.colecao(COMANDOS)
        self.estado_esperado = estado_esperado  # command -> the machine state that confirms it

    def registrar(self, maquina_id, usuario_id, comando, parametros=None, validade_s=30) -> dict:
        """Store a command about to be published, state 'enviado', with its expiry."""
        agora = agora_utc()
        doc = {
            "maquina_id": maquina_id,
            "usuario_id": usuario_id,
            "comando": comando,
            "parametros": parametros or {},
            "estado": "enviado",
            "criado_em": agora,
            "expira_em": agora + timedelta(seconds=validade_s),
            "confirmado_em": None,
        }
        doc["_id"] = self.colecao.insert_one(doc).inserted_id
        return self.publico(doc, agora)

    def marcar_falha(self, comando_id):
        self.colecao.update_one({"_id": ObjectId(comando_id)}, {"$set": {"estado": "falhou"}})

    def confirmar_por_estado(self, maquina_id, estado_maquina, agora=None) -> int:
        """A status message confirms the pending, unexpired commands it satisfies."""
        agora = agora or agora_utc()
        comandos = [nome for nome, esperado in self.estado_esperado.items() if esperado == estado_maquina]
        if not comandos:
            return 0
        resultado = self.colecao.update_many(
            {"maquina_id": maquina_id, "estado": "enviado", "comando": {"$in": comandos}, "expira_em": {"$gte": agora}},
            {"$set": {"estado": "confirmado", "confirmado_em": carimbo(agora)}},
        )
        return resultado.modified_count

    def listar(self, maquina_id, usuario_id, limite=20) -> list:
        agora = agora_utc()
        cursor = self.colecao.find({"maquina_id": maquina_id, "usuario_id": usuario_id}).sort([("criado_em", -1), ("_id", -1)]).limit(limite)
        return [self.publico(doc, agora) for doc in cursor]

    @staticmethod
    def publico(doc, agora) -> dict:
        estado = doc["estado"]
        if estado == "enviado" and doc["expira_em"] < agora:
            estado = "expirado"  # derived on read: no sweeper thread needed
        return {
            "comando_id": str(doc["_id"]),
            "comando": doc["comando"],
            "parametros": doc.get("parametros", {}),
            "estado": estado,
            "criado_em": doc["criado_em"],
            "expira_em": doc["expira_em"],
            "confirmado_em": ler_carimbo(doc.get("confirmado_em")),
        }
