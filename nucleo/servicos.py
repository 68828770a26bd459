"""The managers and the writer of one process, built once from one GerenciadorBD and the settings.

The Flask app, the console and the benchmarks each build one `Servicos`; the use cases in
nucleo/ take it as their first argument. The writer gets the managers it writes to and a
callback for what a batch says about the machines' states (nucleo/estados.py), never this container.
"""
from dataclasses import dataclass, field

from MongoDB.gerencia_agregados import GerenciaAgregados
from MongoDB.gerencia_alarmes import GerenciaAlarmes
from MongoDB.gerencia_comandos import GerenciaComandos
from MongoDB.gerencia_estados_regra import GerenciaEstadosRegra
from MongoDB.gerencia_historico import GerenciaHistorico
from MongoDB.gerencia_maquinas import GerenciaMaquinas
from MongoDB.gerencia_modelos import GerenciaModelos
from MongoDB.gerencia_notificacoes import GerenciaNotificacoes
from MongoDB.gerencia_paradas import GerenciaParadas
from MongoDB.gerencia_registros import GerenciaRegistros
from MongoDB.gerencia_telemetria import GerenciaTelemetria
from MongoDB.gerencia_sessoes import GerenciaSessoes
from MongoDB.gerencia_usuario import GerenciaUsuario
from MongoDB.migracao import migrar_leituras_antigas

from . import contrato
from .contadores import Contadores
from .credenciais import SemCredenciaisNoBroker
from .email_alarme import EnvioEmail
from .entregador import Entregador
from .estados import Estados
from .gravador import Gravador
from .historico import HistoricoEstados
from .motor_alarmes import MotorAlarmes
from .notificacoes import Notificador
from .webhook import EnvioWebhook


@dataclass
class Servicos:
    bd: object
    cfg: dict
    contadores: Contadores
    usuarios: GerenciaUsuario
    sessoes: GerenciaSessoes
    maquinas: GerenciaMaquinas
    telemetria: GerenciaTelemetria
    agregados: GerenciaAgregados
    registros: GerenciaRegistros
    comandos: GerenciaComandos
    alarmes: GerenciaAlarmes
    modelos: GerenciaModelos
    motor_alarmes: MotorAlarmes
    gravador: Gravador
    historico: HistoricoEstados
    estados: Estados
    paradas: GerenciaParadas
    notificacoes: GerenciaNotificacoes
    entregador: Entregador
    credenciais: object = field(default_factory=SemCredenciaisNoBroker)  # the broker's device logins

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
    telemetria = GerenciaTelemetria(bd, contrato.SENSORES, guardar_data=bd.guarda_datas)
    agregados = GerenciaAgregados(bd, telemetria, guardar_data=bd.guarda_datas)
    alarmes, modelos = GerenciaAlarmes(bd), GerenciaModelos(bd)
    historico = HistoricoEstados(GerenciaHistorico(bd))
    estados = Estados(maquinas, comandos, historico)
    alarmes_ativos = cfg.get("ALARMES_ATIVOS", True)
    usuarios = GerenciaUsuario(bd, preferencias, cfg.get("BCRYPT_ROUNDS", 12))
    notificacoes, entregador = _notificacoes(bd, cfg, usuarios)
    motor = MotorAlarmes(maquinas, alarmes, GerenciaEstadosRegra(bd), modelos,
                         cfg.get("VIBRACAO_ZONAS") or contrato.ZONAS_VIBRACAO_PADRAO,
                         notificar=Notificador(usuarios, notificacoes, entregador.canais),
                         intervalo_s=cfg.get("GRAVACAO_ATIVIDADE_S", 5), ao_calar=historico.silenciaram,
                         levantar_alarmes=alarmes_ativos)
    gravador = Gravador(telemetria, agregados, maquinas, estados.aplicar_lote,
                        capacidade=cfg.get("FILA_GRAVACAO", 50_000),
                        intervalo_atividade_s=cfg.get("GRAVACAO_ATIVIDADE_S", 5),
                        intervalo_agregados_s=cfg.get("GRAVACAO_AGREGADOS_S", 10), contadores=contadores,
                        avaliador=motor if alarmes_ativos else None)
    return Servicos(bd=bd, cfg=cfg, contadores=contadores,
                    usuarios=usuarios, sessoes=GerenciaSessoes(bd),
                    maquinas=maquinas, telemetria=telemetria, agregados=agregados,
                    registros=GerenciaRegistros(bd), comandos=comandos, alarmes=alarmes, modelos=modelos,
                    motor_alarmes=motor, gravador=gravador, historico=historico, estados=estados,
                    paradas=GerenciaParadas(bd), notificacoes=notificacoes, entregador=entregador,
                    credenciais=credenciais or SemCredenciaisNoBroker())


def _notificacoes(bd, cfg, usuarios):
    """The outbox and its delivery worker with both channels (the worker's thread starts in app.py)."""
    notificacoes = GerenciaNotificacoes(bd)
    canais = {"webhook": EnvioWebhook(cfg), "email": EnvioEmail(cfg)}
    entregador = Entregador(notificacoes, usuarios, canais, tentativas=cfg.get("NOTIFICACOES_TENTATIVAS", 8),
                            espera_inicial_s=cfg.get("NOTIFICACOES_ESPERA_INICIAL_S", 30.0),
                            espera_maxima_s=cfg.get("NOTIFICACOES_ESPERA_MAXIMA_S", 3600.0),
                            concessao_s=cfg.get("NOTIFICACOES_CONCESSAO_S", 120.0))
    return notificacoes, entregador


def preparar_banco(servicos):
    """What a process does before using a database: indexes, retention, readings of an older shape."""
    bd, cfg = servicos.bd, servicos.cfg
    bd.criar_indices()
    migrar_leituras_antigas(bd, servicos.telemetria)
    bd.aplicar_retencao(cfg.get("RETENCAO_DIAS_BRUTOS", 35), cfg.get("RETENCAO_DIAS_AGREGADOS", 730),
                        cfg.get("NOTIFICACOES_RETENCAO_DIAS", 7))
