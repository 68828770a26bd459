"""Machines: creation with secrets, claiming, release, device authentication, liveness."""
import hashlib
import hmac
import secrets
import time
from datetime import timedelta

from bson import ObjectId
from pymongo import ReturnDocument, UpdateOne

from .erros import MaquinaDeOutroUsuario, MaquinaNaoEncontrada, SegredoInvalido, TokenDispositivoInvalido
from .gerencia_BD import MAQUINAS, agora_utc, carimbo, ler_carimbo

# A free machine has owner "" (not None): nx-27017 does not match {"campo": None} on stored nulls.
LIVRE = ""
# Device tokens are checked on every reading; their hashes are remembered this long per process.
# A token rotated by another process (the console) keeps working here for at most this time.
VALIDADE_CACHE_TOKEN_S = 5.0
# Unknown ids are remembered as well (so they answer as fast as known ones); past this many entries the
# whole cache is dropped, so ids made up by a prober cannot grow it without bound.
CACHE_TOKENS_MAXIMO = 10_000


def resumo_segredo(segredo: str) -> str:
    """SHA-256 of a random secret: enough for 256-bit tokens, and cheap on every reading."""
    return hashlib.sha256(segredo.encode()).hexdigest()


def _confere(segredo, resumo_guardado) -> bool:
    if not isinstance(segredo, str) or not resumo_guardado:
        return False
    return hmac.compare_digest(resumo_segredo(segredo), resumo_guardado)


class GerenciaMaquinas:
    """The `maquinas` collection. Owner ids are stored as strings (see gerencia_BD).

    `configuracao_padrao` and `limites_padrao` are what a new machine starts with (nucleo/contrato.py);
    `relogio` is the monotonic clock of the token cache (tests move it).
    """

    def __init__(self, bd, configuracao_padrao, limites_padrao, heartbeat_timeout=45, relogio=time.monotonic):
        self.colecao = bd.colecao(MAQUINAS)
        self.configuracao_padrao = dict(configuracao_padrao)
        self.limites_padrao = {campo: list(faixa) for campo, faixa in limites_padrao.items()}
        self.heartbeat_timeout = timedelta(seconds=heartbeat_timeout)
        self.relogio = relogio
        self._tokens = {}  # maquina_id -> (token_hash, valid until on `relogio`)

    # ---- views -------------------------------------------------------------
    def timeout_s(self, doc) -> int:
        """Seconds of silence after which this machine is offline: its own, else HEARTBEAT_TIMEOUT."""
        return doc.get("timeout_s") or int(self.heartbeat_timeout.total_seconds())

    def esta_online(self, doc, agora=None) -> bool:
        """Online = a message within the machine's timeout and no Last Will since that message."""
        visto = ler_carimbo(doc.get("last_heartbeat"))
        desconectada = ler_carimbo(doc.get("desconectada_em"))
        if visto is None or (desconectada is not None and desconectada >= visto):
            return False
        agora = agora or agora_utc()
        return (agora - visto).total_seconds() <= self.timeout_s(doc)

    def sem_dados_recentes(self, doc, agora=None) -> bool:
        """Online, but its last reading is older than 3 of its usual intervals: its values are not live."""
        ultima, intervalo = doc.get("ultima_leitura") or {}, doc.get("intervalo_s")
        if not intervalo or ultima.get("timestamp") is None or not self.esta_online(doc, agora):
            return False
        return ((agora or agora_utc()) - ultima["timestamp"]).total_seconds() > 3 * intervalo

    def publico(self, doc, agora=None) -> dict:
        """The machine as its owner sees it: never the secret or token hashes."""
        return {
            "id": str(doc["_id"]),
            "fabricante": doc["fabricante"],
            "modelo": doc["modelo"],
            "nome_maquina": doc.get("nome_maquina") or None,
            "status": doc.get("status", "parada"),
            "online": self.esta_online(doc, agora),
            "last_heartbeat": ler_carimbo(doc.get("last_heartbeat")),
            "ultima_leitura": doc.get("ultima_leitura"),
            "configuracoes": doc.get("configuracoes") or dict(self.configuracao_padrao),
            "limites": {campo: list(faixa) for campo, faixa in self._limites(doc).items()},
            "timeout_s": self.timeout_s(doc),
            "intervalo_s": doc.get("intervalo_s"),
            "sem_dados_recentes": self.sem_dados_recentes(doc, agora),
            "classe_vibracao": doc.get("classe_vibracao"),
            "linha": doc.get("linha"),
            "local": doc.get("local"),
            "desarme": doc.get("desarme") or None,
        }

    def _limites(self, doc) -> dict:
        return {campo: tuple(faixa) for campo, faixa in (doc.get("limites") or self.limites_padrao).items()}

    def limites_partida(self, doc) -> dict:
        """The machine's start limits as {campo: (min, max)}."""
        return self._limites(doc)

    # ---- admin -------------------------------------------------------------
    def criar(self, fabricante, modelo) -> dict:
        """Create a machine (names already validated); the claim secret and device token are returned
        once, stored hashed."""
        segredo = secrets.token_urlsafe(12)
        token = secrets.token_urlsafe(32)
        doc = {
            "fabricante": fabricante,
            "modelo": modelo,
            "segredo_hash": resumo_segredo(segredo),
            "token_hash": resumo_segredo(token),
            "id_usuario": LIVRE,
            "nome_maquina": "",
            "status": "parada",
            "last_heartbeat": None,
            "ultima_leitura": None,
            "configuracoes": dict(self.configuracao_padrao),
            "limites": {campo: list(faixa) for campo, faixa in self.limites_padrao.items()},
            "criada_em": agora_utc(),
        }
        doc["_id"] = self.colecao.insert_one(doc).inserted_id
        return {"maquina": self.publico(doc), "segredo": segredo, "token": token}

    def novo_token(self, maquina_id) -> str:
        """Replace a leaked device token; the old one stops working at once."""
        token = secrets.token_urlsafe(32)
        resultado = self.colecao.update_one({"_id": self._oid(maquina_id)}, {"$set": {"token_hash": resumo_segredo(token)}})
        if resultado.matched_count == 0:
            raise MaquinaNaoEncontrada()
        self._tokens.pop(maquina_id, None)
        return token

    def novo_segredo(self, maquina_id) -> str:
        """Replace a lost or leaked claim secret; the old one (and its printed label) stops claiming at once.

        The owner, if any, keeps the machine: the secret is only asked when claiming.
        """
        segredo = secrets.token_urlsafe(12)
        resultado = self.colecao.update_one({"_id": self._oid(maquina_id)},
                                            {"$set": {"segredo_hash": resumo_segredo(segredo)}})
        if resultado.matched_count == 0:
            raise MaquinaNaoEncontrada()
        return segredo

    def listar_todas(self) -> list:
        return [self.publico(doc) | {"id_usuario": doc.get("id_usuario") or None} for doc in self.colecao.find().sort("criada_em", 1)]

    def remover(self, maquina_id) -> bool:
        self._tokens.pop(maquina_id, None)
        return self.colecao.delete_one({"_id": self._oid(maquina_id)}).deleted_count == 1

    def liberar_admin(self, maquina_id):
        """Release a machine whoever owns it (console); returns the previous owner id, or None if it was free."""
        anterior = self.colecao.find_one_and_update(
            {"_id": self._oid(maquina_id)},
            {"$set": {"id_usuario": LIVRE, "nome_maquina": ""}},
            return_document=ReturnDocument.BEFORE,
        )
        if anterior is None:
            raise MaquinaNaoEncontrada()
        return anterior.get("id_usuario") or None

    # ---- owner -------------------------------------------------------------
    def reivindicar(self, codigo, segredo, usuario_id, nome_maquina):
        """Claim a free machine; returns (machine, newly_claimed). Same owner again is not an error."""
        oid = self._oid(codigo)
        doc = self.colecao.find_one({"_id": oid})
        if doc is None:
            raise MaquinaNaoEncontrada()
        if not _confere(segredo, doc.get("segredo_hash")):
            raise SegredoInvalido()
        if doc.get("id_usuario") == usuario_id:
            return self.publico(doc), False
        # Conditional update: two users claiming at once cannot both win.
        doc = self.colecao.find_one_and_update(
            {"_id": oid, "id_usuario": LIVRE},
            {"$set": {"id_usuario": usuario_id, "nome_maquina": nome_maquina,
                      "reivindicada_em": carimbo(agora_utc())}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is None:
            raise MaquinaDeOutroUsuario()
        return self.publico(doc), True

    def listar_do_usuario(self, usuario_id) -> list:
        agora = agora_utc()
        return [self.publico(doc, agora) for doc in self.colecao.find({"id_usuario": usuario_id}).sort("nome_maquina", 1)]

    def buscar_do_usuario(self, maquina_id, usuario_id) -> dict:
        """The raw document if it belongs to the user; someone else's machine is 'not found'."""
        doc = self.colecao.find_one({"_id": self._oid(maquina_id)})
        if doc is None or doc.get("id_usuario") != usuario_id:
            raise MaquinaNaoEncontrada()
        return doc

    def liberar(self, maquina_id, usuario_id):
        """Release the association only: machine, history and QR stay valid for the next owner."""
        resultado = self.colecao.update_one(
            {"_id": self._oid(maquina_id), "id_usuario": usuario_id},
            {"$set": {"id_usuario": LIVRE, "nome_maquina": ""}},
        )
        if resultado.matched_count == 0:
            raise MaquinaNaoEncontrada()

    def definir_limites(self, maquina_id, limites: dict) -> dict:
        """Narrow a machine's start limits (validated by nucleo.validacao.validar_limites_partida)."""
        campos = {f"limites.{campo}": faixa for campo, faixa in limites.items()}
        doc = self.colecao.find_one_and_update({"_id": self._oid(maquina_id)}, {"$set": campos},
                                               return_document=ReturnDocument.AFTER)
        if doc is None:
            raise MaquinaNaoEncontrada()
        return self.publico(doc)

    def salvar_configuracoes(self, maquina_id, configuracoes, status=None):
        campos = {"configuracoes": configuracoes}
        if status is not None:
            campos["status"] = status
        self.colecao.update_one({"_id": self._oid(maquina_id)}, {"$set": campos})

    # ---- device ------------------------------------------------------------
    def buscar(self, maquina_id):
        """The raw document or None; malformed ids are simply unknown."""
        if not isinstance(maquina_id, str) or not ObjectId.is_valid(maquina_id):
            return None
        return self.colecao.find_one({"_id": ObjectId(maquina_id)})

    def buscar_varias(self, maquina_ids) -> dict:
        """{id: raw document} of those of `maquina_ids` that are machines: one `_id $in` query."""
        validos = [ObjectId(m) for m in maquina_ids if isinstance(m, str) and ObjectId.is_valid(m)]
        return {str(doc["_id"]): doc for doc in self.colecao.find({"_id": {"$in": validos}})} if validos else {}

    def existentes(self, maquina_ids) -> set:
        """Which of `maquina_ids` (valid ids) are machines: one `_id $in` query, index-backed everywhere."""
        docs = self.colecao.find({"_id": {"$in": [ObjectId(maquina_id) for maquina_id in maquina_ids]}}, {"_id": 1})
        return {str(doc["_id"]) for doc in docs}

    def autenticar_dispositivo(self, maquina_id, token):
        """Refuse unless `token` is this machine's device token (another machine's is refused too).

        An unknown machine is refused in the same words, status and time as a wrong token for a known
        one: the answer never tells a prober which machine ids exist.
        """
        guardado = self._tokens.get(maquina_id)
        if guardado is None or guardado[1] < self.relogio():
            doc = self.buscar(maquina_id)
            if len(self._tokens) >= CACHE_TOKENS_MAXIMO:
                self._tokens.clear()
            guardado = (doc.get("token_hash") if doc else None, self.relogio() + VALIDADE_CACHE_TOKEN_S)
            self._tokens[maquina_id] = guardado
        if not _confere(token, guardado[0]):
            raise TokenDispositivoInvalido()

    def registrar_estado(self, maquina_id, estado, agora=None, status=None):
        """Apply a status message: iniciada/parada/desarmada, or online/offline from the birth message and Last
        Will. A trip keeps its reason and values (`desarme`); parameters the device reports become its
        `configuracoes` (what it runs with, so the start form offers them). Returns the machine as it was
        before (its `status`), or None for an unknown machine."""
        agora = agora or agora_utc()
        status = status or {}
        if estado == "offline":
            campos = {"desconectada_em": carimbo(agora)}
        elif estado == "online":
            campos = {"last_heartbeat": carimbo(agora)}
        else:
            desarme = {campo: status.get(campo) for campo in ("motivo", "valor", "limite")} if estado == "desarmada" else {}
            campos = {"status": estado, "last_heartbeat": carimbo(agora), "desarme": desarme}
            campos |= {f"configuracoes.{campo}": valor for campo, valor in (status.get("parametros") or {}).items()}
        return self.colecao.find_one_and_update({"_id": self._oid(maquina_id)}, {"$set": campos},
                                                projection={"status": 1}, return_document=ReturnDocument.BEFORE)

    def registrar_atividade(self, maquina_id, agora, ultima_leitura=None, intervalo_s=None):
        """Heartbeat from telemetry, with the latest values for the dashboard and the usual interval
        between readings (how the pages tell values that stopped coming)."""
        self.registrar_atividades([(maquina_id, agora, ultima_leitura, intervalo_s)])

    def registrar_atividades(self, atividades):
        """`registrar_atividade` of many machines [(maquina_id, agora, ultima_leitura, intervalo_s)] in one
        command: the writer sends one per interval for the whole plant, not one per machine."""
        operacoes = []
        for maquina_id, agora, ultima_leitura, intervalo_s in atividades:
            campos = {"last_heartbeat": carimbo(agora)}
            if ultima_leitura is not None:
                campos["ultima_leitura"] = ultima_leitura
            if intervalo_s:
                campos["intervalo_s"] = round(intervalo_s, 3)
            operacoes.append(UpdateOne({"_id": self._oid(maquina_id)}, {"$set": campos}))
        if operacoes:
            self.colecao.bulk_write(operacoes, ordered=False)

    def listar_para_vigia(self) -> list:
        """Every machine with what the offline check needs (one query for the whole plant)."""
        return list(self.colecao.find({}, {"last_heartbeat": 1, "desconectada_em": 1, "timeout_s": 1, "status": 1,
                                           "id_usuario": 1, "nome_maquina": 1, "fabricante": 1, "modelo": 1}))

    def ajustar(self, maquina_id, usuario_id, campos) -> dict:
        """The owner's settings of a machine (validated by the caller): rules, name, timeout, vibration class."""
        doc = self.colecao.find_one_and_update({"_id": self._oid(maquina_id), "id_usuario": usuario_id},
                                               {"$set": campos}, return_document=ReturnDocument.AFTER)
        if doc is None:
            raise MaquinaNaoEncontrada()
        return doc

    @staticmethod
    def _oid(maquina_id):
        """ObjectId of a valid id; a malformed one is unknown, not a crash."""
        if not isinstance(maquina_id, str) or not ObjectId.is_valid(maquina_id):
            raise MaquinaNaoEncontrada()
        return ObjectId(maquina_id)
