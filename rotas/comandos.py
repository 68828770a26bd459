"""Commands API: start (with limits), stop, reset; each is recorded with its state."""
from flask import Blueprint, current_app, g, jsonify

from MongoDB import validacao
from MongoDB.erros import MaquinaOffline

from .entrada import corpo_json, parametro_inteiro
from .mqtt import publicar_comando
from .seguranca import servicos, token_required

bp = Blueprint("comandos", __name__, url_prefix="/api/machines")


def _maquina_pronta(maquina_id):
    """The caller's machine, online; offline (or never seen) is a 409, never a 500."""
    maquina = servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    if not servicos().maquinas.esta_online(maquina):
        raise MaquinaOffline()
    return maquina


def _enviar(maquina, comando, parametros=None):
    registro = servicos().comandos.registrar(
        str(maquina["_id"]), g.usuario["id"], comando, parametros, current_app.config["COMANDO_VALIDADE_S"])
    publicar_comando(current_app, str(maquina["_id"]), registro)
    return registro


@bp.post("/<maquina_id>/start")
@token_required
def iniciar(maquina_id):
    """Start with `voltagem`, `velocidade`, `temperatura` within the machine's limits."""
    maquina = servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    parametros = validacao.validar_parametros_partida(corpo_json(), servicos().maquinas.limites_partida(maquina))
    maquina = _maquina_pronta(maquina_id)
    registro = _enviar(maquina, "start", parametros)
    servicos().maquinas.salvar_configuracoes(maquina_id, parametros)
    return jsonify({"message": "Comando de partida enviado", "comando": registro}), 202


@bp.post("/<maquina_id>/stop")
@token_required
def parar(maquina_id):
    registro = _enviar(_maquina_pronta(maquina_id), "stop")
    return jsonify({"message": "Comando de parada enviado", "comando": registro}), 202


@bp.post("/<maquina_id>/reset")
@token_required
def resetar(maquina_id):
    """Stop the machine and restore the default parameters (220 V, 500 rpm, 20 °C)."""
    registro = _enviar(_maquina_pronta(maquina_id), "reset", dict(validacao.CONFIGURACAO_RESET))
    servicos().maquinas.salvar_configuracoes(maquina_id, dict(validacao.CONFIGURACAO_RESET))
    return jsonify({"message": "Comando de reset enviado", "comando": registro}), 202


@bp.get("/<maquina_id>/commands")
@token_required
def listar(maquina_id):
    servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    limite = parametro_inteiro("limit", 20, 1, 100)
    return jsonify({"comandos": servicos().comandos.listar(maquina_id, g.usuario["id"], limite)})
