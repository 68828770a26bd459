"""Server-Sent Events: `GET /api/eventos` streams the caller's machines as they change.

Every ~2 s the stream reads the user's machines with one query, recomputes `online`
from the clock (a silent machine turns offline without any message) and sends only
the machines whose view changed, plus a `: ping` comment so proxies keep the
connection open. The stream ends when the client goes away (GeneratorExit) or after
a maximum lifetime; the browser's EventSource reconnects by itself after `retry`.

Each open stream holds one server thread, so they are counted (rotas/limites.VagasDeFluxo): at
most SSE_MAX_POR_USUARIO per user (429 beyond) and SSE_MAX_TOTAL in the process (503 beyond),
and gunicorn.conf.py gives gunicorn that many threads plus a reserve that streams never take.
A refused dashboard falls back to polling /api/machines (static/js/eventos.js).
"""
import logging
import math
import time

from flask import Blueprint, Response, current_app, g, request, stream_with_context
from pymongo.errors import PyMongoError

from nucleo import painel, validacao

from . import seguranca
from .limites import vagas_de_fluxo
from .seguranca import servicos, token_required

log = logging.getLogger(__name__)

bp = Blueprint("eventos", __name__, url_prefix="/api")

RETRY_MS = 3000


def diferencas(anteriores: dict, atuais: list):
    """Compare this tick's machines with the last tick's views.

    `anteriores` is {id: view} from the previous tick, `atuais` the list of views now.
    Returns (changed views, ids that disappeared, {id: view} for the next tick).
    """
    vistas = {maquina["id"]: maquina for maquina in atuais}
    mudadas = [maquina for maquina in atuais if anteriores.get(maquina["id"]) != maquina]
    removidas = [maquina_id for maquina_id in anteriores if maquina_id not in vistas]
    return mudadas, removidas, vistas


def formatar_evento(nome: str, dados: str) -> str:
    """One SSE message; `dados` is JSON (one line, so one `data:` field)."""
    return f"event: {nome}\ndata: {dados}\n\n"


def fluxo_maquinas(usuario_id, intervalo_s, vida_maxima_s, maquina_id=None, revalidar_s=10.0,
                   relogio=time.monotonic, dormir=time.sleep):
    """The event stream of one user (or of one of their machines): a snapshot first, then only the changes,
    until the end of its life. Every `revalidar_s` the session is checked again: one ended on another
    device ("Sair de todos") ends the stream with a `sessao` event the page turns into a message."""
    fim = relogio() + vida_maxima_s
    revalidar_a_cada = max(1, round(revalidar_s / intervalo_s)) if intervalo_s > 0 else 1
    anteriores = {}
    tique = 0
    yield f"retry: {RETRY_MS}\n\n"
    try:
        while True:
            # One query per tick for this user, never one per machine.
            atuais = painel.maquinas_do_usuario(servicos(), usuario_id)
            if maquina_id is not None:
                atuais = [maquina for maquina in atuais if maquina["id"] == maquina_id]
            mudadas, removidas, anteriores = diferencas(anteriores, atuais)
            if mudadas or removidas:
                yield formatar_evento("maquinas", current_app.json.dumps(
                    {"maquinas": mudadas, "removidas": removidas, "completo": tique == 0}))
            else:
                yield ": ping\n\n"
            tique += 1
            if relogio() >= fim:
                return
            if tique % revalidar_a_cada == 0 and seguranca.usuario_atual() is None:
                yield formatar_evento("sessao", '"encerrada"')
                return
            dormir(intervalo_s)
    except GeneratorExit:
        log.debug("Fluxo de eventos encerrado pelo cliente (usuário %s)", usuario_id)
        raise
    except PyMongoError:
        # The database went away mid-stream: end it; the browser reconnects after `retry`.
        log.warning("Fluxo de eventos encerrado: banco indisponível (usuário %s)", usuario_id)


@bp.get("/eventos")
@token_required
def eventos():
    """text/event-stream of the caller's machines (cookie or Bearer); `?maquina_id=` follows only that one
    (the machine page), and another user's machine is 'not found' before the stream opens."""
    cfg = current_app.config
    maquina_id = request.args.get("maquina_id") or None
    if maquina_id is not None:
        servicos().maquinas.buscar_do_usuario(validacao.maquina_id(maquina_id), g.usuario["id"])
    intervalo, vida = float(cfg["SSE_INTERVALO_S"]), float(cfg["SSE_VIDA_MAXIMA_S"])
    # A closed tab frees its slot at its next ping, within one interval: that is when to retry.
    liberar = vagas_de_fluxo().ocupar(g.usuario["id"], cfg["SSE_MAX_POR_USUARIO"], cfg["SSE_MAX_TOTAL"],
                                      espera_s=math.ceil(intervalo) + 1)
    resposta = Response(stream_with_context(fluxo_maquinas(g.usuario["id"], intervalo, vida, maquina_id,
                                                        float(cfg["SSE_REVALIDAR_SESSAO_S"]))),
                        mimetype="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    resposta.call_on_close(liberar)  # whenever the server closes it: client gone, session over, end of life
    return resposta
