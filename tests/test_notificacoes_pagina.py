"""The account page's notifications in Chromium: save a webhook, see its secret once, see a refusal at the field,
see each channel's last delivery in words; axe-core finds nothing serious or critical on the way."""
from MongoDB.gerencia_BD import agora_utc
from navegador import chromium, pagina, servidor_vivo, verificar_acessibilidade  # noqa: F401  (fixtures)
from test_navegador import ESPERA_MS, _entrar, _operador


def test_operador_salva_o_webhook_ve_o_segredo_uma_vez_e_a_ultima_entrega(servidor_vivo, pagina):
    servidor_vivo.app.config["WEBHOOK_PERMITIR_REDE_LOCAL"] = True  # the receiver would be on loopback
    usuario = _operador(servidor_vivo, "nina", "senha-da-nina1")
    _entrar(pagina, servidor_vivo, usuario)
    pagina.goto(f"{servidor_vivo.url}/conta")
    assert pagina.is_disabled("#notif-email")  # no SMTP_HOST on this server, and the page says so
    assert "não está configurado" in pagina.inner_text("#ajuda-email")
    assert pagina.inner_text("dd[data-canal=webhook]") == "Desligado. Nenhuma entrega ainda."

    pagina.fill("#notif-webhook", "ftp://receptor.exemplo.com/x")
    pagina.click("#salvar-notificacoes")
    pagina.wait_for_selector("#mensagem-notificacoes[data-tipo=erro]", timeout=ESPERA_MS)
    assert "http://" in pagina.inner_text("#mensagem-notificacoes")
    assert pagina.get_attribute("#notif-webhook", "aria-invalid") == "true"

    pagina.fill("#notif-webhook", "http://127.0.0.1:9/alarmes")
    pagina.select_option("#notif-severidade", "critica")
    pagina.click("#salvar-notificacoes")
    pagina.wait_for_selector("#notif-segredo:not([hidden])", timeout=ESPERA_MS)
    segredo = pagina.inner_text("#notif-segredo-valor")
    ajustes = servidor_vivo.servicos.usuarios.notificacoes(usuario["id"])
    assert segredo == ajustes["webhook_segredo"] and ajustes["severidade_minima"] == "critica"
    verificar_acessibilidade(pagina, "conta com o segredo do webhook à mostra")

    agora = agora_utc()
    servidor_vivo.servicos.notificacoes.registrar_situacao(usuario["id"], "webhook", "nova_tentativa",
                                                            "HTTP 500 Internal Server Error", agora)
    pagina.reload()
    assert pagina.is_hidden("#notif-segredo") and segredo not in pagina.content()  # once, and never again
    assert pagina.input_value("#notif-webhook") == "http://127.0.0.1:9/alarmes"
    situacao = pagina.inner_text("dd[data-canal=webhook]")
    assert situacao.startswith("Falhou; tentando de novo. Último erro (") and "HTTP 500 Internal Server Error" in situacao
    verificar_acessibilidade(pagina, "conta com erro de entrega")
    # The only console line is Chromium's own for the refused save (400), which the page showed at the field.
    assert [erro for erro in pagina.erros if "status of 400" not in erro] == []
