"""`main.py simular` and `main.py demo`: simulated devices on new or existing machines, and a demo plant.

The simulator and paho are imported inside the commands: the other commands should not load them.
"""
from MongoDB.erros import ErroDominio
from nucleo import contas
from nucleo.contrato import LIMITES_PARTIDA_PADRAO

OK = 0
SUPERAQUECE_APOS_S = 45  # the demo's first machine overheats this soon, so there is something to find


def _host_local(host):
    """The app's bind address as a place to connect to (0.0.0.0 listens on loopback too)."""
    return "127.0.0.1" if host in (None, "", "0.0.0.0", "::") else host


def _escolher(con, args) -> list:
    """[(id, token)] of the machines to drive, from --maquina, --usuario or --maquinas (say which on the console)."""
    from simulador import cadastro

    pasta = con.cfg["DATA_DIR"]
    if args.maquina or (args.usuario and args.maquinas is None):
        ids = args.maquina or cadastro.maquinas_do_usuario(con.servicos, args.usuario)
        prontas = cadastro.adotar_maquinas(con.servicos, pasta, ids, args.trocar_token)
        con.escrever(f"{len(prontas)} máquina(s) existente(s) falando como dispositivos"
                     + (f" (as de {args.usuario})" if not args.maquina else "") + ".")
        _avisar_tokens_trocados(con, [m["id"] for m in prontas if m["token_novo"]])
        return [(m["id"], m["token"]) for m in prontas]
    escolhidas = cadastro.preparar_maquinas(con.servicos, pasta, args.maquinas or 10, args.usuario)
    novas = sum(m["nova"] for m in escolhidas)
    con.escrever(f"{len(escolhidas)} máquinas simuladas ({novas} criadas agora, {len(escolhidas) - novas} reaproveitadas)"
                 + (f", associadas a {args.usuario}" if args.usuario else "") + ".")
    return [(m["id"], m["token"]) for m in escolhidas]


def _avisar_tokens_trocados(con, ids):
    """The product keeps only a hash of each device token: to log in as a machine the simulator had to issue one."""
    if not ids:
        return
    con.escrever(f"Token de dispositivo trocado em {len(ids)} máquina(s) ({', '.join(ids)}): o simulador precisa "
                 "entrar como cada uma e o produto só guarda o resumo do token.")
    con.escrever("  O token anterior deixou de valer (HTTP e MQTT); o novo fica em DATA_DIR/simulador.json (0600) e "
                 "as próximas simulações o reaproveitam.")
    con.escrever("  Para pôr um dispositivo real nessa máquina depois: main.py maquina token --id <id> (mostra um novo).")


def _rodar(con, args, maquinas, programar=None) -> int:
    from simulador.simulador import Simulador, resumo_final

    simulador = Simulador(
        maquinas=maquinas, via=args.via, intervalo=args.intervalo,
        broker=args.broker or con.cfg.get("MQTT_BROKER_URL") or "127.0.0.1",
        porta=args.porta or con.cfg.get("MQTT_BROKER_PORT", 1883),
        url=args.url or f"http://{_host_local(con.cfg.get('HOST'))}:{con.cfg.get('PORT', 5000)}",
        falhas=args.falhas, iniciadas=not args.paradas, relatar=con.escrever)
    if programar:
        programar(simulador)
    estado = "paradas (--paradas)" if args.paradas else "em operação (iniciada)"
    con.escrever(f"Máquinas {estado}; " + ("Ctrl+C encerra." if args.duracao is None else f"simulando por {args.duracao:g}s."))
    con.escrever(resumo_final(simulador.rodar(args.duracao)))
    return OK


def simular(con, args):
    """Make machines talk like devices: existing ones (--maquina, --usuario) or new simulated ones (--maquinas N)."""
    return _rodar(con, args, _escolher(con, args))


def _usuario_da_demo(con, args) -> dict:
    if args.usuario:
        return contas.encontrar(con.servicos, args.usuario)
    usuarios = con.servicos.usuarios.listar()
    if len(usuarios) == 1:
        return usuarios[0]
    raise ErroDominio("demo_sem_usuario" if not usuarios else "demo_qual_usuario", quantos=len(usuarios))


def demo(con, args):
    """Seed the user's demo machines with days of history (once), then keep them live with the simulator."""
    from simulador import cadastro, demonstracao

    usuario = _usuario_da_demo(con, args)
    existentes = demonstracao.maquinas_de_demonstracao(con.servicos, usuario["id"])
    if existentes:
        con.escrever(f"{usuario['nome_usuario']} já tem {len(existentes)} máquina(s) de demonstração com histórico: "
                     "nada é semeado de novo (a demonstração semeia uma vez por usuário).")
        ids, primeira = [m["id"] for m in existentes], existentes[0]["nome_maquina"]
        if args.sem_simular:
            return OK
        prontas = cadastro.adotar_maquinas(con.servicos, con.cfg["DATA_DIR"], ids)
        _avisar_tokens_trocados(con, [m["id"] for m in prontas if m["token_novo"]])
        maquinas = [(m["id"], m["token"]) for m in prontas]
    else:
        con.escrever(f"Semeando {args.maquinas} máquina(s) de {usuario['nome_usuario']} com {args.dias} dias de histórico...")
        criadas = demonstracao.semear(con.servicos, usuario, args.maquinas, args.dias, relatar=con.escrever)
        cadastro.guardar_tokens(con.servicos, con.cfg["DATA_DIR"], [(m["id"], m["token"]) for m in criadas])
        con.escrever("Pronto: gráficos de 24 h, 7 d e 30 d, alarmes, paradas com e sem motivo e a página /planta "
                     "já têm o que mostrar.")
        maquinas, primeira = [(m["id"], m["token"]) for m in criadas], criadas[0]["nome"]
        if args.sem_simular:
            con.escrever("Sem simulação (--sem-simular): as máquinas ficam offline até alguém as fazer falar "
                         f"(main.py demo --usuario {args.usuario or usuario['email']} as encontra e as faz falar).")
            return OK
    if not args.paradas:
        con.escrever(f"{primeira} vai superaquecer em cerca de {SUPERAQUECE_APOS_S} s: o alarme de temperatura a põe "
                     "no topo do painel e ela desarma.")
    return _rodar(con, args, maquinas, programar=_superaquecer_a_primeira)


def _superaquecer_a_primeira(simulador):
    """The first machine runs at the highest maximum temperature a start allows, then overheats: it passes the
    alarm limit well before it trips, so the alarm is raised, and stays active while it cools."""
    primeira = simulador.maquinas[0]
    if primeira.em_operacao:
        primeira.iniciar({"temperatura": LIMITES_PARTIDA_PADRAO["temperatura"][1]})
    simulador.programar_falha(0, "superaquecimento", SUPERAQUECE_APOS_S)
