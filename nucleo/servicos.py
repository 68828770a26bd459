"""The managers and the writer of one process, built once from one GerenciadorBD and the settings.

The Flask app, the console and the benchmarks each build one `Servicos`; the use cases in
nucleo/ take it as their first argument. The writer gets the managers it writes to and a
callback for status messages, never this container.
"""
import threading
import time
from dataclasses import dataclass, field
from functools import partial

from MongoDB.gerencia_agregados import GerenciaAgregados
from MongoDB.gerencia_comandos import GerenciaComandos
from MongoDB.gerencia_maquinas import GerenciaMaquinas
from MongoDB.gerencia_registros import GerenciaRegistros
from MongoDB.gerencia_telemetria import GerenciaTelemetria
from MongoDB.gerencia_usuario import GerenciaUsuario

from . import contrato
from .contadores import Contadores
from .credenciais import SemCredenciaisNoBroker
from .estados import aplicar_estado
from .gravador import Gravador

# Known machine ids are remembered briefly so the MQTT thread does not query per message.
VALIDADE_CACHE_MAQUINAS_S = 30.0


@dataclass
class Servicos:
    bd: object
    cfg: dict
    contadores: Contadores
    usuarios: GerenciaUsuario
    maquinas: GerenciaMaquinas
    telemetria: GerenciaTelemetria
    agregados: GerenciaAgregados
    registros: GerenciaRegistros
    comandos: GerenciaComandos
    gravador: Gravador
    credenciais: object = field(default_factory=SemCredenciaisNoBroker)  # the broker's device logins
    _maquinas_conhecidas: dict = field(default_factory=dict)
    _trava: threading.Lock = field(default_factory=threading.Lock)

    def maquina_existe(self, maquina_id) -> bool:
        """Cached for known machines; unknown ids are asked again every time they appear."""
        agora = time.monotonic()
        with self._trava:
            if agora - self._maquinas_conhecidas.get(maquina_id, -VALIDADE_CACHE_MAQUINAS_S) < VALIDADE_CACHE_MAQUINAS_S:
                return True
        if self.maquinas.buscar(maquina_id) is None:
            return False
        with self._trava:
            self._maquinas_conhecidas[maquina_id] = agora
        return True

    def encerrar(self):
        """Flush the writer and close the broker-login client (called at shutdown)."""
        self.gravador.parar()
        self.credenciais.fechar()


def criar_servicos(bd, cfg, contadores=None, credenciais=None) -> Servicos:
    """Build every manager over `bd` and the writer, with the settings in `cfg`.

    `credenciais` is the broker's device-login port (nucleo/credenciais.py); None = no-op.
    """
    contadores = contadores or Contadores()
    preferencias = {"fuso_horario": cfg.get("TIMEZONE") or contrato.FUSO_PADRAO,
                    "idioma": contrato.IDIOMA_PADRAO, "tema": "claro"}
    maquinas = GerenciaMaquinas(bd, contrato.CONFIGURACAO_RESET, contrato.LIMITES_PARTIDA_PADRAO,
                                cfg.get("HEARTBEAT_TIMEOUT", 45))
    comandos = GerenciaComandos(bd, contrato.ESTADO_ESPERADO)
    telemetria, agregados = GerenciaTelemetria(bd), GerenciaAgregados(bd, contrato.SENSORES)
    gravador = Gravador(telemetria, agregados, maquinas, partial(aplicar_estado, maquinas, comandos),
                        capacidade=cfg.get("FILA_GRAVACAO", 50_000), contadores=contadores)
    return Servicos(bd=bd, cfg=cfg, contadores=contadores,
                    usuarios=GerenciaUsuario(bd, preferencias, cfg.get("BCRYPT_ROUNDS", 12)),
                    maquinas=maquinas, telemetria=telemetria, agregados=agregados,
                    registros=GerenciaRegistros(bd), comandos=comandos, gravador=gravador,
                    credenciais=credenciais or SemCredenciaisNoBroker())
