"""Receivers for the notification tests: a webhook endpoint (http.server in a thread) and an SMTP server
(aiosmtpd), each on a free loopback port, recording what arrived and stopped by the fixture."""
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from MongoDB.banco_embutido import porta_livre


class ReceptorWebhook:
    """Answers each POST with the next status of `respostas` (the last one repeats) and records body and headers."""

    def __init__(self, respostas=(200,)):
        self.respostas = list(respostas)
        self.recebidos = []  # [(status answered, headers dict, body bytes)]
        self._trava = threading.Lock()
        receptor = self

        class Manipulador(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                corpo = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receptor._trava:
                    status = receptor.respostas.pop(0) if len(receptor.respostas) > 1 else receptor.respostas[0]
                    receptor.recebidos.append((status, dict(self.headers), corpo))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.servidor = ThreadingHTTPServer(("127.0.0.1", 0), Manipulador)
        self.url = f"http://127.0.0.1:{self.servidor.server_port}/alarmes"
        self._thread = threading.Thread(target=self.servidor.serve_forever, daemon=True)
        self._thread.start()

    def parar(self):
        self.servidor.shutdown()
        self.servidor.server_close()


class ReceptorSmtp:
    """aiosmtpd's Controller with a handler that keeps every message it accepts."""

    def __init__(self):
        from aiosmtpd.controller import Controller  # test dependency only (requirements-dev.txt)

        self.mensagens = []
        receptor = self

        class Guardar:
            async def handle_DATA(self, servidor, sessao, envelope):  # noqa: N802 (aiosmtpd's name)
                receptor.mensagens.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
                return "250 OK"

        self.porta = porta_livre()  # aiosmtpd checks it is up by connecting to its port: 0 will not do
        self.controlador = Controller(Guardar(), hostname="127.0.0.1", port=self.porta)
        self.controlador.start()

    def config_app(self) -> dict:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.porta, "SMTP_TLS": "nenhum",
                "SMTP_REMETENTE": "DataButcher <alarmes@databutcher.test>"}

    def parar(self):
        self.controlador.stop()


@pytest.fixture
def receptor_webhook():
    receptor = ReceptorWebhook()
    yield receptor
    receptor.parar()


@pytest.fixture
def receptor_smtp():
    receptor = ReceptorSmtp()
    yield receptor
    receptor.parar()
