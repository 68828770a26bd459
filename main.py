"""DataButcher admin console: subcommands for scripts, an interactive menu for people.

`python main.py` opens the menu; `python main.py maquina criar --fabricante WEG --modelo W22`
and the other subcommands are for scripts (see `--help`). It reads the same settings and
builds the same managers as the app, but never imports it: with no MONGO_URI it starts its
own nx-27017 on a free port over the app's DATA_DIR, and always stops it before exiting.
Exit codes: 0 ok, 1 refused (pt-BR message on stderr), 2 wrong usage.
"""
import argparse
import getpass
import json
import logging
import os
import sys
from pathlib import Path

from pymongo.errors import PyMongoError

import config
from MongoDB import etiquetas
from MongoDB.console_menu import Menu, sim_ou_nao
from MongoDB.erros import BancoEmbutidoIndisponivel, DadosInvalidos, ErroDominio, MaquinaNaoEncontrada, UsuarioNaoEncontrado
from MongoDB.gerencia_BD import abrir_banco
from MongoDB.servicos import criar_servicos

log = logging.getLogger("databutcher.console")

OK, RECUSADO, USO_INCORRETO = 0, 1, 2


class Console:
    """What every command needs: the managers, the settings, and where to read and write."""

    def __init__(self, servicos, cfg, entrada, saida):
        self.servicos = servicos
        self.cfg = cfg
        self.entrada = entrada
        self.saida = saida

    def escrever(self, texto=""):
        print(texto, file=self.saida)

    def escrever_json(self, dados):
        self.escrever(json.dumps(dados, ensure_ascii=False, indent=2))

    def perguntar(self, rotulo) -> str:
        return self.entrada(rotulo).strip()

    def perguntar_senha(self, rotulo) -> str:
        """getpass on a real terminal (nothing echoed); the injected `entrada` otherwise."""
        return getpass.getpass(rotulo) if self.entrada is input else self.entrada(rotulo)

    def nova_senha(self) -> str:
        senha = self.perguntar_senha("Senha (mínimo 8 caracteres): ")
        if self.perguntar_senha("Repita a senha: ") != senha:
            raise DadosInvalidos("As senhas não conferem", "senha")
        return senha

    def confirmar(self, pergunta) -> bool:
        try:
            return self.perguntar(f"{pergunta} [s/N] ").lower() in {"s", "sim"}
        except EOFError:
            return False

    def criar_maquina(self, fabricante, modelo) -> dict:
        """Create one machine and its QR label: the only moment its secret and token are known."""
        criada = self.servicos.maquinas.criar(fabricante, modelo)
        maquina = criada["maquina"]
        try:
            link, qrcode = self.gravar_etiqueta(maquina["id"], criada["segredo"])
        except ErroDominio:
            # A machine nobody can claim is useless: undo it rather than lose its secret.
            self.servicos.maquinas.remover(maquina["id"])
            raise
        return {"id": maquina["id"], "fabricante": maquina["fabricante"], "modelo": maquina["modelo"],
                "link": link, "segredo": criada["segredo"], "token_dispositivo": criada["token"], "qrcode": qrcode}

    def gravar_etiqueta(self, maquina_id, segredo):
        """(claim link, absolute path of its QR PNG in QRCODE_DIR), the PNG written or overwritten."""
        link = etiquetas.link_reivindicacao(self.cfg["URL_PUBLICA"], maquina_id, segredo)
        try:
            caminho = etiquetas.gerar_qrcode(link, self.cfg["QRCODE_DIR"], maquina_id)
        except OSError as erro:
            raise ErroDominio(f"Não foi possível gravar o QR code em {self.cfg['QRCODE_DIR']}: {erro.strerror}") from None
        return link, str(Path(caminho).resolve())

    def mostrar_maquina_criada(self, etiqueta):
        self.escrever(f"Máquina criada: {etiqueta['id']} ({etiqueta['fabricante']} {etiqueta['modelo']})")
        self.mostrar_etiqueta(etiqueta["link"], etiqueta["qrcode"])
        self.mostrar_token(etiqueta["id"], etiqueta["token_dispositivo"])

    def mostrar_etiqueta(self, link, qrcode):
        self.escrever(f"  Link de associação: {link}")
        self.escrever(f"  QR code: {qrcode}")

    def mostrar_token(self, maquina_id, token):
        self.escrever(f"  Token do dispositivo (mostrado só esta vez, guarde-o agora): {token}")
        self.escrever(f"  Usuário/senha MQTT: mosquitto_passwd -b <arquivo> {maquina_id} {token}")

    def tabela(self, cabecalho, linhas, vazio):
        """Left-aligned columns sized to their widest cell."""
        if not linhas:
            self.escrever(vazio)
            return
        linhas = [[str(celula) for celula in linha] for linha in linhas]
        larguras = [max(len(linha[i]) for linha in [cabecalho, *linhas]) for i in range(len(cabecalho))]
        for linha in [cabecalho, *linhas]:
            self.escrever("  ".join(celula.ljust(largura) for celula, largura in zip(linha, larguras)).rstrip())


# ---- subcommands -------------------------------------------------------------
def _usuario_criar(con, args):
    senha = args.senha if args.senha is not None else con.nova_senha()
    papel = "admin" if args.admin else "operador"
    usuario = con.servicos.usuarios.criar(args.nome, senha, args.empresa, args.email, papel)
    con.escrever(f"Usuário {usuario['nome_usuario']} criado ({usuario['papel']}), id {usuario['id']}.")
    return OK


def _usuario_remover(con, args):
    if not con.servicos.usuarios.remover(args.nome):
        raise UsuarioNaoEncontrado()
    con.escrever(f"Usuário {args.nome} removido; as máquinas dele ficaram livres.")
    return OK


def _usuario_admin(con, args):
    con.servicos.usuarios.definir_papel(args.nome, "admin")
    con.escrever(f"Usuário {args.nome} agora é administrador.")
    return OK


def _usuario_listar(con, args):
    campos = ("id", "nome_usuario", "empresa", "email", "papel")
    usuarios = [{campo: usuario[campo] for campo in campos} for usuario in con.servicos.usuarios.listar()]
    if args.json:
        con.escrever_json(usuarios)
    else:
        con.tabela(["ID", "USUÁRIO", "EMPRESA", "E-MAIL", "PAPEL"],
                   [[u[campo] for campo in campos] for u in usuarios], "Nenhum usuário cadastrado.")
    return OK


def _maquina_criar(con, args):
    criadas = []
    try:
        for _ in range(args.quantidade or 1):
            criadas.append(con.criar_maquina(args.fabricante, args.modelo))
            if not args.json:
                con.mostrar_maquina_criada(criadas[-1])
    finally:
        # Even if a later one fails, the secrets of those already created must not be lost.
        if args.json and criadas:
            con.escrever_json(criadas if args.quantidade else criadas[0])
    return OK


def _maquina_listar(con, args):
    maquinas = [{"id": m["id"], "fabricante": m["fabricante"], "modelo": m["modelo"],
                 "dono": m["id_usuario"] or "livre", "status": m["status"], "online": m["online"]}
                for m in con.servicos.maquinas.listar_todas()]
    if args.json:
        con.escrever_json(maquinas)
    else:
        con.tabela(["ID", "FABRICANTE", "MODELO", "DONO", "STATUS", "ONLINE"],
                   [[m["id"], m["fabricante"], m["modelo"], m["dono"], m["status"], sim_ou_nao(m["online"])]
                    for m in maquinas], "Nenhuma máquina cadastrada.")
    return OK


def _maquina_remover(con, args):
    doc = con.servicos.maquinas.buscar(args.id)
    if doc is None:
        raise MaquinaNaoEncontrada()
    dono = f", associada ao usuário {doc['id_usuario']}" if doc.get("id_usuario") else ""
    if not args.sim and not con.confirmar(f"Remover a máquina {args.id} ({doc['fabricante']} {doc['modelo']}{dono})?"):
        raise ErroDominio("Remoção cancelada: nada foi apagado")
    con.servicos.maquinas.remover(args.id)
    # The label carries the claim secret of a machine that no longer exists.
    (Path(con.cfg["QRCODE_DIR"]) / etiquetas.arquivo_qrcode(doc["_id"])).unlink(missing_ok=True)
    con.escrever(f"Máquina {args.id} removida.")
    return OK


def _maquina_liberar(con, args):
    dono = con.servicos.maquinas.liberar_admin(args.id)
    if dono is None:
        con.escrever(f"A máquina {args.id} já estava livre.")
    else:
        con.escrever(f"Máquina {args.id} liberada (era do usuário {dono}); o QR code continua válido.")
    return OK


def _maquina_token(con, args):
    token = con.servicos.maquinas.novo_token(args.id)
    con.escrever(f"Novo token da máquina {args.id}; o anterior deixou de valer.")
    con.mostrar_token(args.id, token)
    return OK


def _maquina_novo_segredo(con, args):
    """A new claim secret and label; the old secret and printed label stop claiming."""
    doc = con.servicos.maquinas.buscar(args.id)
    if doc is None:
        raise MaquinaNaoEncontrada()
    dono = doc.get("id_usuario") or None
    if dono and not args.forcar:
        raise ErroDominio(f"A máquina {args.id} está associada ao usuário {dono}; use --forcar para trocar o "
                          "segredo mesmo assim (ela continua com o dono)")
    # A claim racing this check wins as if it came a moment earlier; the old label stops working either way.
    segredo = con.servicos.maquinas.novo_segredo(args.id)
    try:
        link, qrcode = con.gravar_etiqueta(args.id, segredo)
    except ErroDominio as erro:
        raise ErroDominio(f"{erro.mensagem}. O segredo anterior já não vale: rode o comando de novo") from None
    if args.json:
        con.escrever_json({"id": args.id, "link": link, "segredo": segredo, "qrcode": qrcode, "dono": dono})
        return OK
    con.escrever(f"Novo segredo da máquina {args.id}; o anterior e a etiqueta antiga deixaram de valer.")
    con.mostrar_etiqueta(link, qrcode)
    if dono:
        con.escrever(f"  A máquina continua associada ao usuário {dono}.")
    return OK


def _host_local(host):
    """The app's bind address as a place to connect to (0.0.0.0 listens on loopback too)."""
    return "127.0.0.1" if host in (None, "", "0.0.0.0", "::") else host


def _simular(con, args):
    """Run the device simulator on machines kept in DATA_DIR/simulador.json (created on the first run)."""
    # Imported here: the other commands should not load the simulator (nor paho).
    from bench.cadastro import preparar_maquinas
    from bench.simulador import Simulador, resumo_final

    maquinas = preparar_maquinas(con.servicos, con.cfg["DATA_DIR"], args.maquinas, args.usuario)
    novas = sum(m["nova"] for m in maquinas)
    con.escrever(f"{len(maquinas)} máquinas simuladas ({novas} criadas agora, {len(maquinas) - novas} reaproveitadas)"
                 + (f", associadas a {args.usuario}" if args.usuario else "") + ".")
    simulador = Simulador(
        maquinas=[(m["id"], m["token"]) for m in maquinas], via=args.via, intervalo=args.intervalo,
        broker=args.broker or con.cfg.get("MQTT_BROKER_URL") or "127.0.0.1",
        porta=args.porta or con.cfg.get("MQTT_BROKER_PORT", 1883),
        url=args.url or f"http://{_host_local(con.cfg.get('HOST'))}:{con.cfg.get('PORT', 5000)}",
        usuario_mqtt=con.cfg.get("MQTT_USERNAME"), senha_mqtt=con.cfg.get("MQTT_PASSWORD"),
        falhas=args.falhas, iniciadas=args.iniciadas, relatar=con.escrever)
    con.escrever("Simulando; Ctrl+C encerra." if args.duracao is None else f"Simulando por {args.duracao:g}s.")
    con.escrever(resumo_final(simulador.rodar(args.duracao)))
    return OK


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


def criar_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py", add_help=False,
        description="Console de administração do DataButcher. Sem argumentos, abre o menu interativo.",
        epilog="Códigos de saída: 0 sucesso, 1 operação recusada, 2 uso incorreto.")
    parser.add_argument("-h", "--help", action="help", help="mostra esta ajuda e sai")
    comandos = parser.add_subparsers(dest="comando", metavar="COMANDO", title="comandos")

    usuario = _grupo(comandos, "usuario", "gerenciar usuários")
    p = _comando(usuario, "criar", "criar um usuário", _usuario_criar)
    p.add_argument("--nome", required=True, help="nome de usuário (3 a 40 letras, números, '.', '_' ou '-')")
    p.add_argument("--empresa", required=True, help="empresa do usuário")
    p.add_argument("--email", required=True, help="e-mail do usuário")
    p.add_argument("--senha", help="senha (sem esta opção ela é pedida sem eco; na linha de comando fica visível no ps)")
    p.add_argument("--admin", action="store_true", help="criar já como administrador")
    _comando(usuario, "remover", "remover um usuário (as máquinas dele ficam livres)",
             _usuario_remover).add_argument("--nome", required=True, help="nome de usuário")
    _comando(usuario, "admin", "promover um usuário a administrador",
             _usuario_admin).add_argument("--nome", required=True, help="nome de usuário")
    _comando(usuario, "listar", "listar os usuários", _usuario_listar, json_opcional=True)

    maquina = _grupo(comandos, "maquina", "gerenciar máquinas")
    p = _comando(maquina, "criar", "criar máquinas com etiqueta QR code", _maquina_criar, json_opcional=True)
    p.add_argument("--fabricante", required=True, help="fabricante, ex.: WEG")
    p.add_argument("--modelo", required=True, help="modelo, ex.: W22")
    p.add_argument("--quantidade", type=_inteiro_entre(1, 100), help="quantas máquinas criar (1 a 100); com --json sai uma lista")
    _comando(maquina, "listar", "listar todas as máquinas", _maquina_listar, json_opcional=True)
    p = _comando(maquina, "remover", "apagar uma máquina", _maquina_remover)
    p.add_argument("--id", required=True, help="id da máquina")
    p.add_argument("--sim", action="store_true", help="não pedir confirmação")
    _comando(maquina, "liberar", "desassociar uma máquina do dono atual",
             _maquina_liberar).add_argument("--id", required=True, help="id da máquina")
    _comando(maquina, "token", "gerar um novo token de dispositivo (o anterior deixa de valer)",
             _maquina_token).add_argument("--id", required=True, help="id da máquina")
    p = _comando(maquina, "novo-segredo", "gerar um novo segredo de associação e reescrever o QR code "
                 "(o segredo e a etiqueta anteriores deixam de valer)", _maquina_novo_segredo, json_opcional=True)
    p.add_argument("--id", required=True, help="id da máquina")
    p.add_argument("--forcar", action="store_true",
                   help="trocar mesmo se a máquina tiver dono (ele continua com ela; só a etiqueta antiga deixa de valer)")

    p = _comando(comandos, "simular", "simular máquinas enviando telemetria (MQTT ou HTTP)", _simular)
    p.add_argument("--maquinas", type=_inteiro_entre(1, 5000), default=10, help="quantas máquinas (padrão 10); reaproveita as de DATA_DIR/simulador.json")
    p.add_argument("--intervalo", type=_positivo, default=1.0, help="segundos entre leituras de cada máquina (padrão 1)")
    p.add_argument("--via", choices=["mqtt", "http"], default="mqtt", help="mqtt (padrão; recebe comandos) ou http (sem comandos)")
    p.add_argument("--duracao", type=_positivo, help="segundos de simulação (padrão: até Ctrl+C)")
    p.add_argument("--broker", help="host do broker MQTT (padrão: MQTT_BROKER_URL ou 127.0.0.1)")
    p.add_argument("--porta", type=int, help="porta do broker MQTT (padrão: MQTT_BROKER_PORT)")
    p.add_argument("--url", help="URL do app para --via http (padrão: http://HOST:PORT)")
    p.add_argument("--falhas", action="store_true", help="simular falhas: superaquecimento, vibração, queda de rede")
    p.add_argument("--iniciadas", action="store_true", help="máquinas já começam em operação (parâmetros sorteados)")
    p.add_argument("--usuario", help="associar as máquinas a este usuário (aparecem no painel dele)")
    return parser


def _despachar(args, con) -> int:
    if args.comando is None:
        return Menu(con).executar()
    return args.funcao(con, args)


def _recusar(mensagem) -> int:
    print(f"Erro: {mensagem}", file=sys.stderr)
    return RECUSADO


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
        bd = abrir_banco(cfg, porta_propria=True)
        try:
            bd.criar_indices()
            return _despachar(args, Console(criar_servicos(bd, cfg), cfg, entrada, saida))
        finally:
            bd.fechar()
    except ErroDominio as erro:
        return _recusar(erro.mensagem)
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
