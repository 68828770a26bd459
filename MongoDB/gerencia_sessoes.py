"""Login sessions (`sessoes`): one document per login, so "Sair" ends this one and "Sair de todos" every one.

A session's JWT carries its `sid`; the token is good while that document exists (and the user's
`versao_sessao` matches, which a password change or "Sair de todos" bumps). Expiry is an integer of
epoch milliseconds (`expira_ms`), not a date, so both stores compare it the same way; expired
sessions of a user are swept at their next login.
"""
import secrets

from .gerencia_BD import SESSOES


def _ms(momento) -> int:
    return int(momento.timestamp() * 1000)


class GerenciaSessoes:
    def __init__(self, bd):
        self.colecao = bd.colecao(SESSOES)

    def abrir(self, usuario_id, agora, expira) -> str:
        """A new session of `usuario_id` valid until `expira`; returns its id (the JWT's `sid`)."""
        self.colecao.delete_many({"usuario_id": usuario_id, "expira_ms": {"$lt": _ms(agora)}})
        sid = secrets.token_urlsafe(18)
        self.colecao.insert_one({"_id": sid, "usuario_id": usuario_id, "criada_ms": _ms(agora), "expira_ms": _ms(expira)})
        return sid

    def ativa(self, sid, usuario_id) -> bool:
        return self.colecao.count_documents({"_id": sid, "usuario_id": usuario_id}, limit=1) == 1

    def encerrar(self, sid):
        """Log this session out (the other devices stay in)."""
        self.colecao.delete_one({"_id": sid})

    def encerrar_todas(self, usuario_id) -> int:
        return self.colecao.delete_many({"usuario_id": usuario_id}).deleted_count
