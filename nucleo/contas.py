"""User accounts: registration, roles, passwords and preferences, the same for the API, the pages and the console."""
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from MongoDB.erros import DadosInvalidos, UsuarioNaoEncontrado
from MongoDB.gerencia_usuario import SENHA_MAX_BYTES

from . import validacao
from .contrato import IDIOMAS

PAPEIS = ("operador", "admin")
TEMAS = ("claro", "escuro")
# How the dashboard shows a plant, kept per user: cards or a compact list, grouped by nothing, line or place.
VISOES_PAINEL = ("cartoes", "lista")
AGRUPAMENTOS_PAINEL = ("nenhum", "linha", "local")
NOME_USUARIO = re.compile(r"^[A-Za-z0-9_.-]{3,40}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
SENHA_MINIMA = 8
FUSO_MAXIMO = 64


def validar_senha(senha, campo="senha") -> str:
    """Passwords: 8 characters to 72 bytes (the bcrypt limit)."""
    if not isinstance(senha, str):
        raise DadosInvalidos("campo_texto", campo)
    if len(senha) < SENHA_MINIMA:
        raise DadosInvalidos("senha_curta", campo, minimo=SENHA_MINIMA)
    if len(senha.encode()) > SENHA_MAX_BYTES:
        raise DadosInvalidos("senha_longa", campo, maximo=SENHA_MAX_BYTES)
    return senha


def validar_papel(papel) -> str:
    return validacao.um_de(papel, PAPEIS, "papel")


def cadastrar(servicos, nome_usuario, senha, empresa, email, papel="operador") -> dict:
    """Register a user after checking every field; the refusal names the field."""
    nome_usuario = validacao.texto(nome_usuario, "nome_usuario", 40)
    if not NOME_USUARIO.match(nome_usuario):
        raise DadosInvalidos("nome_usuario_formato", "nome_usuario")
    senha = validar_senha(senha)
    empresa = validacao.texto(empresa, "empresa", 120)
    email = validacao.texto(email, "email", 254).lower()
    if not EMAIL.match(email):
        raise DadosInvalidos("email_invalido", "email")
    return servicos.usuarios.criar(nome_usuario, senha, empresa, email, validar_papel(papel))


def encontrar(servicos, nome_ou_email) -> dict:
    """The user named `nome_ou_email`, or whose e-mail it is (people remember the one they typed); else not found."""
    usuario = servicos.usuarios.buscar_por_nome(nome_ou_email)
    if usuario is None and "@" in nome_ou_email:
        usuario = servicos.usuarios.buscar_por_email(nome_ou_email)
    if usuario is None:
        raise UsuarioNaoEncontrado("usuario_desconhecido", usuario=nome_ou_email)
    return usuario


def promover(servicos, nome_usuario, papel="admin") -> dict:
    return servicos.usuarios.definir_papel(nome_usuario, validar_papel(papel))


def alterar_senha(servicos, usuario_id, senha_atual, senha_nova) -> bool:
    """False when the current password does not match; the new one must be a valid password."""
    return servicos.usuarios.alterar_senha(usuario_id, senha_atual, validar_senha(senha_nova, "senha_nova"))


def remover(servicos, nome_usuario):
    """Delete a user; their machines become free for the next owner."""
    if not servicos.usuarios.remover(nome_usuario):
        raise UsuarioNaoEncontrado()


def validar_fuso(valor) -> str:
    nome = validacao.texto(valor, "fuso_horario", FUSO_MAXIMO)
    try:
        ZoneInfo(nome)
    except (ZoneInfoNotFoundError, ValueError):
        raise DadosInvalidos("fuso_desconhecido", "fuso_horario") from None
    return nome


def salvar_preferencias(servicos, usuario, dados) -> dict:
    """Time zone, language, theme and the dashboard's view and grouping; returns the preferences after the change."""
    if not isinstance(dados, dict):
        raise DadosInvalidos("corpo_nao_objeto")
    novas = {}
    if "fuso_horario" in dados:
        novas["fuso_horario"] = validar_fuso(dados["fuso_horario"])
    if "idioma" in dados:
        novas["idioma"] = validacao.um_de(dados["idioma"], IDIOMAS, "idioma")
    if "tema" in dados:
        novas["tema"] = validacao.um_de(dados["tema"], TEMAS, "tema")
    if "visao_painel" in dados:
        novas["visao_painel"] = validacao.um_de(dados["visao_painel"], VISOES_PAINEL, "visao_painel")
    if "agrupar_painel" in dados:
        novas["agrupar_painel"] = validacao.um_de(dados["agrupar_painel"], AGRUPAMENTOS_PAINEL, "agrupar_painel")
    servicos.usuarios.salvar_preferencias(usuario["id"], novas)
    return {**usuario["preferencias"], **novas}
