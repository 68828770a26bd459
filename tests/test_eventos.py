"""Server-Sent Events: /api/eventos streams only the caller's machines, and only what changed."""
from datetime import timedelta

import pytest

from MongoDB.gerencia_BD import carimbo
from MongoDB.gerencia_BD import agora_utc
from rotas.eventos import diferencas

from conftest import assert_envelope


@pytest.fixture
def fluxo_rapido(app):
    """Ticks every 10 ms and a lifetime of a few ticks, so a stream ends by itself in a test."""
    app.config.update(SSE_INTERVALO_S=0.01, SSE_VIDA_MAXIMA_S=0.05)


def ler_eventos(client, headers=None, maximo=3, caminho="/api/eventos"):
    """The stream's text, up to `maximo` `maquinas` events (or its natural end)."""
    resposta = client.get(caminho, headers=headers or {}, buffered=False)
    assert resposta.status_code == 200
    assert resposta.mimetype == "text/event-stream"
    partes = []
    try:
        for pedaco in resposta.response:
            partes.append(pedaco.decode() if isinstance(pedaco, bytes) else pedaco)
            if sum(p.count("event: maquinas") for p in partes) >= maximo:
                break
    finally:
        resposta.close()
    return "".join(partes)


def eventos_maquinas(texto, app):
    """The JSON payloads of the `maquinas` events in a stream's text."""
    blocos = [b for b in texto.split("\n\n") if b.startswith("event: maquinas")]
    return [app.json.loads(b.split("data: ", 1)[1]) for b in blocos]


def test_fluxo_exige_login(client):
    assert_envelope(client.get("/api/eventos"), 401)


def test_fluxo_so_traz_as_maquinas_do_proprio_usuario(app, client, atores, fluxo_rapido):
    eu, vizinho = atores.usuario(), atores.usuario()
    minha = atores.maquina_de(eu, nome="Minha serra")
    alheia = atores.maquina_de(vizinho, nome="Serra do vizinho")
    atores.maquina()  # a free machine is nobody's
    texto = ler_eventos(client, eu["headers"], maximo=1)
    assert texto.startswith("retry: 3000")
    primeiro = eventos_maquinas(texto, app)[0]
    assert primeiro["completo"] is True
    assert [m["id"] for m in primeiro["maquinas"]] == [minha["id"]]
    assert alheia["id"] not in texto and "Serra do vizinho" not in texto
    assert "segredo_hash" not in texto and "token_hash" not in texto


def test_fluxo_de_uma_maquina_traz_so_ela_com_seus_alarmes_e_a_alheia_e_404(app, client, atores, fluxo_rapido):
    eu, vizinho = atores.usuario(), atores.usuario()
    esta, outra = atores.maquina_de(eu, nome="Esta"), atores.maquina_de(eu, nome="Outra")
    alheia = atores.maquina_de(vizinho)
    atores.leituras_julgadas(esta, [{"temperatura": 95.0}] * 12)
    primeiro = eventos_maquinas(ler_eventos(client, eu["headers"], maximo=1, caminho=f"/api/eventos?maquina_id={esta['id']}"), app)[0]
    [maquina] = primeiro["maquinas"]
    assert maquina["id"] == esta["id"] and outra["id"] not in str(primeiro)
    assert [a["tipo"] for a in maquina["alarmes"]] == ["temperatura_alta"] and maquina["severidade"] == "alta"
    assert_envelope(client.get(f"/api/eventos?maquina_id={alheia['id']}", headers=eu["headers"]), 404)
    assert assert_envelope(client.get("/api/eventos?maquina_id=zz", headers=eu["headers"]), 400)["campo"] == "maquina_id"


def test_fluxo_manda_ping_quando_nada_mudou_e_termina_sozinho(app, client, atores, fluxo_rapido):
    eu = atores.usuario()
    atores.maquina_de(eu)
    texto = ler_eventos(client, eu["headers"], maximo=99)  # ends by the lifetime
    assert len(eventos_maquinas(texto, app)) == 1  # the snapshot; nothing changed afterwards
    assert ": ping" in texto


def test_maquina_com_heartbeat_antigo_aparece_offline_no_fluxo_sem_mensagem_nenhuma(app, client, atores, servicos):
    eu = atores.usuario()
    maquina = atores.maquina_de(eu)
    antigo = agora_utc() - timedelta(seconds=app.config["HEARTBEAT_TIMEOUT"] + 5)
    servicos.maquinas.colecao.update_one({"_id": servicos.maquinas._oid(maquina["id"])},
                                         {"$set": {"last_heartbeat": carimbo(antigo)}})
    app.config.update(SSE_INTERVALO_S=0.01, SSE_VIDA_MAXIMA_S=0.05)
    [evento] = eventos_maquinas(ler_eventos(client, eu["headers"], maximo=1), app)
    assert evento["maquinas"][0]["online"] is False


def test_maquina_que_para_de_falar_vira_offline_no_fluxo_durante_a_conexao(app, client, atores, servicos):
    """Online at the first tick; the clock runs past the heartbeat timeout; the next tick says offline."""
    eu = atores.usuario()
    maquina = atores.maquina_de(eu)
    assert atores.enviar_leitura(maquina).status_code == 201
    servicos.gravador.parar()  # flush the pending heartbeat to the database
    app.config.update(SSE_INTERVALO_S=0, SSE_VIDA_MAXIMA_S=60)
    servicos.maquinas.heartbeat_timeout = timedelta(seconds=3600)
    resposta = client.get("/api/eventos", headers=eu["headers"], buffered=False)
    pedacos = iter(resposta.response)
    try:
        texto = ""
        while "event: maquinas" not in texto:
            texto += next(pedacos).decode()
        assert eventos_maquinas(texto, app)[0]["maquinas"][0]["online"] is True
        servicos.maquinas.heartbeat_timeout = timedelta(seconds=0)  # as if the timeout had passed
        texto = ""
        while "event: maquinas" not in texto:
            texto += next(pedacos).decode()
        [evento] = eventos_maquinas(texto, app)
        assert evento["completo"] is False
        assert evento["maquinas"][0]["online"] is False
    finally:
        resposta.close()


def test_diferencas_manda_so_as_maquinas_que_mudaram():
    a = {"id": "a", "online": True, "status": "parada"}
    b = {"id": "b", "online": True, "status": "iniciada"}
    mudadas, removidas, estado = diferencas({}, [a, b])
    assert mudadas == [a, b] and removidas == []

    b_offline = dict(b, online=False)
    mudadas, removidas, estado = diferencas(estado, [dict(a), b_offline])
    assert mudadas == [b_offline] and removidas == []

    mudadas, removidas, estado = diferencas(estado, [dict(a), dict(b_offline)])
    assert mudadas == [] and removidas == []

    mudadas, removidas, _ = diferencas(estado, [dict(a)])  # b was released
    assert mudadas == [] and removidas == ["b"]


def test_fluxo_aceita_o_cookie_da_pagina(app, client, atores, fluxo_rapido):
    from test_paginas import entrar
    eu = atores.usuario()
    maquina = atores.maquina_de(eu)
    entrar(client, eu["nome"])
    [evento] = eventos_maquinas(ler_eventos(client, maximo=1), app)
    assert evento["maquinas"][0]["id"] == maquina["id"]


def test_fluxo_aberto_avisa_e_termina_quando_a_sessao_e_encerrada(app, client, atores, servicos):
    app.config.update(SSE_INTERVALO_S=0.01, SSE_VIDA_MAXIMA_S=20, SSE_REVALIDAR_SESSAO_S=0.15)
    eu = atores.usuario()
    atores.maquina_de(eu)
    resposta = client.get("/api/eventos", headers=eu["headers"], buffered=False)
    partes = []
    try:
        for pedaco in resposta.response:
            partes.append(pedaco.decode() if isinstance(pedaco, bytes) else pedaco)
            if len(partes) == 2:  # the snapshot arrived: log out everywhere while the stream is open
                servicos.usuarios.revogar_sessoes(eu["id"])
    finally:
        resposta.close()
    texto = "".join(partes)
    assert texto.rstrip().endswith('event: sessao\ndata: "encerrada"')
    assert len(partes) < 40  # within a few ticks, not at the end of the stream's 20 s life


# ---- how many streams: each holds a server thread --------------------------------------------
def abrir_fluxo(client, headers):
    """An open stream (the view ran and took its slot); close it to give the slot back.

    The test client runs every stream in this one thread, each inside its own request context:
    they must be closed last-opened first (a server gives each stream its own thread).
    """
    return client.get("/api/eventos", headers=headers, buffered=False)


def fechar_todos(respostas):
    for resposta in reversed(respostas):
        resposta.close()


def test_sexto_painel_do_mesmo_usuario_recebe_429_e_fechar_uma_aba_libera_a_vaga(app, client, atores):
    app.config.update(SSE_INTERVALO_S=0.01, SSE_VIDA_MAXIMA_S=5)
    eu, vizinho = atores.usuario(), atores.usuario()
    abertos = [abrir_fluxo(client, eu["headers"]) for _ in range(app.config["SSE_MAX_POR_USUARIO"])]
    try:
        assert [r.status_code for r in abertos] == [200] * 5
        recusado = abrir_fluxo(client, eu["headers"])
        corpo = assert_envelope(recusado, 429)
        assert "máximo 5" in corpo["message"] and int(recusado.headers["Retry-After"]) >= 1
        do_vizinho = abrir_fluxo(client, vizinho["headers"])  # the limit is mine, not the neighbour's
        assert do_vizinho.status_code == 200
        do_vizinho.close()
        abertos.pop().close()  # I close a tab
        abertos.append(abrir_fluxo(client, eu["headers"]))
        assert abertos[-1].status_code == 200
    finally:
        fechar_todos(abertos)


def test_alem_do_total_do_servidor_o_painel_recebe_503_e_consulta_em_vez_de_esperar(app, client, atores):
    app.config.update(SSE_INTERVALO_S=0.01, SSE_VIDA_MAXIMA_S=5, SSE_MAX_TOTAL=3)
    usuarios = [atores.usuario() for _ in range(3)]
    abertos = [abrir_fluxo(client, usuarios[0]["headers"]), abrir_fluxo(client, usuarios[0]["headers"]),
               abrir_fluxo(client, usuarios[1]["headers"])]
    try:
        recusado = abrir_fluxo(client, usuarios[2]["headers"])
        corpo = assert_envelope(recusado, 503)
        assert "limite de painéis ao vivo (3)" in corpo["message"] and int(recusado.headers["Retry-After"]) >= 1
        # The dashboard's fallback (static/js/eventos.js) polls the list, which answers at once.
        assert client.get("/api/machines", headers=usuarios[2]["headers"]).status_code == 200
    finally:
        fechar_todos(abertos)


def test_fluxos_que_terminam_sozinhos_devolvem_a_vaga(app, client, atores, fluxo_rapido):
    eu = atores.usuario()
    for _ in range(3 * app.config["SSE_MAX_POR_USUARIO"]):  # each one runs to the end of its short life
        assert ": ping" in ler_eventos(client, eu["headers"], maximo=99)
