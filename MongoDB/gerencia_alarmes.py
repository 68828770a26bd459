"""Alarms (`alarmes`): at most one open alarm per machine and type, whatever the number of app processes.

An alarm is open while it is active, or cleared but not yet acknowledged (ISA-18.2: a return to
normal still wants a person's eyes). `chave_aberta` = "<maquina_id>:<tipo>" under a unique index
marks the open one, so two processes raising the same alarm at once make one: the second insert
fails and updates it instead. When an alarm is both cleared and acknowledged its key is retired
("encerrado:<alarme_id>", out of every machine's range), and the next raise is a new alarm.

Dates written by updates are `carimbo`s and "acknowledged" is derived from `reconhecido_em`
(nx-27017 stores a datetime given to `$set` as a string and a boolean as 0/1; docs/dados.md).
Owner-scoped reads go through `chave_usuario` ("<usuario_id>:<13-digit start ms>:<id>"), machine
reads through `chave_maquina`, and "what is open for this user" (the dashboard, every 2 s) through
`aberto_usuario` ("<usuario_id>:<maquina_id>:<tipo>", retired with `chave_aberta`): single-field
keys, index-backed on every backend.
"""
from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from .erros import NaoEncontrado
from .gerencia_BD import ALARMES, carimbo, ler_carimbo, maquinas_nas_chaves

ATIVO, NORMALIZADO = "ativo", "normalizado"
LIMITE_LISTA = 500


class AlarmeNaoEncontrado(NaoEncontrado):
    chave = "alarme_nao_encontrado"


def _ms(momento) -> int:
    return int(momento.timestamp() * 1000)


def _chave(prefixo, momento, alarme_id) -> str:
    return f"{prefixo}:{_ms(momento):013d}:{alarme_id}"


class GerenciaAlarmes:
    def __init__(self, bd):
        self.colecao = bd.colecao(ALARMES)

    # ---- transitions (each returns the alarm after it, and whether it became active) --------------
    def ativar(self, maquina_id, usuario_id, tipo, sensor, severidade, valor, limite, momento):
        """Raise `tipo` on the machine: a new alarm, or the open one again if it was cleared unacknowledged.

        Returns (alarm, ativou); ativou is False when it was already active (another process got there first).
        """
        alarme_id = ObjectId()
        doc = {"_id": alarme_id, "chave_aberta": f"{maquina_id}:{tipo}", "maquina_id": maquina_id,
               "aberto_usuario": f"{usuario_id or '-'}:{maquina_id}:{tipo}",
               "usuario_id": usuario_id, "tipo": tipo, "sensor": sensor, "severidade": severidade,
               "estado": ATIVO, "inicio": momento, "fim": None, "limite": limite, "valor_pico": valor,
               "ultimo_valor": valor, "contagem": 1, "ativacoes": 1,
               "chave_usuario": _chave(usuario_id or "-", momento, alarme_id),
               "chave_maquina": _chave(maquina_id, momento, alarme_id)}
        try:
            self.colecao.insert_one(doc)
            return doc, True
        except DuplicateKeyError:
            pass
        reaberto = self.colecao.find_one_and_update(
            {"chave_aberta": f"{maquina_id}:{tipo}", "estado": NORMALIZADO},
            {"$set": {"estado": ATIVO, "fim": None, "severidade": severidade, "ultimo_valor": valor},
             "$inc": {"contagem": 1, "ativacoes": 1}},
            return_document=ReturnDocument.AFTER)
        if reaberto is not None:
            return reaberto, True
        return self.colecao.find_one({"chave_aberta": f"{maquina_id}:{tipo}"}), False

    def normalizar(self, maquina_id, tipo, momento):
        """Clear the active `tipo` of the machine; returns the alarm, or None when none was active."""
        doc = self.colecao.find_one_and_update(
            {"chave_aberta": f"{maquina_id}:{tipo}", "estado": ATIVO},
            {"$set": {"estado": NORMALIZADO, "fim": carimbo(momento)}},
            return_document=ReturnDocument.AFTER)
        if doc is not None and doc.get("reconhecido_em"):
            self._aposentar(doc, momento)
        return doc

    def acumular(self, maquina_id, tipo, contagem, ultimo_valor, pico, maior_e_pior, momento):
        """Fold repeats of the open `tipo` (counted by the engine) into it: count, last value, peak, last seen.

        `$inc`/`$max` merge what several processes counted, whatever the order they write in."""
        self.colecao.update_one({"chave_aberta": f"{maquina_id}:{tipo}"}, {
            "$inc": {"contagem": contagem},
            ("$max" if maior_e_pior else "$min"): {"valor_pico": pico},
            "$set": {"ultimo_valor": ultimo_valor, "visto_em": carimbo(momento)}})

    def reconhecer(self, alarme_id, usuario_id, nota, momento) -> dict:
        """Acknowledge (who, when, note); an alarm already cleared is closed by it."""
        doc = self.colecao.find_one_and_update(
            {"_id": self._oid(alarme_id), "usuario_id": usuario_id},
            {"$set": {"reconhecido_em": carimbo(momento), "reconhecido_por": usuario_id, "nota": nota}},
            return_document=ReturnDocument.AFTER)
        if doc is None:
            raise AlarmeNaoEncontrado()
        if doc["estado"] == NORMALIZADO:
            self._aposentar(doc, momento)
        return doc

    def _aposentar(self, doc, momento):
        """Cleared and acknowledged: history now. `encerrado_em` starts its retention (a TTL index on MongoDB,
        nucleo/retencao.py on the embedded store); an open alarm never expires."""
        encerrado = f"encerrado:{doc['_id']}"
        self.colecao.update_one({"_id": doc["_id"]}, {"$set": {
            "chave_aberta": encerrado, "aberto_usuario": encerrado, "encerrado_em": carimbo(momento)}})

    # ---- retention on the embedded store ---------------------------------------------------------
    def maquinas(self):
        """Every machine with alarms in the history (removed machines too): one indexed seek each."""
        return maquinas_nas_chaves(self.colecao, "chave_maquina")

    def apagar_antes(self, maquina_id, antes, lote) -> int:
        """Delete up to `lote` closed alarms of `maquina_id` that started before `antes` (open ones stay)."""
        faixa = {"$gte": f"{maquina_id}:", "$lt": f"{maquina_id}:{_ms(antes):013d}"}
        encerrados = {"$gte": "encerrado:", "$lt": "encerrado;"}
        ids = [doc["_id"] for doc in self.colecao.find({"chave_maquina": faixa, "chave_aberta": encerrados}, {"_id": 1})
               .sort("chave_maquina", 1).limit(lote)]
        return self.colecao.delete_many({"_id": {"$in": ids}}).deleted_count if ids else 0

    # ---- reads ---------------------------------------------------------------------------------
    def buscar_do_usuario(self, alarme_id, usuario_id) -> dict:
        doc = self.colecao.find_one({"_id": self._oid(alarme_id)})
        if doc is None or doc.get("usuario_id") != usuario_id:
            raise AlarmeNaoEncontrado()
        return doc

    def listar_do_usuario(self, usuario_id, desde, ate, limite=LIMITE_LISTA) -> list:
        """The user's alarms that started in [desde, ate], newest first."""
        faixa = {"$gte": f"{usuario_id}:{_ms(desde):013d}", "$lt": f"{usuario_id}:{_ms(ate) + 1:013d}"}
        return list(self.colecao.find({"chave_usuario": faixa}).sort("chave_usuario", -1).limit(limite))

    def da_maquina(self, maquina_id, desde, ate, limite=LIMITE_LISTA) -> list:
        """The machine's alarms that started in [desde, ate], oldest first (the charts' shaded periods)."""
        faixa = {"$gte": f"{maquina_id}:{_ms(desde):013d}", "$lt": f"{maquina_id}:{_ms(ate) + 1:013d}"}
        return list(self.colecao.find({"chave_maquina": faixa}).sort("chave_maquina", 1).limit(limite))

    def ativos_por_severidade(self) -> dict:
        """{severidade: active alarms} over the whole plant (`/metrics`): open keys start with a hex machine id."""
        contagem = {}
        for doc in self.colecao.find({"chave_aberta": {"$gte": "0", "$lt": "g"}, "estado": ATIVO}, {"severidade": 1}):
            contagem[doc["severidade"]] = contagem.get(doc["severidade"], 0) + 1
        return contagem

    def abertos_do_usuario(self, usuario_id) -> list:
        """Every open alarm (active, or cleared unacknowledged) of the user's machines: one indexed range."""
        return list(self.colecao.find({"aberto_usuario": {"$gte": f"{usuario_id}:", "$lt": f"{usuario_id};"}}))

    def abertos_da_maquina(self, maquina_id) -> list:
        """The open alarms (active, or cleared unacknowledged) of one machine."""
        return list(self.colecao.find({"chave_aberta": {"$gte": f"{maquina_id}:", "$lt": f"{maquina_id};"}}))

    @staticmethod
    def publico(doc) -> dict:
        return {
            "alarme_id": str(doc["_id"]), "maquina_id": doc["maquina_id"], "tipo": doc["tipo"],
            "sensor": doc.get("sensor"), "severidade": doc["severidade"], "estado": doc["estado"],
            "reconhecido": bool(doc.get("reconhecido_em")), "reconhecido_em": ler_carimbo(doc.get("reconhecido_em")),
            "reconhecido_por": doc.get("reconhecido_por"), "nota": doc.get("nota"),
            "inicio": doc["inicio"], "fim": ler_carimbo(doc.get("fim")), "visto_em": ler_carimbo(doc.get("visto_em")),
            "limite": doc.get("limite"), "valor_pico": doc.get("valor_pico"), "ultimo_valor": doc.get("ultimo_valor"),
            "contagem": doc.get("contagem", 1),
        }

    @staticmethod
    def _oid(alarme_id):
        if not isinstance(alarme_id, str) or not ObjectId.is_valid(alarme_id):
            raise AlarmeNaoEncontrado()
        return ObjectId(alarme_id)
