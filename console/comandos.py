"""The console's subcommands (`python main.py usuario|maquina|regras|banco ...`); each returns an exit code.

`simular` and `demo` live in console/simulacao.py.

Every one calls the use cases of nucleo/ (or a manager for a plain read), so a rule fixed there
holds here too. Refusals are domain errors, printed in pt-BR by main.py.
"""
import json
from pathlib import Path

from MongoDB.erros import DadosInvalidos, ErroDominio, MaquinaNaoEncontrada
from nucleo import alarmes, capacidade, contas, maquinas, validacao

from .terminal import sim_ou_nao

OK = 0


def id_maquina(texto) -> str:
    """A machine id typed by an admin, normalised; anything malformed is simply an unknown machine."""
    try:
        return validacao.maquina_id(texto)
    except DadosInvalidos:
        raise MaquinaNaoEncontrada() from None


def usuario_criar(con, args):
    senha = args.senha if args.senha is not None else con.nova_senha()
    papel = "admin" if args.admin else "operador"
    usuario = contas.cadastrar(con.servicos, args.nome, senha, args.empresa, args.email, papel)
    con.escrever(f"Usuário {usuario['nome_usuario']} criado ({usuario['papel']}), id {usuario['id']}.")
    return OK


def usuario_remover(con, args):
    contas.remover(con.servicos, args.nome)
    con.escrever(f"Usuário {args.nome} removido; as máquinas dele ficaram livres.")
    return OK


def usuario_admin(con, args):
    """Promote by user name or e-mail (the one people remember typing on the sign-up page)."""
    if not (args.usuario or args.nome):
        raise DadosInvalidos("campo_obrigatorio", "usuario")
    usuario = contas.encontrar(con.servicos, args.usuario or args.nome)
    contas.promover(con.servicos, usuario["nome_usuario"])
    con.escrever(f"Usuário {usuario['nome_usuario']} ({usuario['email']}) agora é administrador: "
                 "a página Etiquetas (/admin/etiquetas) aparece ao recarregar o navegador.")
    return OK


def usuario_listar(con, args):
    campos = ("id", "nome_usuario", "empresa", "email", "papel")
    usuarios = [{campo: usuario[campo] for campo in campos} for usuario in con.servicos.usuarios.listar()]
    if args.json:
        con.escrever_json(usuarios)
    else:
        con.tabela(["ID", "USUÁRIO", "EMPRESA", "E-MAIL", "PAPEL"],
                   [[u[campo] for campo in campos] for u in usuarios], "Nenhum usuário cadastrado.")
    return OK


def _etiqueta(criada) -> dict:
    """What `maquina criar --json` prints for one machine."""
    return {campo: criada[campo] for campo in ("id", "fabricante", "modelo", "link", "segredo", "token_dispositivo",
                                               "qrcode")}


def maquina_criar(con, args):
    criadas = []
    try:
        for _ in range(args.quantidade or 1):
            criadas.append(_etiqueta(maquinas.criar_com_etiqueta(con.servicos, args.fabricante, args.modelo)))
            if not args.json:
                con.mostrar_maquina_criada(criadas[-1])
    finally:
        # Even if a later one fails, the secrets of those already created must not be lost.
        if args.json and criadas:
            con.escrever_json(criadas if args.quantidade else criadas[0])
    return OK


def maquina_listar(con, args):
    lista = [{"id": m["id"], "fabricante": m["fabricante"], "modelo": m["modelo"],
              "dono": m["id_usuario"] or "livre", "status": m["status"], "online": m["online"]}
             for m in con.servicos.maquinas.listar_todas()]
    if args.json:
        con.escrever_json(lista)
    else:
        con.tabela(["ID", "FABRICANTE", "MODELO", "DONO", "STATUS", "ONLINE"],
                   [[m["id"], m["fabricante"], m["modelo"], m["dono"], m["status"], sim_ou_nao(m["online"])]
                    for m in lista], "Nenhuma máquina cadastrada.")
    return OK


def maquina_remover(con, args):
    maquina_id = id_maquina(args.id)
    doc = con.servicos.maquinas.buscar(maquina_id)
    if doc is None:
        raise MaquinaNaoEncontrada()
    dono = f", associada ao usuário {doc['id_usuario']}" if doc.get("id_usuario") else ""
    if not args.sim and not con.confirmar(f"Remover a máquina {maquina_id} ({doc['fabricante']} {doc['modelo']}{dono})?"):
        raise ErroDominio("remocao_cancelada")
    maquinas.remover(con.servicos, maquina_id)
    con.escrever(f"Máquina {maquina_id} removida.")
    return OK


def maquina_liberar(con, args):
    maquina_id = id_maquina(args.id)
    dono = con.servicos.maquinas.liberar_admin(maquina_id)
    if dono is None:
        con.escrever(f"A máquina {maquina_id} já estava livre.")
    else:
        con.escrever(f"Máquina {maquina_id} liberada (era do usuário {dono}); o QR code continua válido.")
    return OK


def maquina_token(con, args):
    maquina_id = id_maquina(args.id)
    token = maquinas.novo_token(con.servicos, maquina_id)
    con.escrever(f"Novo token da máquina {maquina_id}; o anterior deixou de valer.")
    con.mostrar_token(maquina_id, token)
    return OK


def maquina_novo_segredo(con, args):
    """A new claim secret and label; the old secret and printed label stop claiming."""
    novo = maquinas.novo_segredo(con.servicos, id_maquina(args.id), args.forcar)
    if args.json:
        con.escrever_json(novo)
        return OK
    con.escrever(f"Novo segredo da máquina {novo['id']}; o anterior e a etiqueta antiga deixaram de valer.")
    con.mostrar_etiqueta(novo["id"], novo["link"], novo["qrcode"])
    if novo["dono"]:
        con.escrever(f"  A máquina continua associada ao usuário {novo['dono']}.")
    return OK


def _ler_regras(texto):
    """The rules as JSON text, or `@arquivo.json`; anything unreadable is a refusal naming `regras`."""
    try:
        bruto = Path(texto[1:]).read_text(encoding="utf-8") if texto.startswith("@") else texto
        return json.loads(bruto)
    except (OSError, ValueError):
        raise DadosInvalidos("regras_json", "regras") from None


def regras_definir(con, args):
    definidas = alarmes.definir_regras_do_modelo(con.servicos, {
        "fabricante": args.fabricante, "modelo": args.modelo, "regras": _ler_regras(args.regras)})
    con.escrever(f"Regras padrão de {definidas['fabricante']} {definidas['modelo']}: {len(definidas['regras'])} regra(s); "
                 "valem para as máquinas desse modelo sem regras próprias.")
    return OK


def regras_listar(con, args):
    modelos = con.servicos.modelos.listar()
    if args.json:
        con.escrever_json(modelos)
        return OK
    linhas = [[m["fabricante"], m["modelo"], regra["sensor"], _condicao(regra), regra["severidade"]]
              for m in modelos for regra in m["regras"]]
    con.tabela(["FABRICANTE", "MODELO", "SENSOR", "CONDIÇÃO", "SEVERIDADE"], linhas,
               "Nenhuma regra padrão definida: as máquinas usam as do DataButcher.")
    return OK


def _condicao(regra) -> str:
    limites = [f"> {regra['maximo']:g}" if regra["maximo"] is not None else "",
               f"< {regra['minimo']:g}" if regra["minimo"] is not None else ""]
    espera = (f"por {regra['duracao_s']} s" if regra.get("duracao_s") else
              f"{regra['leituras_seguidas']} leituras seguidas" if regra.get("leituras_seguidas") else "na hora")
    return f"{' ou '.join(l for l in limites if l)} {espera}"


def banco_estimativa(con, args):
    """Disk at steady state for this plant on the embedded store, and whether it should move to MongoDB."""
    quantas = args.maquinas if args.maquinas is not None else len(con.servicos.maquinas.listar_todas())
    estimativa = capacidade.estimar(quantas, args.hz, con.cfg["RETENCAO_DIAS_BRUTOS"], con.cfg["RETENCAO_DIAS_AGREGADOS"])
    pasta = Path(con.cfg["DATA_DIR"])
    hoje = sum(arquivo.stat().st_size for arquivo in pasta.glob("databutcher.db*"))
    con.escrever(f"Pasta de dados: {pasta} ({hoje / 1e9:.2f} GB hoje)")
    con.escrever(f"{quantas} máquinas × {args.hz:g} leitura/s, leituras guardadas por "
                 f"{con.cfg['RETENCAO_DIAS_BRUTOS']} dias e agregados por {con.cfg['RETENCAO_DIAS_AGREGADOS']} dias:")
    con.escrever(f"  {estimativa.leituras_guardadas:,} leituras guardadas, cerca de {estimativa.disco_bytes / 1e9:.1f} GB em disco")
    if estimativa.cabe_no_embutido:
        con.escrever("  Cabe no banco embutido (docs/dados.md, \"How far the embedded store goes\").")
    else:
        con.escrever(f"  Use um MongoDB (MONGO_URI): {estimativa.motivo}.")
    return OK
