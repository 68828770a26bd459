"""The amqtt plugins that apply mqtt/acesso.py: who may connect, and what each client may touch.

Plugins are amqtt's documented extension point: `AutenticacaoPorteiro` asks the Porteiro
about every CONNECT and keeps the answer (Permissoes) on the session; `AclPorteiro` checks
every SUBSCRIBE, PUBLISH and delivery against it. No answer, no access: anonymous clients,
unknown machines and wrong tokens are refused.
"""
import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from amqtt.contexts import Action
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin

from .acesso import pode_assinar, pode_publicar, pode_receber

log = logging.getLogger(__name__)

CHAVE_PERMISSOES = "databutcher.permissoes"  # in Session.attributes, amqtt's place for plugin data


async def perguntar_ao_porteiro(porteiro, usuario, senha):
    """The client's Permissoes or None; asked off the event loop (it may query the database)."""
    return await asyncio.get_running_loop().run_in_executor(None, porteiro.permissoes, usuario, senha)


class AutenticacaoPorteiro(BaseAuthPlugin):
    """CONNECT: accepted only with credentials the Porteiro recognises."""

    @dataclass
    class Config:
        porteiro: Any = None

    async def authenticate(self, *, session) -> bool:
        permissoes = await perguntar_ao_porteiro(self.config.porteiro, session.username, session.password)
        session.attributes[CHAVE_PERMISSOES] = permissoes
        return permissoes is not None


class AclPorteiro(BaseTopicPlugin):
    """SUBSCRIBE, PUBLISH and delivery, each checked against the client's Permissoes."""

    @dataclass
    class Config:
        pass

    async def topic_filtering(self, *, session=None, topic=None, action=None) -> bool:
        permissoes = session.attributes.get(CHAVE_PERMISSOES) if session is not None else None
        if permissoes is None or not topic:
            return False
        if action == Action.PUBLISH:
            permitido = pode_publicar(permissoes, topic)
        elif action == Action.SUBSCRIBE:
            permitido = pode_assinar(permissoes, topic)
        else:
            return pode_receber(permissoes, topic)
        if not permitido:
            log.warning("MQTT: %s recusado para %s em %r", action.value, permissoes.usuario, topic[:200])
        return permitido


def configuracao(host, porta, porteiro) -> dict:
    """amqtt's configuration: one TCP listener and these two plugins, so nothing anonymous."""
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{porta}"}},
        "plugins": {f"{__name__}.AutenticacaoPorteiro": {"porteiro": porteiro}, f"{__name__}.AclPorteiro": {}},
    }
