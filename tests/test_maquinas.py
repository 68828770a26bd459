"""Claiming, listing and releasing machines; nobody sees another user's machine."""
from conftest import assert_envelope


def test_reivindicar_por_codigo_e_segredo_lista_a_maquina(client, atores):
    usuario = atores.usuario()
    maquina = atores.maquina("WEG", "W22 Plus")
    resposta = client.post("/api/machines", headers=usuario["headers"], json={
        "codigo": maquina["id"], "segredo": maquina["segredo"], "nome_maquina": "Moedor A"})
    assert resposta.status_code == 201
    lista = client.get("/api/machines", headers=usuario["headers"]).get_json()["machines"]
    assert [(m["id"], m["nome_maquina"], m["fabricante"], m["modelo"]) for m in lista] == [
        (maquina["id"], "Moedor A", "WEG", "W22 Plus")]
    assert lista[0]["status"] == "parada" and lista[0]["online"] is False and lista[0]["last_heartbeat"] is None
    assert "segredo_hash" not in lista[0] and "token_hash" not in lista[0]


def test_reivindicar_pelo_link_do_qrcode(client, atores, app):
    from nucleo.etiquetas import link_reivindicacao
    usuario = atores.usuario()
    maquina = atores.maquina()
    link = link_reivindicacao(app.config["PUBLIC_URL"], maquina["id"], maquina["segredo"])
    resposta = client.post("/api/machines", headers=usuario["headers"], json={"link": link, "nome_maquina": "Serra"})
    assert resposta.status_code == 201
    assert resposta.get_json()["maquina"]["id"] == maquina["id"]


def test_reivindicacao_desconhecida_errada_alheia_e_repetida(client, atores):
    dono, outro = atores.usuario(), atores.usuario()
    maquina = atores.maquina_de(dono)
    pedido = {"codigo": maquina["id"], "segredo": maquina["segredo"], "nome_maquina": "X"}
    assert_envelope(client.post("/api/machines", headers=outro["headers"],
                                json={**pedido, "codigo": "0123456789abcdef01234567"}), 404)
    assert_envelope(client.post("/api/machines", headers=outro["headers"], json={**pedido, "segredo": "errado"}), 403)
    assert_envelope(client.post("/api/machines", headers=outro["headers"], json=pedido), 409)
    de_novo = client.post("/api/machines", headers=dono["headers"], json=pedido)
    assert de_novo.status_code == 200 and de_novo.get_json()["maquina"]["id"] == maquina["id"]


def test_outro_usuario_nao_ve_nem_libera_minha_maquina(client, atores):
    dono, intruso = atores.usuario(), atores.usuario()
    maquina = atores.maquina_de(dono)
    assert client.get("/api/machines", headers=intruso["headers"]).get_json()["machines"] == []
    assert_envelope(client.get(f"/api/machines/{maquina['id']}", headers=intruso["headers"]), 404)
    assert_envelope(client.delete(f"/api/machines/{maquina['id']}", headers=intruso["headers"]), 404)
    assert len(client.get("/api/machines", headers=dono["headers"]).get_json()["machines"]) == 1


def test_liberar_mantem_maquina_historico_e_qrcode_para_o_proximo_dono(client, atores, servicos):
    primeiro, segundo = atores.usuario(), atores.usuario()
    maquina = atores.maquina_de(primeiro)
    assert atores.enviar_leitura(maquina).status_code == 201
    client.post("/api/manual-log", headers=primeiro["headers"],
                json={"maquina_id": maquina["id"], "descricao": "Troca de rolamento"})

    assert client.delete(f"/api/machines/{maquina['id']}", headers=primeiro["headers"]).status_code == 200
    assert client.get("/api/machines", headers=primeiro["headers"]).get_json()["machines"] == []
    assert servicos.maquinas.buscar(maquina["id"]) is not None

    reivindicada = client.post("/api/machines", headers=segundo["headers"], json={
        "codigo": maquina["id"], "segredo": maquina["segredo"], "nome_maquina": "Herdada"})
    assert reivindicada.status_code == 201
    historico = client.get(f"/api/sensor-data/{maquina['id']}", headers=segundo["headers"]).get_json()
    assert len(historico["leituras"]) == 1
    registros = client.get(f"/api/manual-log/{maquina['id']}", headers=segundo["headers"]).get_json()
    assert registros["registros"] == []


def test_id_malformado_da_404_e_nao_500(client, atores):
    usuario = atores.usuario()
    for caminho in ("/api/machines/nao-e-id", "/api/machines/123", "/api/sensor-data/zzz", "/api/manual-log/%24ne"):
        assert_envelope(client.get(caminho, headers=usuario["headers"]), 404)
    assert_envelope(client.delete("/api/machines/nao-e-id", headers=usuario["headers"]), 404)


def test_apenas_admin_cria_maquina_pela_api(client, atores, servicos, tmp_path, app):
    app.config["QRCODE_DIR"] = str(tmp_path)
    operador = atores.usuario("operario")
    assert_envelope(client.post("/api/admin/machines", headers=operador["headers"],
                                json={"fabricante": "WEG", "modelo": "W22"}), 403)
    servicos.usuarios.definir_papel("operario", "admin")
    resposta = client.post("/api/admin/machines", headers=operador["headers"], json={"fabricante": "WEG", "modelo": "W22"})
    assert resposta.status_code == 201
    corpo = resposta.get_json()
    assert (tmp_path / corpo["qrcode"]).read_bytes().startswith(b"\x89PNG")
    assert corpo["segredo"] in corpo["link"] and corpo["maquina"]["id"] in corpo["link"]
    guardada = servicos.bd.colecao("maquinas").find_one({"fabricante": "WEG"})
    assert corpo["token_dispositivo"] not in str(guardada) and corpo["segredo"] not in str(guardada)


def test_admin_estreita_os_limites_de_partida_de_uma_maquina(client, atores, servicos):
    admin = atores.usuario("chefe")
    servicos.usuarios.definir_papel("chefe", "admin")
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    url = f"/api/admin/machines/{maquina['id']}/limits"
    assert_envelope(client.put(url, headers=dono["headers"], json={"temperatura": [20, 90]}), 403)
    for corpo in ({"temperatura": [20, 150]}, {"temperatura": [90, 30]}, {"pressao": [1, 2]}, {"voltagem": 300}, {}):
        assert_envelope(client.put(url, headers=admin["headers"], json=corpo), 400)
    resposta = client.put(url, headers=admin["headers"], json={"temperatura": [20, 90], "velocidade": [500, 1800]})
    assert resposta.status_code == 200
    assert resposta.get_json()["maquina"]["limites"] == {"voltagem": [220, 380], "velocidade": [500.0, 1800.0],
                                                         "temperatura": [20.0, 90.0]}
    servicos.maquinas.registrar_estado(maquina["id"], "parada")
    acima = client.post(f"/api/machines/{maquina['id']}/start", headers=dono["headers"],
                        json={"voltagem": 380, "velocidade": 2000, "temperatura": 60})
    assert assert_envelope(acima, 400)["campo"] == "velocidade"


def test_id_em_maiusculas_e_a_mesma_maquina_em_todo_caminho(client, atores, servicos):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    maiusculo = maquina["id"].upper()
    assert atores.enviar_leitura(dict(maquina, id=maiusculo)).status_code == 201  # maquina_id in the body
    for caminho in ("/api/machines/{}", "/api/sensor-data/{}", "/api/machines/{}/commands", "/api/manual-log/{}"):
        minusculas = client.get(caminho.format(maquina["id"]), headers=dono["headers"])
        maiusculas = client.get(caminho.format(maiusculo), headers=dono["headers"])
        assert (maiusculas.status_code, maiusculas.get_json()) == (200, minusculas.get_json()), caminho
    leituras = client.get(f"/api/sensor-data/{maiusculo}", headers=dono["headers"]).get_json()["leituras"]
    assert len(leituras) == 1
    serie = client.get(f"/api/sensor-data/{maiusculo}/serie", headers=dono["headers"]).get_json()
    assert serie["maquina_id"] == maquina["id"] and sum(p["n"] for p in serie["pontos"]) == 1


def test_usuario_em_ingles_recebe_as_recusas_em_ingles(client, atores, servicos):
    usuario = atores.usuario()
    servicos.usuarios.salvar_preferencias(usuario["id"], {"idioma": "en"})
    maquina = atores.maquina()
    resposta = client.post("/api/machines", headers=usuario["headers"],
                           json={"codigo": maquina["id"], "segredo": "errado", "nome_maquina": "Serra"})
    assert assert_envelope(resposta, 403)["message"] == "Invalid claim secret"
    sem_nome = client.post("/api/machines", headers=usuario["headers"], json={"codigo": maquina["id"], "segredo": "x"})
    assert assert_envelope(sem_nome, 400) == {"error": "Bad Request", "message": "The field 'nome_maquina' is required",
                                              "campo": "nome_maquina"}
    anonimo = client.post("/api/machines", json={"codigo": maquina["id"]})
    assert assert_envelope(anonimo, 401)["message"] == "Token ausente, inválido ou expirado"  # nobody to ask: pt-BR
