"""DataButcher admin console: subcommands for scripts, an interactive menu for people (console/).

`python main.py` opens the menu; `python main.py maquina criar --fabricante WEG --modelo W22`
and the other subcommands are for scripts (see `--help`). It reads the same settings and
builds the same managers as the app, but never imports it: with no MONGO_URI it starts its
own nx-27017 on a free port over the app's DATA_DIR, and always stops it before exiting.
Exit codes: 0 ok, 1 refused (pt-BR message on stderr), 2 wrong usage.
"""
import argparse
import logging
import os
import sys

from pymongo.errors import PyMongoError

import config
from console import comandos as c
from console import simulacao
from console.menu import Menu
from console.terminal import Console
from MongoDB.erros import BancoEmbutidoIndisponivel, ErroDominio
from MongoDB.gerencia_BD import abrir_banco
from nucleo import mensagens
from nucleo.servicos import criar_servicos, preparar_banco

log = logging.getLogger("databutcher.console")

RECUSADO = 1


# ---- command line ------------------------------------------------------------------
def _inteiro_entre(minimo, maximo):
    """An argparse `type`: a whole number from `minimo` to `maximo`, refused in pt-BR otherwise."""
    def converter(texto):
        try:
            valor = int(texto)
        except ValueError:
            raise argparse.ArgumentTypeError(f"deve ser um número inteiro, recebido {texto!r}") from None
        if not minimo <= valor <= maximo:
            raise argparse.ArgumentTypeError(f"deve estar entre {minimo} e {maximo}")
        return valor
    return converter


def _positivo(texto):
    try:
        valor = float(texto)
    except ValueError:
        raise argparse.ArgumentTypeError(f"deve ser um número, recebido {texto!r}") from None
    if not valor > 0:
        raise argparse.ArgumentTypeError("deve ser maior que zero")
    return valor


def _comando(grupo, nome, ajuda, funcao, json_opcional=False):
    """A subcommand with pt-BR help, optionally with --json."""
    parser = grupo.add_parser(nome, help=ajuda, description=ajuda, add_help=False)
    parser.add_argument("-h", "--help", action="help", help="mostra esta ajuda e sai")
    if json_opcional:
        parser.add_argument("--json", action="store_true", help="saída em JSON (nada mais no stdout)")
    parser.set_defaults(funcao=funcao)
    return parser


def _grupo(comandos, nome, ajuda):
    parser = comandos.add_parser(nome, help=ajuda, description=ajuda, add_help=False)
    parser.add_argument("-h", "--help", action="help", help="mostra esta ajuda e sai")
    return parser.add_subparsers(dest="acao", required=True, metavar="AÇÃO", title="ações")


def _opcoes_do_simulador(p):
    """What `simular` and `demo` share: how the simulated devices talk, and for how long."""
    p.add_argument("--intervalo", type=_positivo, default=1.0, help="segundos entre leituras de cada máquina (padrão 1)")
    p.add_argument("--via", choices=["mqtt", "http"], default="mqtt", help="mqtt (padrão; recebe comandos) ou http (sem comandos)")
    p.add_argument("--duracao", type=_positivo, help="segundos de simulação (padrão: até Ctrl+C)")
    p.add_argument("--broker", help="host do broker MQTT (padrão: MQTT_BROKER_URL ou 127.0.0.1)")
    p.add_argument("--porta", type=int, help="porta do broker MQTT (padrão: MQTT_BROKER_PORT)")
    p.add_argument("--url", help="URL do app para --via http (padrão: http://HOST:PORT)")
    p.add_argument("--falhas", action="store_true", help="falhas ao acaso: superaquecimento e vibração (em operação), queda de rede")
    p.add_argument("--paradas", action="store_true", help="máquinas começam paradas (padrão: em operação, iniciada)")


def criar_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py", add_help=False,
        description="Console de administração do DataButcher. Sem argumentos, abre o menu interativo.",
        epilog="Códigos de saída: 0 sucesso, 1 operação recusada, 2 uso incorreto.")
    parser.add_argument("-h", "--help", action="help", help="mostra esta ajuda e sai")
    comandos = parser.add_subparsers(dest="comando", metavar="COMANDO", title="comandos")

    usuario = _grupo(comandos, "usuario", "gerenciar usuários")
    p = _comando(usuario, "criar", "criar um usuário", c.usuario_criar)
    p.add_argument("--nome", required=True, help="nome de usuário (3 a 40 letras, números, '.', '_' ou '-')")
    p.add_argument("--empresa", required=True, help="empresa do usuário")
    p.add_argument("--email", required=True, help="e-mail do usuário")
    p.add_argument("--senha", help="senha (sem esta opção ela é pedida sem eco; na linha de comando fica visível no ps)")
    p.add_argument("--admin", action="store_true", help="criar já como administrador")
    _comando(usuario, "remover", "remover um usuário (as máquinas dele ficam livres)",
             c.usuario_remover).add_argument("--nome", required=True, help="nome de usuário")
    p = _comando(usuario, "admin", "promover um usuário a administrador", c.usuario_admin)
    p.add_argument("usuario", nargs="?", metavar="USUARIO", help="nome de usuário ou e-mail da conta")
    p.add_argument("--nome", help="o mesmo, como opção (nome de usuário ou e-mail)")
    _comando(usuario, "listar", "listar os usuários", c.usuario_listar, json_opcional=True)

    maquina = _grupo(comandos, "maquina", "gerenciar máquinas")
    p = _comando(maquina, "criar", "criar máquinas com etiqueta QR code", c.maquina_criar, json_opcional=True)
    p.add_argument("--fabricante", required=True, help="fabricante, ex.: WEG")
    p.add_argument("--modelo", required=True, help="modelo, ex.: W22")
    p.add_argument("--quantidade", type=_inteiro_entre(1, 100), help="quantas máquinas criar (1 a 100); com --json sai uma lista")
    _comando(maquina, "listar", "listar todas as máquinas", c.maquina_listar, json_opcional=True)
    p = _comando(maquina, "remover", "apagar uma máquina", c.maquina_remover)
    p.add_argument("--id", required=True, help="id da máquina")
    p.add_argument("--sim", action="store_true", help="não pedir confirmação")
    _comando(maquina, "liberar", "desassociar uma máquina do dono atual",
             c.maquina_liberar).add_argument("--id", required=True, help="id da máquina")
    _comando(maquina, "token", "gerar um novo token de dispositivo (o anterior deixa de valer)",
             c.maquina_token).add_argument("--id", required=True, help="id da máquina")
    p = _comando(maquina, "novo-segredo", "gerar um novo segredo de associação e reescrever o QR code "
                 "(o segredo e a etiqueta anteriores deixam de valer)", c.maquina_novo_segredo, json_opcional=True)
    p.add_argument("--id", required=True, help="id da máquina")
    p.add_argument("--forcar", action="store_true",
                   help="trocar mesmo se a máquina tiver dono (ele continua com ela; só a etiqueta antiga deixa de valer)")

    regras = _grupo(comandos, "regras", "regras de alarme padrão por fabricante e modelo")
    p = _comando(regras, "definir", "definir as regras padrão de um fabricante/modelo (as máquinas sem regras "
                 "próprias passam a usá-las)", c.regras_definir)
    p.add_argument("--fabricante", required=True, help="fabricante, ex.: WEG")
    p.add_argument("--modelo", required=True, help="modelo, ex.: W22")
    p.add_argument("--regras", required=True, metavar="JSON",
                   help='lista JSON, ex.: \'[{"sensor": "temperatura", "maximo": 85, "duracao_s": 10, '
                        '"histerese": 5, "severidade": "alta"}]\' ou @arquivo.json')
    _comando(regras, "listar", "listar as regras padrão definidas", c.regras_listar, json_opcional=True)

    banco = _grupo(comandos, "banco", "o banco de dados")
    p = _comando(banco, "estimativa", "quanto disco a planta ocupa no banco embutido e quando passar ao MongoDB",
                 c.banco_estimativa)
    p.add_argument("--maquinas", type=_inteiro_entre(0, 100_000), help="quantas máquinas (padrão: as cadastradas)")
    p.add_argument("--hz", type=_positivo, default=1.0, help="leituras por segundo de cada máquina (padrão 1)")

    p = _comando(comandos, "simular", "fazer máquinas falarem como dispositivos (MQTT ou HTTP): as que existem "
                 "(--maquina, --usuario) ou novas máquinas simuladas (--maquinas N)", simulacao.simular)
    p.add_argument("--maquina", action="append", metavar="ID",
                   help="id de uma máquina existente (repita para várias); o simulador entra como ela")
    p.add_argument("--usuario", help="nome ou e-mail: sem --maquinas, simula todas as máquinas desse usuário; "
                                     "com --maquinas, associa a ele as máquinas simuladas")
    p.add_argument("--maquinas", type=_inteiro_entre(1, 5000),
                   help="criar (ou reaproveitar, de DATA_DIR/simulador.json) N máquinas simuladas (padrão 10 quando "
                        "nem --maquina nem --usuario é dado)")
    p.add_argument("--trocar-token", action="store_true",
                   help="simular mesmo uma máquina online cujo token o simulador não tem (troca o token: o "
                        "dispositivo que fala com ela agora é desconectado)")
    _opcoes_do_simulador(p)
    p.add_argument("--iniciadas", action="store_true", help=argparse.SUPPRESS)  # the default now; kept for old scripts

    p = _comando(comandos, "demo", "demonstração: máquinas de um usuário com dias de histórico (gráficos, alarmes, "
                 "paradas, /planta) e que continuam falando pelo simulador", simulacao.demo)
    p.add_argument("--usuario", help="nome ou e-mail da conta dona das máquinas (padrão: o único usuário, se só houver um)")
    p.add_argument("--maquinas", type=_inteiro_entre(1, 20), default=4, help="quantas máquinas (padrão 4)")
    p.add_argument("--dias", type=_inteiro_entre(1, 30), default=7, help="dias de histórico (padrão 7)")
    p.add_argument("--sem-simular", action="store_true", help="só semear o histórico, sem simular depois")
    _opcoes_do_simulador(p)
    return parser


def _despachar(args, con) -> int:
    if args.comando is None:
        return Menu(con).executar()
    return args.funcao(con, args)


def _recusar(mensagem) -> int:
    print(f"Erro: {mensagem}", file=sys.stderr)
    return RECUSADO


def _credenciais_do_broker(cfg):
    """Device logins on mosquitto when MQTT_DYNSEC=true; imported only then, so the console stays light."""
    if not cfg.get("MQTT_DYNSEC"):
        return None
    from mqtt.dynsec import credenciais_do_broker
    return credenciais_do_broker(cfg)


def executar(argv=None, servicos=None, cfg=None, entrada=input, saida=sys.stdout) -> int:
    """Run one subcommand, or the menu when there is none; returns the exit code."""
    try:
        args = criar_parser().parse_args(argv)
    except SystemExit as fim:  # argparse: 2 on wrong usage, 0 after --help
        return fim.code
    try:
        cfg = cfg if cfg is not None else config.ler_configuracao()
        if servicos is not None:
            return _despachar(args, Console(servicos, cfg, entrada, saida))
        bd = abrir_banco(cfg, do_console=True)
        credenciais = _credenciais_do_broker(cfg)
        try:
            servicos = criar_servicos(bd, cfg, credenciais=credenciais)
            preparar_banco(servicos)
            return _despachar(args, Console(servicos, cfg, entrada, saida))
        finally:
            if credenciais is not None:
                credenciais.fechar()
            bd.fechar()
    except ErroDominio as erro:
        return _recusar(mensagens.texto(erro))
    except EOFError:
        return _recusar("entrada encerrada antes da resposta")
    except (config.ConfiguracaoInvalida, BancoEmbutidoIndisponivel) as erro:
        return _recusar(str(erro))
    except PyMongoError:
        log.info("Falha ao acessar o banco", exc_info=True)
        return _recusar("o banco de dados não respondeu (LOG_LEVEL=INFO mostra os detalhes)")
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130


if __name__ == "__main__":
    logging.basicConfig(level=getattr(logging, os.environ.get("LOG_LEVEL", "WARNING").upper(), logging.WARNING),
                        format="%(levelname)s %(name)s: %(message)s")
    sys.exit(executar())
