"""The machines of `main.py simular`: kept in DATA_DIR/simulador.json so a second run reuses them."""
import json
import logging
from pathlib import Path

from MongoDB.erros import ErroDominio, MaquinaDeOutroUsuario, UsuarioNaoEncontrado
from nucleo.arquivos import gravar_privado
from nucleo import maquinas as casos

log = logging.getLogger(__name__)

ARQUIVO_MAQUINAS = "simulador.json"


def preparar_maquinas(servicos, pasta_dados, quantidade, nome_usuario=None) -> list:
    """Reuse the machines in DATA_DIR/simulador.json that still exist, create the rest, claim them.

    Returns [{"id", "token", "segredo", "nova"}] (quantidade items). The file is 0600: it holds
    device tokens and claim secrets, so a later run can still claim the machines for a user.
    """
    usuario = None
    if nome_usuario:
        usuario = servicos.usuarios.buscar_por_nome(nome_usuario)
        if usuario is None:
            raise UsuarioNaoEncontrado()
    arquivo = Path(pasta_dados) / ARQUIVO_MAQUINAS
    guardadas = [m for m in _ler_guardadas(arquivo) if _ainda_vale(servicos, m)]
    for maquina in guardadas:
        maquina["nova"] = False
    while len(guardadas) < quantidade:
        criada = casos.criar(servicos, "DataButcher", "Simulador")  # with its broker login, like any machine
        guardadas.append({"id": criada["maquina"]["id"], "token": criada["token"], "segredo": criada["segredo"], "nova": True})
    _gravar_guardadas(arquivo, guardadas)
    escolhidas = guardadas[:quantidade]
    if usuario is not None:
        for numero, maquina in enumerate(escolhidas, start=1):
            try:
                servicos.maquinas.reivindicar(maquina["id"], maquina["segredo"], usuario["id"], f"Simulada {numero:03d}")
                maquina["reivindicada"] = True
            except MaquinaDeOutroUsuario:
                maquina["reivindicada"] = False
    return escolhidas


def _ler_guardadas(arquivo) -> list:
    try:
        dados = json.loads(arquivo.read_text())
    except FileNotFoundError:
        return []
    except ValueError:
        log.warning("%s ilegível: criando máquinas novas", arquivo)
        return []
    return [m for m in dados.get("maquinas", []) if isinstance(m, dict) and {"id", "token", "segredo"} <= set(m)]


def _ainda_vale(servicos, maquina) -> bool:
    """Removed machines and rotated tokens are dropped from the file."""
    try:
        servicos.maquinas.autenticar_dispositivo(maquina["id"], maquina["token"])
        return True
    except ErroDominio:
        return False


def _gravar_guardadas(arquivo, maquinas):
    conteudo = {"maquinas": [{campo: m[campo] for campo in ("id", "token", "segredo")} for m in maquinas]}
    # 0600 from the first byte: the tokens are never readable by others, not even briefly.
    gravar_privado(arquivo, json.dumps(conteudo, indent=2))
