"""Commands sent to machines (`comandos`) and their life: enviado → confirmado | expirado | falhou, and a start
that ran into a trip: confirmado (or enviado) → desarmou, with the trip's reason and values."""
from datetime import timedelta

from bson import ObjectId

from .gerencia_BD import COMANDOS, agora_utc, carimbo, ler_carimbo

# Reported parameters equal the commanded ones within this (devices send floats).
TOLERANCIA_PARAMETRO = 0.01


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

    def confirmar_por_estado(self, maquina_id, estado_maquina, agora=None, parametros=None) -> int:
        """A status message confirms the pending, unexpired commands it satisfies. A start is confirmed only by
        the machine running, and, when the status says what it runs with, with the parameters it was sent."""
        agora = agora or agora_utc()
        comandos = [nome for nome, esperado in self.estado_esperado.items() if esperado == estado_maquina]
        if not comandos:
            return 0
        pendentes = self.colecao.find({"maquina_id": maquina_id, "estado": "enviado", "comando": {"$in": comandos},
                                       "expira_em": {"$gte": agora}}, {"comando": 1, "parametros": 1})
        confirmados = 0
        for doc in pendentes:
            if doc["comando"] == "start" and parametros and not _mesmos(doc.get("parametros") or {}, parametros):
                continue  # it runs, but not with what this start asked: a start it did not carry out
            confirmados += self.colecao.update_one(
                {"_id": doc["_id"], "estado": "enviado"},
                {"$set": {"estado": "confirmado", "confirmado_em": carimbo(agora)}}).modified_count
        return confirmados

    def marcar_desarme(self, maquina_id, status, agora=None):
        """The machine tripped: its latest command, if a start that ran (or is still waiting), becomes `desarmou`
        with the reason and values, so the operator reads "started and tripped", not "confirmed"."""
        agora = agora or agora_utc()
        ultimo = self.colecao.find_one({"maquina_id": maquina_id}, sort=[("criado_em", -1), ("_id", -1)])
        if ultimo is None or ultimo["comando"] != "start":
            return None
        if not (ultimo["estado"] == "confirmado" or (ultimo["estado"] == "enviado" and ultimo["expira_em"] >= agora)):
            return None
        desarme = {campo: status.get(campo) for campo in ("motivo", "valor", "limite")}
        resultado = self.colecao.update_one({"_id": ultimo["_id"], "estado": ultimo["estado"]},
                                            {"$set": {"estado": "desarmou", "desarme": desarme,
                                                      "desarmou_em": carimbo(agora)}})
        return str(ultimo["_id"]) if resultado.modified_count else None

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
            # A start that ran into a trip: {"motivo", "valor", "limite", "em"} (e.g. 27.8 °C past 20 °C).
            "desarme": ({**doc["desarme"], "em": ler_carimbo(doc.get("desarmou_em"))} if doc.get("desarme") else None),
        }


def _mesmos(pedidos, relatados) -> bool:
    """Whether the parameters a device reports are the ones a start asked for (those it reports)."""
    return all(abs(float(valor) - float(relatados[campo])) <= TOLERANCIA_PARAMETRO
               for campo, valor in pedidos.items() if campo in relatados)
