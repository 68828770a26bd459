"""The one MongoClient of the process, its indexes and the choice of backend.

Backends: a real MongoDB (MONGO_URI, Atlas or local), the embedded nx-27017
server (no MONGO_URI), or a client injected by the tests (mongomock).
nx-27017 gives silent wrong answers on a few things, so the data model avoids them
(docs/dados.md lists each, tests/test_gerenciadores.py proves the rules):
references are strings (equality on an ObjectId outside `_id` finds nothing),
"no owner" is "" (equality with None misses stored nulls), no booleans are
written by updates (`$set` turns them into 0/1), and datetimes written by updates
go inside a sub-document (see `carimbo`).
"""
import logging
import os
from datetime import datetime, timezone
from pathlib import Path

import pymongo
from pymongo import ASCENDING, DESCENDING, MongoClient
from pymongo.errors import ConnectionFailure, OperationFailure, PyMongoError

from .banco_embutido import BancoEmbutido, socket_do_banco

log = logging.getLogger(__name__)

# What a database that went away raises (refused, timed out, no server to select): callers answer 503
# and the writer keeps its batch for later, instead of treating it as a bug.
FalhaDeConexao = ConnectionFailure

USUARIOS = "usuarios"
MAQUINAS = "maquinas"
DADOS_SENSORES = "dados_sensores"
REGISTROS_MANUAIS = "registros_manuais"
COMANDOS = "comandos"
AGREGADOS_MINUTO = "agregados_minuto"
AGREGADOS_HORA = "agregados_hora"
ALARMES = "alarmes"
ESTADOS_REGRA = "estados_regra"
MODELOS = "modelos"
SESSOES = "sessoes"
ESTADOS_ABERTOS = "estados_abertos"
INTERVALOS_ESTADO = "intervalos_estado"
PARADAS = "paradas"
NOTIFICACOES = "notificacoes"
NOTIFICACOES_CANAIS = "notificacoes_canais"


def agora_utc() -> datetime:
    """Now, aware UTC, truncated to the millisecond BSON keeps (stored == returned)."""
    momento = datetime.now(timezone.utc)
    return momento.replace(microsecond=momento.microsecond // 1000 * 1000)


def carimbo(momento) -> dict:
    """Wrap a datetime written by an update: nx-27017 silently stores a datetime given to
    `$set`/`$max` as a string, but keeps it a date inside a sub-document set whole."""
    return {"em": momento}


def maquinas_nas_chaves(colecao, campo):
    """The machine ids that prefix `campo` ("<maquina_id>:...") in `colecao`, in order: one indexed seek each."""
    depois = ""
    while True:
        doc = colecao.find_one({campo: {"$gt": depois}}, {campo: 1}, sort=[(campo, 1)])
        if doc is None:
            return
        maquina_id = doc[campo].split(":", 1)[0]
        yield maquina_id
        depois = maquina_id + ";"  # ';' sorts right after ':', past every key of this machine


def ler_carimbo(valor):
    """The datetime inside a `carimbo`, or None."""
    return valor.get("em") if isinstance(valor, dict) else None


class GerenciadorBD:
    """Owns the client and the database handle; managers ask it for collections."""

    def __init__(self, cliente, nome_banco, descricao="MongoDB", banco_embutido=None):
        self.cliente = cliente
        self.db = cliente[nome_banco]
        self.descricao = descricao
        self.banco_embutido = banco_embutido
        self._nx_27017 = None

    @property
    def e_nx_27017(self) -> bool:
        """True on nx-27017 (ours, or one a test connected to): it gets the retention job instead of TTL
        indexes. It is told apart by its buildInfo, which carries no version."""
        if self._nx_27017 is None:
            self._nx_27017 = self.banco_embutido is not None or "version" not in self.cliente.server_info()
        return self._nx_27017

    @property
    def guarda_datas(self) -> bool:
        """Whether documents carry a date field for a TTL index (MongoDB) or not (nx-27017)."""
        return not self.e_nx_27017

    def colecao(self, nome):
        """Return the collection `nome` of our database."""
        return self.db[nome]

    def criar_indices(self):
        """Create every index the managers rely on (idempotent; run at start-up)."""
        self.db[USUARIOS].create_index("nome_usuario", unique=True)
        self.db[USUARIOS].create_index("email", unique=True)
        self.db[MAQUINAS].create_index("id_usuario")
        self.db[SESSOES].create_index("usuario_id")
        # One single-field key prefixed by the machine id serves every range (nx-27017 scans on compound
        # indexes); idempotence is the `_id` index's job (gerencia_telemetria).
        self.db[DADOS_SENSORES].create_index("k")
        self.db[REGISTROS_MANUAIS].create_index([("maquina_id", ASCENDING), ("usuario_id", ASCENDING), ("timestamp", DESCENDING)])
        self.db[COMANDOS].create_index([("maquina_id", ASCENDING), ("criado_em", DESCENDING)])
        for rollup in (AGREGADOS_MINUTO, AGREGADOS_HORA):
            self.db[rollup].create_index("chave")  # `_id` is "<maquina_id>:<inicio>", `chave` the same, for ranges
        self.db[ALARMES].create_index("chave_aberta", unique=True)  # one open alarm per machine and type
        self.db[ALARMES].create_index("chave_usuario")
        self.db[ALARMES].create_index("chave_maquina")
        self.db[ALARMES].create_index("aberto_usuario")
        # State history: the open interval is found by `_id` (the machine id), closed ones by a range of
        # `chave` ("<maquina_id>:<13-digit start ms>"); downtime labels by `_id $in` (gerencia_historico/_paradas.py).
        self.db[INTERVALOS_ESTADO].create_index("chave")
        # The notification outbox: due items by `fila_ms` (only pending ones carry it), settled ones by
        # `encerrado_ms` for the embedded store's retention (MongoDB/gerencia_notificacoes.py).
        self.db[NOTIFICACOES].create_index("fila_ms")
        self.db[NOTIFICACOES].create_index("encerrado_ms")

    def aplicar_retencao(self, dias_brutos, dias_agregados, dias_notificacoes=7):
        """MongoDB: TTL indexes, raw readings expiring sooner than rollups (a changed period is applied in
        place). nx-27017: no TTL index at all, and old ones are dropped: neosqlite purges before every
        read of a collection that has one, with a scan (docs/dados.md); nucleo/retencao.py deletes instead."""
        if self.e_nx_27017:
            for colecao in (DADOS_SENSORES, AGREGADOS_MINUTO, AGREGADOS_HORA, ALARMES, NOTIFICACOES):
                for nome, info in self.db[colecao].index_information().items():
                    if "expireAfterSeconds" in info:
                        log.info("Índice TTL %s.%s removido (o banco embutido usa a limpeza do app)", colecao, nome)
                        self.db[colecao].drop_index(nome)
            return
        self._ttl(DADOS_SENSORES, "t", dias_brutos)
        for rollup in (AGREGADOS_MINUTO, AGREGADOS_HORA):
            self._ttl(rollup, "inicio_data", dias_agregados)
        self._ttl(ALARMES, "encerrado_em.em", dias_agregados)  # alarm history: only closed alarms carry the field
        self._ttl(NOTIFICACOES, "encerrado_em.em", dias_notificacoes)  # delivered or given-up notifications

    def _ttl(self, colecao, campo, dias):
        segundos = int(dias * 86400)
        try:
            self.db[colecao].create_index(campo, expireAfterSeconds=segundos)
        except OperationFailure:
            # The period changed: MongoDB refuses a second TTL index on the same key. Recreate it
            # (collMod would be cheaper on MongoDB, but neither test backend has it).
            for nome, info in self.db[colecao].index_information().items():
                if info["key"] == [(campo, 1)]:
                    self.db[colecao].drop_index(nome)
            self.db[colecao].create_index(campo, expireAfterSeconds=segundos)

    def ping(self, espera_s=0.5) -> bool:
        """True when the database answers within `espera_s` (health checks must answer fast either way)."""
        try:
            with pymongo.timeout(espera_s):
                self.cliente.admin.command("ping")
            return True
        except PyMongoError:
            return False

    def fechar(self):
        """Close the client and stop the embedded server we started, if any."""
        self.cliente.close()
        if self.banco_embutido is not None:
            self.banco_embutido.parar()


def abrir_banco(cfg: dict, do_console=False) -> GerenciadorBD:
    """Connect to MONGO_URI, or start the embedded store on DATA_DIR.

    `do_console` gives the embedded server a socket of its own: the console uses it to open the
    same data files while the app is running (nx-27017 is safe with two processes on one file).
    """
    # A database that went away is reported within this time (a 503), not after pymongo's 30 s default.
    selecao_ms = cfg.get("MONGO_SERVER_SELECTION_TIMEOUT_MS", 800)
    if cfg.get("MONGO_URI"):
        # connect=False: pymongo is not fork-safe, so never connect before a server forks.
        cliente = MongoClient(cfg["MONGO_URI"], tz_aware=True, connect=False, serverSelectionTimeoutMS=selecao_ms)
        return GerenciadorBD(cliente, cfg["DB_NAME"], descricao="MongoDB (MONGO_URI)")

    pasta = Path(cfg["DATA_DIR"])
    nome = f"nx-27017-console-{os.getpid()}.sock" if do_console else "nx-27017.sock"
    embutido = BancoEmbutido(pasta / "databutcher.db", socket_do_banco(pasta, nome), pasta / "logs").iniciar()
    # nx-27017 answers one query at a time: while it works through a long one, the driver's
    # heartbeat waits. A short connect timeout would declare it dead and cancel the query.
    cliente = MongoClient(embutido.uri, tz_aware=True, connect=False, serverSelectionTimeoutMS=selecao_ms,
                          connectTimeoutMS=120_000)
    return GerenciadorBD(cliente, cfg["DB_NAME"], descricao=f"nx-27017 embutido em {pasta}", banco_embutido=embutido)
