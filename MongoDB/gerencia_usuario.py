"""User accounts: bcrypt passwords, roles and session revocation (fields validated by nucleo/contas.py)."""
import bcrypt
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from .erros import UsuarioDuplicado, UsuarioNaoEncontrado
from .gerencia_BD import MAQUINAS, USUARIOS, agora_utc
from .gerencia_maquinas import LIVRE

# bcrypt only looks at the first 72 bytes: a longer password is never accepted, not silently cut.
SENHA_MAX_BYTES = 72


def _publico(doc):
    """The user as the rest of the product sees it: never the hash."""
    if doc is None:
        return None
    return {
        "id": str(doc["_id"]),
        "nome_usuario": doc["nome_usuario"],
        "empresa": doc.get("empresa", ""),
        "email": doc["email"],
        "papel": doc.get("papel", "operador"),
        "versao_sessao": doc.get("versao_sessao", 0),
        "preferencias": doc.get("preferencias", {}),
    }


class GerenciaUsuario:
    """CRUD and authentication of `usuarios`."""

    def __init__(self, bd, preferencias_padrao, bcrypt_rounds=12):
        self.preferencias_padrao = dict(preferencias_padrao)
        self.colecao = bd.colecao(USUARIOS)
        self.maquinas = bd.colecao(MAQUINAS)
        self.rounds = bcrypt_rounds
        # Checked when the user does not exist, so both paths cost one bcrypt.
        self._hash_ficticio = bcrypt.hashpw(b"databutcher", bcrypt.gensalt(self.rounds))

    def criar(self, nome_usuario, senha, empresa, email, papel="operador") -> dict:
        """Store a validated user; UsuarioDuplicado names the field that clashed."""
        doc = {
            "nome_usuario": nome_usuario,
            "senha": bcrypt.hashpw(senha.encode(), bcrypt.gensalt(self.rounds)).decode(),
            "empresa": empresa,
            "email": email,
            "papel": papel,
            "versao_sessao": 0,
            "preferencias": dict(self.preferencias_padrao),
            "criado_em": agora_utc(),
        }
        try:
            doc["_id"] = self.colecao.insert_one(doc).inserted_id
        except DuplicateKeyError:
            # Ask which one clashed: error texts differ between MongoDB, nx-27017 and mongomock.
            campo = "nome_usuario" if self.colecao.find_one({"nome_usuario": nome_usuario}) else "email"
            raise UsuarioDuplicado(f"usuario_duplicado_{campo}", campo) from None
        return _publico(doc)

    def autenticar(self, nome_usuario, senha):
        """Return the user if the password matches, else None (same cost either way)."""
        if not isinstance(nome_usuario, str) or not isinstance(senha, str) or len(senha.encode()) > SENHA_MAX_BYTES:
            return None
        doc = self.colecao.find_one({"nome_usuario": nome_usuario.strip()})
        hash_guardado = doc["senha"].encode() if doc else self._hash_ficticio
        confere = bcrypt.checkpw(senha.encode(), hash_guardado)
        return _publico(doc) if doc and confere else None

    def buscar_por_id(self, usuario_id):
        """The user with this id, or None (also for malformed ids)."""
        if not isinstance(usuario_id, str) or not ObjectId.is_valid(usuario_id):
            return None
        return _publico(self.colecao.find_one({"_id": ObjectId(usuario_id)}))

    def buscar_por_nome(self, nome_usuario):
        return _publico(self.colecao.find_one({"nome_usuario": nome_usuario}))

    def buscar_por_email(self, email):
        """The user with this e-mail (stored in lower case, under a unique index), or None."""
        return _publico(self.colecao.find_one({"email": email.strip().lower()}))

    def listar(self) -> list:
        return [_publico(doc) for doc in self.colecao.find().sort("nome_usuario", 1)]

    def definir_papel(self, nome_usuario, papel) -> dict:
        """Give `nome_usuario` the (validated) role `papel`."""
        resultado = self.colecao.update_one({"nome_usuario": nome_usuario}, {"$set": {"papel": papel}})
        if resultado.matched_count == 0:
            raise UsuarioNaoEncontrado()
        return self.buscar_por_nome(nome_usuario)

    def alterar_senha(self, usuario_id, senha_atual, senha_nova) -> bool:
        """Change the password (the new one validated) when the current one matches; old sessions are revoked."""
        usuario = self.buscar_por_id(usuario_id)
        if usuario is None or self.autenticar(usuario["nome_usuario"], senha_atual) is None:
            return False
        novo_hash = bcrypt.hashpw(senha_nova.encode(), bcrypt.gensalt(self.rounds))
        self.colecao.update_one({"_id": ObjectId(usuario_id)},
                                {"$set": {"senha": novo_hash.decode()}, "$inc": {"versao_sessao": 1}})
        return True

    def revogar_sessoes(self, usuario_id):
        """Invalidate every token issued so far (logout really logs out)."""
        self.colecao.update_one({"_id": ObjectId(usuario_id)}, {"$inc": {"versao_sessao": 1}})

    def salvar_preferencias(self, usuario_id, preferencias: dict):
        self.colecao.update_one({"_id": ObjectId(usuario_id)},
                                {"$set": {f"preferencias.{chave}": valor for chave, valor in preferencias.items()}})

    def ajustes_da_planta(self, usuario_id) -> dict:
        """The owner's plant settings as stored: `turnos` and `motivos_parada` (None: never chosen)."""
        doc = self.colecao.find_one({"_id": ObjectId(usuario_id)}, {"turnos": 1, "motivos_parada": 1}) or {}
        return {"turnos": doc.get("turnos"), "motivos_parada": doc.get("motivos_parada")}

    def salvar_ajuste_da_planta(self, usuario_id, campo, valor):
        """Replace one plant setting (validated by nucleo/turnos.py or nucleo/paradas.py) whole."""
        self.colecao.update_one({"_id": ObjectId(usuario_id)}, {"$set": {campo: valor}})

    def notificacoes(self, usuario_id):
        """The user's notification settings as stored (secret included: for signing, never for showing), their
        e-mail address and zone; None for an unknown user. `email` reads back as a bool (nx-27017 keeps 0/1)."""
        if not isinstance(usuario_id, str) or not ObjectId.is_valid(usuario_id):
            return None
        doc = self.colecao.find_one({"_id": ObjectId(usuario_id)}, {"notificacoes": 1, "email": 1, "preferencias": 1})
        if doc is None:
            return None
        ajustes = doc.get("notificacoes") or {}
        fuso = (doc.get("preferencias") or {}).get("fuso_horario") or self.preferencias_padrao.get("fuso_horario")
        return {"webhook_url": ajustes.get("webhook_url") or None, "webhook_segredo": ajustes.get("webhook_segredo") or None,
                "email": bool(ajustes.get("email")), "severidade_minima": ajustes.get("severidade_minima"),
                "endereco_email": doc["email"], "fuso_horario": fuso}

    def salvar_notificacoes(self, usuario_id, webhook_url, webhook_segredo, email, severidade_minima):
        """Replace the (validated) notification settings whole."""
        self.colecao.update_one({"_id": ObjectId(usuario_id)}, {"$set": {"notificacoes": {
            "webhook_url": webhook_url or "", "webhook_segredo": webhook_segredo or "", "email": 1 if email else 0,
            "severidade_minima": severidade_minima}}})

    def remover(self, nome_usuario) -> bool:
        """Delete a user and release their machines (the machines stay for the next owner)."""
        doc = self.colecao.find_one({"nome_usuario": nome_usuario})
        if doc is None:
            return False
        self.maquinas.update_many({"id_usuario": str(doc["_id"])},
                                  {"$set": {"id_usuario": LIVRE, "nome_maquina": ""}})
        self.colecao.delete_one({"_id": doc["_id"]})
        return True
