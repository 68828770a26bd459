"""Who may do what on the broker: the one definition of every MQTT client's rights.

A device logs in with username = its machine id and password = its device token, and may
publish only its own status and telemetry and subscribe only to its own commands. The app
logs in with its own credentials and may read every status and telemetry topic and write
every command topic. Nobody else gets in. The embedded amqtt broker applies these rules on
each CONNECT, SUBSCRIBE, PUBLISH and delivery; mosquitto's dynamic-security roles are
written from the same lists (mqtt/dynsec.py).
"""
import hmac
from dataclasses import dataclass

from MongoDB.erros import ErroDominio
from nucleo.validacao import maquina_id as validar_maquina_id

from .contrato import TIPOS_DO_DISPOSITIVO, topico

PREFIXO_COMPARTILHADO = "$share/"


@dataclass(frozen=True)
class Permissoes:
    """What one logged-in client may do: topics it may publish to, filters it may subscribe to."""

    usuario: str
    publicar: tuple
    assinar: tuple
    dispositivo: bool


def permissoes_dispositivo(maquina_id) -> Permissoes:
    return Permissoes(maquina_id, publicar=tuple(topico(maquina_id, tipo) for tipo in TIPOS_DO_DISPOSITIVO),
                      assinar=(topico(maquina_id, "comandos"),), dispositivo=True)


def permissoes_app(usuario) -> Permissoes:
    return Permissoes(usuario, publicar=(topico("+", "comandos"),),
                      assinar=tuple(topico("+", tipo) for tipo in TIPOS_DO_DISPOSITIVO), dispositivo=False)


def casa(filtro, topico_publicado) -> bool:
    """MQTT matching of a concrete topic against a filter with `+` and `#`."""
    niveis_filtro, niveis_topico = filtro.split("/"), topico_publicado.split("/")
    for posicao, nivel in enumerate(niveis_filtro):
        if nivel == "#":
            return True
        if posicao >= len(niveis_topico) or nivel not in ("+", niveis_topico[posicao]):
            return False
    return len(niveis_filtro) == len(niveis_topico)


def pode_publicar(permissoes, topico_publicado) -> bool:
    return any(casa(filtro, topico_publicado) for filtro in permissoes.publicar)


def pode_assinar(permissoes, filtro) -> bool:
    """Only the exact filters granted: `databutcher/+/comandos` is not a device's own commands."""
    if filtro.startswith(PREFIXO_COMPARTILHADO):  # $share/<group>/<filter>: the group is the app's business
        filtro = filtro.split("/", 2)[2] if filtro.count("/") >= 2 else ""
    return filtro in permissoes.assinar


def pode_receber(permissoes, topico_publicado) -> bool:
    return any(casa(filtro, topico_publicado) for filtro in permissoes.assinar)


class Porteiro:
    """Checks a CONNECT's username and password: the app's credentials, or a machine id and its token.

    `autenticar_dispositivo(maquina_id, token)` raises a domain error unless the token is that
    machine's (GerenciaMaquinas.autenticar_dispositivo); the porteiro never sees a manager.
    """

    def __init__(self, usuario_app, senha_app, autenticar_dispositivo):
        if not usuario_app or not senha_app:
            raise ValueError("o broker embutido exige usuário e senha do app")
        self.usuario_app, self._senha_app = usuario_app, senha_app
        self._autenticar_dispositivo = autenticar_dispositivo

    def permissoes(self, usuario, senha):
        """The client's Permissoes, or None: anonymous, unknown, wrong password."""
        if not isinstance(usuario, str) or not isinstance(senha, str) or not usuario or not senha:
            return None
        if hmac.compare_digest(usuario.encode(), self.usuario_app.encode()):
            return permissoes_app(usuario) if hmac.compare_digest(senha.encode(), self._senha_app.encode()) else None
        try:
            if validar_maquina_id(usuario) != usuario:  # one spelling per machine: its id as printed
                return None
            self._autenticar_dispositivo(usuario, senha)
        except ErroDominio:  # a malformed id, an unknown machine or a wrong token alike
            return None
        return permissoes_dispositivo(usuario)
