"""Machine use cases shared by the API, the pages and the console: create (with label), claim, new secret,
new device token, remove. Creating, rotating and removing also keep the broker's device login in step
(`servicos.credenciais`, nucleo/credenciais.py)."""
import logging
from pathlib import Path

from MongoDB.erros import (Conflito, CredenciaisDoBrokerIndisponiveis, DadosInvalidos, Indisponivel,
                           MaquinaNaoEncontrada)

from . import etiquetas, validacao

log = logging.getLogger(__name__)

NOME_MAXIMO = 80
SEGREDO_MAXIMO = 100


class EtiquetaNaoGravada(Indisponivel):
    """The QR PNG could not be written (folder missing, not writable, disk full)."""

    chave = "etiqueta_nao_gravada"


def _gravar_etiqueta(servicos, maquina_id, segredo):
    """(claim link, absolute path of the QR PNG), the PNG written or overwritten."""
    link = etiquetas.link_reivindicacao(servicos.cfg["PUBLIC_URL"], maquina_id, segredo)
    pasta = servicos.cfg["QRCODE_DIR"]
    try:
        caminho = etiquetas.gravar_qrcode(link, pasta, maquina_id)
    except OSError as erro:
        raise EtiquetaNaoGravada(pasta=pasta, motivo=erro.strerror) from None
    return link, str(Path(caminho).resolve())


def criar(servicos, fabricante, modelo) -> dict:
    """Create one machine and its broker login; returns {"maquina", "segredo", "token"} (known only now).

    If the broker refuses the login the machine is removed again: its token would be lost with
    no device able to use it.
    """
    fabricante = validacao.texto(fabricante, "fabricante", NOME_MAXIMO)
    modelo = validacao.texto(modelo, "modelo", NOME_MAXIMO)
    criada = servicos.maquinas.criar(fabricante, modelo)
    try:
        servicos.credenciais.definir(criada["maquina"]["id"], criada["token"])
    except CredenciaisDoBrokerIndisponiveis:
        servicos.maquinas.remover(criada["maquina"]["id"])
        raise
    return criada


def criar_com_etiqueta(servicos, fabricante, modelo) -> dict:
    """Create one machine, its broker login and its QR label: the only moment its secret and token are known.

    If the label cannot be written the machine is removed again: a machine nobody can
    claim, whose secret is lost, is worse than none.
    """
    criada = criar(servicos, fabricante, modelo)
    maquina = criada["maquina"]
    try:
        link, qrcode = _gravar_etiqueta(servicos, maquina["id"], criada["segredo"])
    except EtiquetaNaoGravada:
        _desfazer(servicos, maquina["id"])
        raise
    return {"maquina": maquina, "id": maquina["id"], "fabricante": maquina["fabricante"], "modelo": maquina["modelo"],
            "link": link, "segredo": criada["segredo"], "token_dispositivo": criada["token"], "qrcode": qrcode}


def _desfazer(servicos, maquina_id):
    """Undo a creation whose label failed; a broker login left behind has a password nobody knows."""
    try:
        servicos.credenciais.remover(maquina_id)
    except CredenciaisDoBrokerIndisponiveis:
        log.warning("Login MQTT da máquina %s ficou no broker (sem uso: o token se perdeu)", maquina_id)
    servicos.maquinas.remover(maquina_id)


def novo_token(servicos, maquina_id) -> str:
    """Replace a leaked device token, on HTTP and on the broker: the old one stops working at once."""
    token = servicos.maquinas.novo_token(maquina_id)
    try:
        servicos.credenciais.definir(maquina_id, token)
    except CredenciaisDoBrokerIndisponiveis as erro:
        raise CredenciaisDoBrokerIndisponiveis("token_trocado_broker_pendente", **erro.valores) from None
    return token


def novo_segredo(servicos, maquina_id, forcar=False) -> dict:
    """A new claim secret and label; the old secret and printed label stop claiming at once.

    A machine with an owner is refused unless `forcar` (the owner keeps it either way).
    """
    doc = servicos.maquinas.buscar(maquina_id)
    if doc is None:
        raise MaquinaNaoEncontrada()
    dono = doc.get("id_usuario") or None
    if dono and not forcar:
        raise Conflito("segredo_maquina_com_dono", maquina_id=maquina_id, dono=dono)
    # A claim racing this check wins as if it came a moment earlier; the old label stops working either way.
    segredo = servicos.maquinas.novo_segredo(maquina_id)
    try:
        link, qrcode = _gravar_etiqueta(servicos, maquina_id, segredo)
    except EtiquetaNaoGravada as erro:
        raise EtiquetaNaoGravada("etiqueta_nao_gravada_segredo_trocado", **erro.valores) from None
    return {"id": maquina_id, "link": link, "segredo": segredo, "qrcode": qrcode, "dono": dono}


def remover(servicos, maquina_id):
    """Delete a machine, its broker login and its label (which carries the claim secret).

    The login goes first: if the broker does not confirm, the machine stays and the command can
    be repeated, rather than a machine gone whose device still gets in.
    """
    if servicos.maquinas.buscar(maquina_id) is None:
        raise MaquinaNaoEncontrada()
    try:
        servicos.credenciais.remover(maquina_id)
    except CredenciaisDoBrokerIndisponiveis as erro:
        raise CredenciaisDoBrokerIndisponiveis("remocao_broker_pendente", **erro.valores) from None
    if not servicos.maquinas.remover(maquina_id):
        raise MaquinaNaoEncontrada()
    if servicos.cfg.get("QRCODE_DIR"):
        etiquetas.apagar_qrcode(servicos.cfg["QRCODE_DIR"], maquina_id)


def ler_pedido_de_reivindicacao(codigo=None, segredo=None, link=None):
    """(codigo, segredo) from a code + secret, or from the claim link a QR label carries."""
    if link is not None:
        codigo, segredo = etiquetas.ler_link_reivindicacao(link)
        if codigo is None or segredo is None:
            raise DadosInvalidos("link_invalido", "link")
    return validacao.maquina_id(codigo, "codigo"), validacao.texto(segredo, "segredo", SEGREDO_MAXIMO)


def reivindicar(servicos, usuario_id, nome_maquina, codigo=None, segredo=None, link=None):
    """Claim a free machine for `usuario_id`; returns (machine, newly_claimed)."""
    codigo, segredo = ler_pedido_de_reivindicacao(codigo, segredo, link)
    nome = validacao.texto(nome_maquina, "nome_maquina", NOME_MAXIMO)
    return servicos.maquinas.reivindicar(codigo, segredo, usuario_id, nome)


TIMEOUT_MINIMO_S, TIMEOUT_MAXIMO_S = 5, 86_400
AJUSTES = ("nome_maquina", "timeout_s", "classe_vibracao", "linha", "local")
GRUPO_MAXIMO = 60  # `linha` and `local`: how the dashboard groups a plant


def ajustar(servicos, maquina_id, usuario_id, dados) -> dict:
    """The owner's settings of a machine: its name, its own offline timeout, its vibration class (ISO 10816-3),
    and the production line and place the dashboard groups it by (`null` or "" clears them)."""
    if not isinstance(dados, dict):
        raise DadosInvalidos("corpo_nao_objeto")
    for campo in dados:
        if campo not in AJUSTES:
            raise DadosInvalidos("campo_desconhecido", campo)
    if not dados:
        raise DadosInvalidos("nada_a_ajustar", aceitos=", ".join(AJUSTES))
    campos = {}
    if "nome_maquina" in dados:
        campos["nome_maquina"] = validacao.texto(dados["nome_maquina"], "nome_maquina", NOME_MAXIMO)
    if "timeout_s" in dados:
        campos["timeout_s"] = (None if dados["timeout_s"] is None
                               else validacao.inteiro(dados["timeout_s"], "timeout_s", TIMEOUT_MINIMO_S, TIMEOUT_MAXIMO_S))
    if "classe_vibracao" in dados:
        classe = dados["classe_vibracao"]
        campos["classe_vibracao"] = (None if classe is None else
                                     validacao.um_de(classe, servicos.motor_alarmes.zonas_por_classe, "classe_vibracao"))
    for grupo in ("linha", "local"):
        if grupo in dados:
            campos[grupo] = None if dados[grupo] in (None, "") else validacao.texto(dados[grupo], grupo, GRUPO_MAXIMO)
    doc = servicos.maquinas.ajustar(maquina_id, usuario_id, campos)
    servicos.motor_alarmes.esquecer(maquina_id)
    return servicos.maquinas.publico(doc)
