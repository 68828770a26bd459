"""Commands to a machine (start within its limits, stop, reset), the same from the API and any other caller.

A command is recorded first (state `enviado`, with its expiry), then handed to `publicar`, the
MQTT adapter's publisher; when the broker is down it is marked `falhou` and refused with 503.
"""
from MongoDB.erros import Indisponivel, MaquinaOffline

from .contrato import CONFIGURACAO_RESET
from .validacao import validar_parametros_partida


class BrokerDesconectado(Indisponivel):
    chave = "broker_desconectado"


def _maquina_pronta(servicos, maquina_id, usuario_id):
    """The caller's machine, online; offline (or never seen) is a 409, never a 500."""
    maquina = servicos.maquinas.buscar_do_usuario(maquina_id, usuario_id)
    if not servicos.maquinas.esta_online(maquina):
        raise MaquinaOffline()
    return maquina


def _enviar(servicos, publicar, maquina_id, usuario_id, comando, parametros=None) -> dict:
    registro = servicos.comandos.registrar(maquina_id, usuario_id, comando, parametros,
                                           servicos.cfg.get("COMMAND_TTL_SECONDS", 30))
    if publicar is None or not publicar(maquina_id, registro):
        servicos.comandos.marcar_falha(registro["comando_id"])
        raise BrokerDesconectado()
    return registro


def iniciar(servicos, publicar, maquina_id, usuario_id, dados) -> dict:
    """Start with `voltagem`, `velocidade`, `temperatura` within the machine's limits; the parameters are kept."""
    maquina = servicos.maquinas.buscar_do_usuario(maquina_id, usuario_id)
    parametros = validar_parametros_partida(dados, servicos.maquinas.limites_partida(maquina))
    _maquina_pronta(servicos, maquina_id, usuario_id)
    registro = _enviar(servicos, publicar, maquina_id, usuario_id, "start", parametros)
    servicos.maquinas.salvar_configuracoes(maquina_id, parametros)
    return registro


def parar(servicos, publicar, maquina_id, usuario_id) -> dict:
    _maquina_pronta(servicos, maquina_id, usuario_id)
    return _enviar(servicos, publicar, maquina_id, usuario_id, "stop")


def resetar(servicos, publicar, maquina_id, usuario_id) -> dict:
    """Stop the machine and restore the default parameters (220 V, 500 rpm, 20 °C)."""
    _maquina_pronta(servicos, maquina_id, usuario_id)
    registro = _enviar(servicos, publicar, maquina_id, usuario_id, "reset", dict(CONFIGURACAO_RESET))
    servicos.maquinas.salvar_configuracoes(maquina_id, dict(CONFIGURACAO_RESET))
    return registro
