"""Notification pieces on their own: the webhook signature, the SSRF guard, the minimum severity, the pt-BR
e-mail and one real POST (signed, timed out, redirects not followed)."""
import hashlib
import hmac
import json
import socket
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer
import threading

import pytest

from MongoDB.erros import DadosInvalidos
from nucleo import destinos, email_alarme, notificacoes, webhook
from nucleo.contrato import CABECALHO_ASSINATURA, CABECALHO_ID_NOTIFICACAO, SEVERIDADES
from nucleo.entregador import FalhaDeEntrega
from receptores import receptor_webhook  # noqa: F401  (fixture)
from rotas.textos import TEXTOS

ALARME = {"alarme_id": "6650f0c2a1b2c3d4e5f60718", "maquina_id": "6650f0c2a1b2c3d4e5f60700", "tipo": "temperatura_alta",
          "sensor": "temperatura", "severidade": "alta", "estado": "ativo", "reconhecido": False,
          "inicio": datetime(2026, 5, 1, 11, 0, 5, tzinfo=timezone.utc), "fim": None, "limite": 80.0,
          "valor_pico": 97.0, "ultimo_valor": 95.0, "contagem": 3}


def _resolvedor(*enderecos):
    """A DNS that answers `enderecos` for any name (what getaddrinfo returns, trimmed to what is read)."""
    def resolver(host, porta, type=None):
        return [(socket.AF_INET6 if ":" in e else socket.AF_INET, socket.SOCK_STREAM, 6, "", (e, porta)) for e in enderecos]
    return resolver


# ---- the signature ---------------------------------------------------------------------------------
def test_assinatura_e_hmac_sha256_dos_bytes_exatos_do_corpo():
    corpo = webhook.corpo("alarme.ativado", ALARME)
    esperado = hmac.new(b"segredo-do-receptor", corpo, hashlib.sha256).hexdigest()
    assert webhook.assinatura("segredo-do-receptor", corpo) == f"sha256={esperado}"
    assert webhook.assinatura("segredo-do-receptor", corpo + b" ") != f"sha256={esperado}"
    dados = json.loads(corpo)
    assert dados["evento"] == "alarme.ativado" and dados["alarme"]["inicio"] == "2026-05-01T11:00:05.000+00:00"


# ---- where a webhook may point ------------------------------------------------------------------------
@pytest.mark.parametrize("endereco", ["127.0.0.1", "::1", "10.1.2.3", "172.16.0.9", "192.168.0.10", "169.254.169.254",
                                      "100.64.0.1", "0.0.0.0", "fe80::1", "fc00::5", "::ffff:127.0.0.1", "224.0.0.1",
                                      "240.0.0.1"])
def test_enderecos_locais_privados_e_reservados_sao_recusados(endereco):
    with pytest.raises(DadosInvalidos) as erro:
        destinos.validar("https://hooks.exemplo.com/x", resolvedor=_resolvedor(endereco))
    assert erro.value.chave == "webhook_url_rede_local" and erro.value.campo == "webhook_url"


def test_um_endereco_privado_entre_publicos_basta_para_recusar():
    with pytest.raises(DadosInvalidos):
        destinos.validar("https://hooks.exemplo.com/x", resolvedor=_resolvedor("93.184.216.34", "10.0.0.1"))


def test_enderecos_publicos_passam_e_a_rede_local_passa_com_a_permissao():
    destino = destinos.validar("https://hooks.exemplo.com:8443/a?b=1", resolvedor=_resolvedor("93.184.216.34"))
    assert (destino.host, destino.porta, destino.caminho, destino.enderecos) == \
        ("hooks.exemplo.com", 8443, "/a?b=1", ("93.184.216.34",))
    local = destinos.validar("http://localhost:9000", permitir_rede_local=True)
    assert local.caminho == "/" and "127.0.0.1" in local.enderecos


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://exemplo.com/", "http://", "http:/x", "//exemplo.com/x",
                                 "http://exemplo.com:99999/", "http://exemplo .com/", "https://u:s@exemplo.com/"])
def test_so_http_e_https_bem_formadas_e_sem_credenciais(url):
    with pytest.raises(DadosInvalidos):
        destinos.validar(url, permitir_rede_local=True, resolvedor=_resolvedor("93.184.216.34"))


# ---- minimum severity -----------------------------------------------------------------------------------
def test_severidade_minima_deixa_passar_ela_e_as_mais_graves():
    assert [s for s in SEVERIDADES if notificacoes.passa(s, "alta")] == ["critica", "alta"]
    assert [s for s in SEVERIDADES if notificacoes.passa(s, None)] == list(SEVERIDADES)


# ---- the e-mail -----------------------------------------------------------------------------------------
def test_email_em_portugues_com_maquina_alarme_valor_limite_e_hora_no_fuso_do_usuario():
    mensagem = email_alarme.compor("alarme.ativado", ALARME, {"nome_maquina": "Moedor 1", "fuso_horario": "America/Manaus"},
                                   "alarmes@exemplo.com", "dona@exemplo.com", "a:1:alarme.ativado:email",
                                   "https://planta.exemplo.com")
    assert mensagem["Subject"] == "[DataButcher] Alarme ativado: Temperatura alta em Moedor 1"
    texto = mensagem.get_content()
    for trecho in ("Alarme: Temperatura alta", "Severidade: Alta", "Valor: 95,0 °C (pico 97,0 °C)", "Limite: 80,0 °C",
                   "Início: 01/05/2026 07:00:05 (America/Manaus)",
                   "https://planta.exemplo.com/maquinas/6650f0c2a1b2c3d4e5f60700"):
        assert trecho in texto
    normalizado = email_alarme.compor("alarme.normalizado", dict(ALARME, estado="normalizado", fim=ALARME["inicio"]),
                                      {"nome_maquina": "", "fuso_horario": "America/Sao_Paulo"}, "a@b.com", "c@d.com", "x")
    assert normalizado["Subject"].startswith("[DataButcher] Alarme normalizado: Temperatura alta em 6650f0")
    assert "Fim: 01/05/2026 08:00:05 (America/Sao_Paulo)" in normalizado.get_content()


def test_nomes_dos_alarmes_no_email_sao_os_das_paginas():
    paginas = TEXTOS["pt-BR"]
    assert {f"tipo_{tipo}": nome for tipo, nome in email_alarme.NOMES_TIPO.items()} == \
        {chave: valor for chave, valor in paginas.items() if chave.startswith("tipo_")}
    assert email_alarme.NOMES_SEVERIDADE == {severidade: paginas[f"severidade_{severidade}"] for severidade in SEVERIDADES}


# ---- one POST ---------------------------------------------------------------------------------------------
def _local(segundos=0.5):
    return webhook.EnvioWebhook({"WEBHOOK_PERMITIR_REDE_LOCAL": True, "WEBHOOK_TIMEOUT_S": segundos})


def test_post_assinado_chega_ao_receptor_com_o_id_da_notificacao(receptor_webhook):
    corpo = webhook.corpo("alarme.ativado", ALARME)
    _local().postar(receptor_webhook.url, "s3gredo", corpo, "n-1")
    [(_, cabecalhos, recebido)] = receptor_webhook.recebidos
    assert recebido == corpo and cabecalhos["Content-Type"] == "application/json"
    assert cabecalhos[CABECALHO_ASSINATURA] == webhook.assinatura("s3gredo", recebido)
    assert cabecalhos[CABECALHO_ID_NOTIFICACAO] == "n-1"


def test_resposta_de_erro_e_falha_com_o_status(receptor_webhook):
    receptor_webhook.respostas = [503]
    with pytest.raises(FalhaDeEntrega, match="HTTP 503"):
        _local().postar(receptor_webhook.url, "s", b"{}", "n")


def test_redirecionamento_nao_e_seguido(receptor_webhook):
    class Redireciona(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.send_response(307)
            self.send_header("Location", receptor_webhook.url)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    servidor = HTTPServer(("127.0.0.1", 0), Redireciona)
    threading.Thread(target=servidor.serve_forever, daemon=True).start()
    try:
        with pytest.raises(FalhaDeEntrega, match="redirecionamento"):
            _local().postar(f"http://127.0.0.1:{servidor.server_port}/", "s", b"{}", "n")
    finally:
        servidor.shutdown()
        servidor.server_close()
    assert receptor_webhook.recebidos == []  # the redirect's target never heard of it


def test_receptor_que_nao_responde_esgota_o_tempo():
    calado = socket.socket()
    calado.bind(("127.0.0.1", 0))
    calado.listen()  # accepts the connection, never answers
    try:
        with pytest.raises(FalhaDeEntrega, match="Tempo esgotado"):
            _local(0.3).postar(f"http://127.0.0.1:{calado.getsockname()[1]}/", "s", b"{}", "n")
    finally:
        calado.close()


def test_webhook_para_rede_local_na_hora_do_envio_e_recusado(receptor_webhook):
    envio = webhook.EnvioWebhook({"WEBHOOK_PERMITIR_REDE_LOCAL": False})
    with pytest.raises(FalhaDeEntrega, match="rede local"):
        envio.postar(receptor_webhook.url, "s", b"{}", "n")
    assert receptor_webhook.recebidos == []


# ---- settings ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("ambiente, trecho", [
    ({"SMTP_TLS": "talvez"}, "SMTP_TLS"),
    ({"SMTP_HOST": "smtp.exemplo.com"}, "SMTP_REMETENTE"),
    ({"NOTIFICACOES_TENTATIVAS": "0"}, "NOTIFICACOES_TENTATIVAS"),
    ({"NOTIFICACOES_CONCESSAO_S": "5"}, "NOTIFICACOES_CONCESSAO_S"),
    ({"WEBHOOK_TIMEOUT_S": "dez"}, "WEBHOOK_TIMEOUT_S"),
])
def test_ajustes_de_notificacao_errados_impedem_a_partida(tmp_path, ambiente, trecho):
    from config import ConfiguracaoInvalida, ler_configuracao
    with pytest.raises(ConfiguracaoInvalida, match=trecho):
        ler_configuracao({"DATA_DIR": str(tmp_path), **ambiente})


def test_todo_ajuste_de_notificacao_esta_no_env_example(tmp_path):
    from pathlib import Path
    from config import ler_configuracao
    exemplo = (Path(__file__).resolve().parent.parent / ".env.example").read_text()
    chaves = [chave for chave in ler_configuracao({"DATA_DIR": str(tmp_path)}) if chave.startswith(("SMTP_", "WEBHOOK_", "NOTIFICACOES_"))]
    assert len(chaves) == 15 and all(f"\n{chave}=" in exemplo for chave in chaves)
