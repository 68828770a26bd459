"""What one caller may take: attempt limits (flask-limiter) and the open live streams of each user.

Every rate comes from a setting (config.py, `LIMITE_*`), read at each request; the storage is
RATELIMIT_STORAGE_URI (memory of this process by default). Over a limit the caller gets 429 in
the envelope with Retry-After (rotas/erros.py). What is counted:
- login: every attempt per client IP (each costs a bcrypt), failures per user name;
- registration: every attempt per IP and per user name;
- claims: failures (wrong code or secret) per user and per machine code;
- devices: failures per machine. A device that presents its own token is never counted nor refused,
  so nobody can lock a machine out by failing on purpose, and 200 devices behind one NAT keep posting.
"""
import math
import threading
import time
from collections import Counter

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix

from MongoDB.erros import ErroDominio, Indisponivel, MuitasTentativas
from nucleo import validacao
from nucleo.etiquetas import ler_link_reivindicacao

from . import seguranca

CHAVE_MAXIMA = 64  # longer names and codes are cut: the key is a bucket, not a copy of the body
# Retry-After for a refused stream beyond the server's total (a user's own slot frees at their next ping).
ESPERA_FLUXOS_ESGOTADOS_S = 30

# One Limiter per process, as flask-limiter has it (the decorators below need it at import time):
# each create_app() re-initialises it with its own settings and a fresh storage, so the app made last
# is the one it counts for. Production makes one app per process; the tests make them one at a time.
# moving-window: no double burst at a window's edge. If a shared storage (redis://...) goes down, the
# limits carry on in this process's memory instead of failing every login.
limitador = Limiter(key_func=get_remote_address, strategy="moving-window", in_memory_fallback_enabled=True)


def registrar_limites(app):
    """The attempt limits and the stream slots of this app; the real client IP behind PROXIES_CONFIAVEIS."""
    if app.config["PROXIES_CONFIAVEIS"] > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXIES_CONFIAVEIS"], x_proto=1)
    limitador.init_app(app)
    app.extensions["fluxos_ao_vivo"] = VagasDeFluxo()


# ---- what a bucket is keyed by ---------------------------------------------------------
def _corpo() -> dict:
    """The JSON body or the form, as a dict; never raises (the view refuses a bad body itself)."""
    if request.is_json:
        try:
            dados = request.get_json(silent=True)
        except (RecursionError, BadRequest):
            dados = None
        return dados if isinstance(dados, dict) else {}
    return request.form


def _chave(valor) -> str:
    return valor.strip().casefold()[:CHAVE_MAXIMA] if isinstance(valor, str) and valor.strip() else "-"


def nome_usuario_informado() -> str:
    return _chave(_corpo().get("nome_usuario"))


def usuario_logado() -> str:
    return g.usuario["id"]


def maquina_reivindicada() -> str:
    """The machine code of a claim, typed or inside the QR link."""
    dados = _corpo()
    codigo = dados.get("codigo")
    if codigo is None:
        codigo, _ = ler_link_reivindicacao(dados.get("link"))
    return _chave(codigo)


def maquina_do_dispositivo() -> str:
    return _chave(_corpo().get("maquina_id"))


def dispositivo_autentico() -> bool:
    """The request carries the device token of the machine it names: such a device is never throttled."""
    try:
        maquina_id = validacao.maquina_id(_corpo().get("maquina_id"))
        seguranca.servicos().maquinas.autenticar_dispositivo(maquina_id, seguranca.token_dispositivo())
    except ErroDominio:
        return False
    return True


def _falhou(*status):
    return lambda resposta: resposta.status_code in status


def _taxa(chave):
    return lambda: current_app.config[chave]


def _combinar(*limites):
    """One decorator out of several limits (flask-limiter checks them all once, in the innermost)."""
    def decorar(rota):
        for limite in reversed(limites):
            rota = limite(rota)
        return rota
    return decorar


# ---- the limits, shared by the API and the pages -----------------------------------------
login = _combinar(
    limitador.shared_limit(_taxa("LIMITE_LOGIN_IP"), scope="login-ip", methods=["POST"]),
    limitador.shared_limit(_taxa("LIMITE_LOGIN_USUARIO"), scope="login-usuario", methods=["POST"],
                           key_func=nome_usuario_informado, deduct_when=_falhou(401)))
cadastro = _combinar(
    limitador.shared_limit(_taxa("LIMITE_CADASTRO_IP"), scope="cadastro-ip", methods=["POST"]),
    limitador.shared_limit(_taxa("LIMITE_CADASTRO_USUARIO"), scope="cadastro-usuario", methods=["POST"],
                           key_func=nome_usuario_informado))
# Under token_required: the user is known when these run.
reivindicacao = _combinar(
    limitador.shared_limit(_taxa("LIMITE_REIVINDICACAO_USUARIO"), scope="reivindicacao-usuario",
                           key_func=usuario_logado, deduct_when=_falhou(403, 404)),
    limitador.shared_limit(_taxa("LIMITE_REIVINDICACAO_MAQUINA"), scope="reivindicacao-maquina",
                           key_func=maquina_reivindicada, deduct_when=_falhou(403, 404)))
falhas_do_dispositivo = limitador.shared_limit(
    _taxa("LIMITE_DISPOSITIVO_FALHAS"), scope="dispositivo", key_func=maquina_do_dispositivo,
    exempt_when=dispositivo_autentico, deduct_when=_falhou(403))


def segundos_ate_liberar() -> int:
    """Seconds until the limit this request broke lets one more through (Retry-After)."""
    estourado = limitador.current_limit
    if estourado is None:
        return 1
    return max(1, math.ceil(estourado.reset_at - time.time()))


# ---- open live streams -------------------------------------------------------------------
class VagasDeFluxo:
    """The live streams open in this process, per user and in all.

    A stream takes a slot before it starts and gives it back when the server closes the response
    (the client went away, the session ended or the stream reached its lifetime).
    """

    def __init__(self):
        self._por_usuario = Counter()
        self._trava = threading.Lock()

    def ocupar(self, usuario_id, maximo_por_usuario, maximo_total, espera_s):
        """A slot for `usuario_id`, as the function that frees it; 429 over the user's share, 503 over the total."""
        with self._trava:
            if self._por_usuario[usuario_id] >= maximo_por_usuario:
                raise MuitasTentativas("fluxos_demais_usuario", repetir_em=espera_s, maximo=maximo_por_usuario)
            if sum(self._por_usuario.values()) >= maximo_total:
                raise Indisponivel("fluxos_esgotados", repetir_em=ESPERA_FLUXOS_ESGOTADOS_S, maximo=maximo_total)
            self._por_usuario[usuario_id] += 1
        ocupada = [True]

        def liberar():
            """Idempotent: the server may close a response more than once."""
            with self._trava:
                if ocupada[0]:
                    ocupada[0] = False
                    self._por_usuario[usuario_id] -= 1
                    if self._por_usuario[usuario_id] <= 0:
                        del self._por_usuario[usuario_id]
        return liberar

    def abertos(self) -> int:
        with self._trava:
            return sum(self._por_usuario.values())


def vagas_de_fluxo() -> VagasDeFluxo:
    return current_app.extensions["fluxos_ao_vivo"]
