"""The managers of one process, built once from one GerenciadorBD, plus the ingest rules.

Both the Flask app and the console build a `Servicos`; HTTP and MQTT hand readings
and status messages to the same two methods, so they behave the same on both paths.
"""
import threading
import time
from dataclasses import dataclass, field

from . import validacao
from .gerencia_comandos import GerenciaComandos
from .gerencia_maquinas import GerenciaMaquinas
from .gerencia_registros import GerenciaRegistros
from .gerencia_telemetria import GerenciaTelemetria
from .gerencia_usuario import GerenciaUsuario

# Writing "last activity" on every message was ThingsBoard's bottleneck: once a second is enough.
INTERVALO_ATIVIDADE_S = 1.0


@dataclass
class Servicos:
    bd: object
    usuarios: GerenciaUsuario
    maquinas: GerenciaMaquinas
    telemetria: GerenciaTelemetria
    registros: GerenciaRegistros
    comandos: GerenciaComandos
    _atividade_gravada: dict = field(default_factory=dict)
    _trava: threading.Lock = field(default_factory=threading.Lock)

    def receber_leitura(self, maquina_id, dados, agora=None):
        """Validate and store one reading for a known machine; returns (id, duplicada)."""
        leitura = validacao.validar_leitura(dados)
        agora = agora or validacao.agora_utc()
        leitura_id, duplicada = self.telemetria.inserir(maquina_id, leitura, agora)
        if not duplicada:
            self._talvez_gravar_atividade(maquina_id, leitura, agora)
        return leitura_id, duplicada

    def receber_estado(self, maquina_id, estado, agora=None) -> bool:
        """Apply a status message and confirm the commands it satisfies."""
        agora = agora or validacao.agora_utc()
        if not self.maquinas.registrar_estado(maquina_id, estado, agora):
            return False
        self.comandos.confirmar_por_estado(maquina_id, estado, agora)
        with self._trava:
            self._atividade_gravada[maquina_id] = time.monotonic()
        return True

    def _talvez_gravar_atividade(self, maquina_id, leitura, agora):
        agora_mono = time.monotonic()
        with self._trava:
            if agora_mono - self._atividade_gravada.get(maquina_id, -INTERVALO_ATIVIDADE_S) < INTERVALO_ATIVIDADE_S:
                return
            self._atividade_gravada[maquina_id] = agora_mono
        ultima = dict(leitura["dados_sensor"], timestamp=leitura.get("ts") or agora)
        self.maquinas.registrar_atividade(maquina_id, agora, ultima)


def criar_servicos(bd, cfg) -> Servicos:
    """Build every manager over `bd` with the settings in `cfg`."""
    return Servicos(
        bd=bd,
        usuarios=GerenciaUsuario(bd, cfg.get("BCRYPT_ROUNDS", 12)),
        maquinas=GerenciaMaquinas(bd, cfg.get("HEARTBEAT_TIMEOUT", 45)),
        telemetria=GerenciaTelemetria(bd),
        registros=GerenciaRegistros(bd),
        comandos=GerenciaComandos(bd),
    )
