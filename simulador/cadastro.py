"""The machines `main.py simular` and `main.py demo` drive, and the device tokens they log in with.

A simulated machine logs in as itself (machine id + device token), so the simulator must hold each
machine's token. The product stores only a hash of it, and prints it once, when the machine is created
or its token rotated. So:
- machines the simulator creates (`--maquinas N`) are kept with their token and claim secret;
- an existing machine (`--maquina ID`, `--usuario X`) gets a new token issued through the product's own
  rotation (nucleo.maquinas.novo_token: the database and, with MQTT_DYNSEC, mosquitto's login), said so
  on the console: the old token stops working. A machine that is online right now (a real device is
  talking with a token nobody here knows) is refused unless the caller insists (`trocar_online`).
Every token is kept in DATA_DIR/simulador.json (0600), so the next run reuses it instead of rotating
again; a removed machine or a token rotated since is dropped from the file.
"""
import json
import logging
from pathlib import Path

from MongoDB.erros import (Conflito, DadosInvalidos, ErroDominio, MaquinaDeOutroUsuario,
                           MaquinaNaoEncontrada)
from nucleo import contas, validacao
from nucleo import maquinas as casos
from nucleo.arquivos import gravar_privado

log = logging.getLogger(__name__)

ARQUIVO_MAQUINAS = "simulador.json"


class Chaveiro:
    """DATA_DIR/simulador.json: `maquinas` (created by the simulator: id, token, claim secret) and `adotadas`
    (existing machines whose token the simulator issued: id, token). Entries whose token no longer
    authenticates are dropped on reading."""

    def __init__(self, servicos, pasta_dados):
        self.servicos = servicos
        self.arquivo = Path(pasta_dados) / ARQUIVO_MAQUINAS
        dados = _ler(self.arquivo)
        self.criadas = [m for m in _entradas(dados, "maquinas", {"id", "token", "segredo"}) if self._vale(m)]
        self.adotadas = [m for m in _entradas(dados, "adotadas", {"id", "token"}) if self._vale(m)]

    def _vale(self, maquina) -> bool:
        try:
            self.servicos.maquinas.autenticar_dispositivo(maquina["id"], maquina["token"])
            return True
        except ErroDominio:
            return False

    def token(self, maquina_id):
        """The token kept for `maquina_id` (created or adopted), or None."""
        return next((m["token"] for m in self.criadas + self.adotadas if m["id"] == maquina_id), None)

    def adotar(self, maquina_id, token):
        self.adotadas = [m for m in self.adotadas if m["id"] != maquina_id] + [{"id": maquina_id, "token": token}]

    def gravar(self):
        conteudo = {"maquinas": [{campo: m[campo] for campo in ("id", "token", "segredo")} for m in self.criadas],
                    "adotadas": [{"id": m["id"], "token": m["token"]} for m in self.adotadas]}
        # 0600 from the first byte: the tokens are never readable by others, not even briefly.
        gravar_privado(self.arquivo, json.dumps(conteudo, indent=2))


def preparar_maquinas(servicos, pasta_dados, quantidade, nome_usuario=None) -> list:
    """Reuse the machines the simulator created before that still exist, create the rest, claim them.

    Returns [{"id", "token", "segredo", "nova"}] (quantidade items); `nome_usuario` is a user name or e-mail.
    """
    usuario = contas.encontrar(servicos, nome_usuario) if nome_usuario else None
    chaveiro = Chaveiro(servicos, pasta_dados)
    for maquina in chaveiro.criadas:
        maquina["nova"] = False
    while len(chaveiro.criadas) < quantidade:
        criada = casos.criar(servicos, "DataButcher", "Simulador")  # with its broker login, like any machine
        chaveiro.criadas.append({"id": criada["maquina"]["id"], "token": criada["token"], "segredo": criada["segredo"],
                                 "nova": True})
    chaveiro.gravar()
    escolhidas = chaveiro.criadas[:quantidade]
    if usuario is not None:
        for numero, maquina in enumerate(escolhidas, start=1):
            try:
                servicos.maquinas.reivindicar(maquina["id"], maquina["segredo"], usuario["id"], f"Simulada {numero:03d}")
                maquina["reivindicada"] = True
            except MaquinaDeOutroUsuario:
                maquina["reivindicada"] = False
    return escolhidas


def maquinas_do_usuario(servicos, nome_ou_email) -> list:
    """The ids of every machine the user has claimed; refused when there is none."""
    usuario = contas.encontrar(servicos, nome_ou_email)
    ids = [maquina["id"] for maquina in servicos.maquinas.listar_do_usuario(usuario["id"])]
    if not ids:
        raise ErroDominio("simulador_usuario_sem_maquinas", usuario=usuario["nome_usuario"])
    return ids


def adotar_maquinas(servicos, pasta_dados, maquina_ids, trocar_online=False) -> list:
    """Existing machines ready to talk: [{"id", "token", "token_novo"}], a token issued where none is kept.

    Everything is checked before any token changes: an unknown id, or an online machine without
    `trocar_online`, refuses the whole run with nothing rotated.
    """
    chaveiro = Chaveiro(servicos, pasta_dados)
    ids = list(dict.fromkeys(_id_valido(texto) for texto in maquina_ids))  # once each, in the order given
    docs = {maquina_id: servicos.maquinas.buscar(maquina_id) for maquina_id in ids}
    for maquina_id, doc in docs.items():
        if doc is None:
            raise MaquinaNaoEncontrada("simulador_maquina_desconhecida", maquina_id=maquina_id)
        if chaveiro.token(maquina_id) is None and servicos.maquinas.esta_online(doc) and not trocar_online:
            raise Conflito("simulador_maquina_online", maquina_id=maquina_id)
    prontas = []
    for maquina_id in ids:
        token, novo = chaveiro.token(maquina_id), False
        if token is None:
            token, novo = casos.novo_token(servicos, maquina_id), True
            chaveiro.adotar(maquina_id, token)
            chaveiro.gravar()  # at once: a later failure must not lose a token already in force
            log.info("Token do dispositivo da máquina %s trocado para o simulador", maquina_id)
        prontas.append({"id": maquina_id, "token": token, "token_novo": novo})
    return prontas


def guardar_tokens(servicos, pasta_dados, maquinas):
    """Keep [(id, token)] of machines just created elsewhere (`demo`), for the simulator's next runs."""
    chaveiro = Chaveiro(servicos, pasta_dados)
    for maquina_id, token in maquinas:
        chaveiro.adotar(maquina_id, token)
    chaveiro.gravar()


def _id_valido(texto) -> str:
    try:
        return validacao.maquina_id(texto)
    except DadosInvalidos:
        raise MaquinaNaoEncontrada("simulador_maquina_desconhecida", maquina_id=str(texto)) from None


def _ler(arquivo) -> dict:
    try:
        dados = json.loads(arquivo.read_text())
    except FileNotFoundError:
        return {}
    except ValueError:
        log.warning("%s ilegível: começando um novo", arquivo)
        return {}
    return dados if isinstance(dados, dict) else {}


def _entradas(dados, chave, campos) -> list:
    return [m for m in dados.get(chave, []) if isinstance(m, dict) and campos <= set(m)]
