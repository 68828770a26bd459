"""The notification outbox (`notificacoes`) and each user's last delivery per channel (`notificacoes_canais`).

One document per (alarm transition, channel) under a deterministic `_id`
("<alarme_id>:<activation n>:<evento>:<canal>"): the same transition enqueued twice (a replay, a second
process) is refused by the `_id` index, so a transition is never delivered twice on one channel.

`fila_ms` (epoch ms, present only while pending) is when the item may next be claimed: its due time or,
while a worker holds it, the end of that worker's lease. Claiming is one `find_one_and_update` that moves
`fila_ms` to the lease's end and writes a token of that claim (`concessao`), so two workers never hold one
item, and the item of a worker that died comes due again when its lease ends. Only the holder of the
current token can settle the item (delivered, rescheduled, given up). A settled item loses `fila_ms` and
gets `encerrado_em` (a TTL index on MongoDB) and `encerrado_ms` (the embedded store's retention job).
Times are epoch ms integers: they compare the same on every backend (docs/dados.md).
"""
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from .gerencia_BD import NOTIFICACOES, NOTIFICACOES_CANAIS, carimbo, ler_carimbo

PENDENTE, ENTREGUE, FALHOU = "pendente", "entregue", "falhou"
# What a channel's last attempt did (GET /api/auth/notifications): delivered, failed and will retry, gave up.
SITUACAO_ENTREGUE, SITUACAO_NOVA_TENTATIVA, SITUACAO_FALHOU = "entregue", "nova_tentativa", "falhou"


def chave_notificacao(alarme_id, ativacoes, evento, canal) -> str:
    """The identity of one transition on one channel: an alarm reopened is a new activation."""
    return f"{alarme_id}:{ativacoes}:{evento}:{canal}"


class GerenciaNotificacoes:
    def __init__(self, bd):
        self.fila = bd.colecao(NOTIFICACOES)
        self.canais = bd.colecao(NOTIFICACOES_CANAIS)

    # ---- the outbox -------------------------------------------------------------------------------
    def enfileirar(self, chave, usuario_id, canal, evento, alarme, contexto, agora_ms) -> bool:
        """One insert; False when this transition was already enqueued on this channel."""
        doc = {"_id": chave, "usuario_id": usuario_id, "canal": canal, "evento": evento, "alarme": alarme,
               "contexto": contexto, "estado": PENDENTE, "tentativas": 0, "fila_ms": agora_ms,
               "criado_ms": agora_ms, "concessao": "", "ultimo_erro": None}
        try:
            self.fila.insert_one(doc)
            return True
        except DuplicateKeyError:
            return False

    def reivindicar(self, agora_ms, concessao_ms, token):
        """Take the most overdue item for `concessao_ms` (counting one attempt), or None when nothing is due."""
        return self.fila.find_one_and_update(
            {"fila_ms": {"$lte": agora_ms}},
            {"$set": {"fila_ms": agora_ms + concessao_ms, "concessao": token}, "$inc": {"tentativas": 1}},
            sort=[("fila_ms", 1)], return_document=ReturnDocument.AFTER)

    def entregue(self, item, agora) -> bool:
        return self._encerrar(item, ENTREGUE, item.get("ultimo_erro"), agora)

    def desistir(self, item, erro, agora) -> bool:
        return self._encerrar(item, FALHOU, erro, agora)

    def reagendar(self, item, erro, quando_ms) -> bool:
        """Failed this time: due again at `quando_ms`, and free for any worker then."""
        resultado = self.fila.update_one({"_id": item["_id"], "concessao": item["concessao"]},
                                         {"$set": {"fila_ms": quando_ms, "concessao": "", "ultimo_erro": erro}})
        return resultado.modified_count == 1

    def _encerrar(self, item, estado, erro, agora) -> bool:
        """Settle the item, if this worker's claim still holds it (False: its lease ran out and another took it)."""
        ms = int(agora.timestamp() * 1000)
        resultado = self.fila.update_one(
            {"_id": item["_id"], "concessao": item["concessao"]},
            {"$set": {"estado": estado, "ultimo_erro": erro, "encerrado_em": carimbo(agora), "encerrado_ms": ms},
             "$unset": {"fila_ms": ""}})
        return resultado.modified_count == 1

    def buscar(self, chave):
        return self.fila.find_one({"_id": chave})

    def apagar_encerradas_antes(self, antes_ms, lote) -> int:
        """Embedded store's retention: delete up to `lote` settled items settled before `antes_ms`."""
        ids = [doc["_id"] for doc in self.fila.find({"encerrado_ms": {"$lt": antes_ms}}, {"_id": 1}).limit(lote)]
        return self.fila.delete_many({"_id": {"$in": ids}}).deleted_count if ids else 0

    # ---- what each channel of a user last did ---------------------------------------------------------
    def registrar_situacao(self, usuario_id, canal, situacao, erro, agora):
        """Remember the last attempt on a channel: its result, and the time of the last success or error."""
        campos = {"usuario_id": usuario_id, "canal": canal, "situacao": situacao, "atualizado_em": carimbo(agora)}
        if erro is None:
            campos["ultimo_sucesso_em"] = carimbo(agora)
        else:
            campos.update(ultimo_erro=erro, ultimo_erro_em=carimbo(agora))
        self.canais.update_one({"_id": f"{usuario_id}:{canal}"}, {"$set": campos}, upsert=True)

    def situacoes(self, usuario_id, canais) -> dict:
        """{canal: {"ultimo_status", "ultimo_erro", "ultimo_erro_em", "ultimo_sucesso_em"}} (None where never tried)."""
        docs = {doc["canal"]: doc for doc in self.canais.find({"_id": {"$in": [f"{usuario_id}:{c}" for c in canais]}})}
        return {canal: {"ultimo_status": docs.get(canal, {}).get("situacao"),
                        "ultimo_erro": docs.get(canal, {}).get("ultimo_erro"),
                        "ultimo_erro_em": ler_carimbo(docs.get(canal, {}).get("ultimo_erro_em")),
                        "ultimo_sucesso_em": ler_carimbo(docs.get(canal, {}).get("ultimo_sucesso_em"))}
                for canal in canais}
