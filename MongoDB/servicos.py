"""The managers of one process, built once from one GerenciadorBD, plus the ingest rules.

Both the Flask app and the console build a `Servicos`. HTTP and MQTT hand readings
to the same validation and the same writer (MongoDB/ingestao.py), so a reading is
accepted, deduplicated and aggregated the same way whichever path it took.
"""
import threading
import time
from dataclasses import dataclass, field

from . import validacao
from .gerencia_agregados import GerenciaAgregados
from .gerencia_comandos import GerenciaComandos
from .gerencia_maquinas import GerenciaMaquinas
from .gerencia_registros import GerenciaRegistros
from .gerencia_telemetria import GerenciaTelemetria
from .gerencia_usuario import GerenciaUsuario
from .ingestao import Gravador

# Known machine ids are remembered briefly so the MQTT thread does not query per message.
VALIDADE_CACHE_MAQUINAS_S = 30.0


@dataclass
class Servicos:
    bd: object
    usuarios: GerenciaUsuario
    maquinas: GerenciaMaquinas
    telemetria: GerenciaTelemetria
    agregados: GerenciaAgregados
    registros: GerenciaRegistros
    comandos: GerenciaComandos
    gravador: Gravador = None
    _maquinas_conhecidas: dict = field(default_factory=dict)
    _trava: threading.Lock = field(default_factory=threading.Lock)

    def receber_leitura(self, maquina_id, dados):
        """Validate one reading and wait until it is stored; returns (id, duplicada)."""
        leitura = validacao.validar_leitura(dados)
        return self.gravador.enfileirar_leitura(maquina_id, leitura, validacao.agora_utc(), aguardar=True)

    def receber_lote(self, maquina_id, leituras_validadas) -> list:
        """Queue already-validated readings and wait for all; returns [(id, duplicada)]."""
        recebido_em = validacao.agora_utc()
        pedidos = [self.gravador.enfileirar_leitura(maquina_id, leitura, recebido_em, aguardar=None)
                   for leitura in leituras_validadas]
        return [self.gravador.aguardar(pedido) for pedido in pedidos]

    def enfileirar_leitura(self, maquina_id, dados, recebido_em=None):
        """Validate one reading and queue it (MQTT path: no waiting on the network thread)."""
        leitura = validacao.validar_leitura(dados)
        self.gravador.enfileirar_leitura(maquina_id, leitura, recebido_em or validacao.agora_utc())

    def enfileirar_estado(self, maquina_id, estado):
        self.gravador.enfileirar_estado(maquina_id, estado, validacao.agora_utc())

    def receber_estado(self, maquina_id, estado, agora=None) -> bool:
        """Apply a status message now and confirm the commands it satisfies."""
        agora = agora or validacao.agora_utc()
        if not self.maquinas.registrar_estado(maquina_id, estado, agora):
            return False
        self.comandos.confirmar_por_estado(maquina_id, estado, agora)
        return True

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
        """Flush the writer (called at shutdown)."""
        self.gravador.parar()


def criar_servicos(bd, cfg, contadores=None) -> Servicos:
    """Build every manager over `bd` with the settings in `cfg`."""
    servicos = Servicos(
        bd=bd,
        usuarios=GerenciaUsuario(bd, cfg.get("BCRYPT_ROUNDS", 12)),
        maquinas=GerenciaMaquinas(bd, cfg.get("HEARTBEAT_TIMEOUT", 45)),
        telemetria=GerenciaTelemetria(bd),
        agregados=GerenciaAgregados(bd),
        registros=GerenciaRegistros(bd),
        comandos=GerenciaComandos(bd),
    )
    servicos.gravador = Gravador(servicos, capacidade=cfg.get("FILA_GRAVACAO", 50_000), contadores=contadores)
    return servicos
