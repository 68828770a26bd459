"""Alarm notifications per user: the settings (webhook, e-mail, minimum severity) and the enqueue of each transition.

The alarm engine calls a `Notificador` (its `notificar` hook) on the writer thread right after a transition
is written: it reads the owner's settings once and inserts one outbox document per channel that wants this
alarm, nothing else (no network). nucleo/entregador.py sends them from its own thread. The minimum severity is
applied here, at enqueue: what was filtered out is never sent, even if the setting changes later.

The webhook secret is made when a webhook is first set (or on `gerar_novo_segredo`), shown in that answer
only, and stored as it is: the HMAC needs it (docs/security.md, "Notificações").
"""
import secrets

from MongoDB.erros import DadosInvalidos
from MongoDB.gerencia_alarmes import GerenciaAlarmes
from MongoDB.gerencia_BD import agora_utc
from MongoDB.gerencia_notificacoes import chave_notificacao

from . import destinos, validacao
from .contrato import CANAIS_NOTIFICACAO, SEVERIDADES

SEGREDO_BYTES = 32
SEVERIDADE_MINIMA_PADRAO = SEVERIDADES[-1]  # until chosen, every alarm
CAMPOS = ("webhook_url", "email", "severidade_minima", "gerar_novo_segredo")


def passa(severidade, minima) -> bool:
    """Whether an alarm of `severidade` is at least as severe as `minima` (nucleo/contrato.SEVERIDADES order)."""
    return SEVERIDADES.index(severidade) <= SEVERIDADES.index(minima or SEVERIDADE_MINIMA_PADRAO)


def _booleano(valor, campo) -> bool:
    if not isinstance(valor, bool):
        raise DadosInvalidos("campo_booleano", campo)
    return valor


def ler(servicos, usuario_id) -> dict:
    """My settings and each channel's last delivery (never the secret)."""
    ajustes = servicos.usuarios.notificacoes(usuario_id)
    return {"webhook_url": ajustes["webhook_url"], "webhook_segredo_definido": bool(ajustes["webhook_segredo"]),
            "email": ajustes["email"], "email_disponivel": servicos.entregador.canais["email"].disponivel,
            "endereco_email": ajustes["endereco_email"],
            "severidade_minima": ajustes["severidade_minima"] or SEVERIDADE_MINIMA_PADRAO,
            "canais": servicos.notificacoes.situacoes(usuario_id, CANAIS_NOTIFICACAO)}


def salvar(servicos, usuario_id, dados) -> dict:
    """Change my settings (fields left out keep their value); the answer carries a new webhook secret once."""
    if not isinstance(dados, dict):
        raise DadosInvalidos("corpo_nao_objeto")
    for campo in dados:
        if campo not in CAMPOS:
            raise DadosInvalidos("campo_desconhecido", campo)
    atuais = servicos.usuarios.notificacoes(usuario_id)
    url = atuais["webhook_url"]
    if "webhook_url" in dados:  # null or "" removes the webhook (and its secret)
        url = dados["webhook_url"].strip() if isinstance(dados["webhook_url"], str) else dados["webhook_url"]
        if url in (None, ""):
            url = None
        else:
            destinos.validar(url, servicos.cfg.get("WEBHOOK_PERMITIR_REDE_LOCAL", False))
    email = _booleano(dados["email"], "email") if "email" in dados else atuais["email"]
    if email and "email" in dados and not servicos.entregador.canais["email"].disponivel:
        raise DadosInvalidos("email_indisponivel", "email")
    minima = atuais["severidade_minima"] or SEVERIDADE_MINIMA_PADRAO
    if "severidade_minima" in dados:
        minima = validacao.um_de(dados["severidade_minima"], SEVERIDADES, "severidade_minima")
    novo_segredo = _booleano(dados.get("gerar_novo_segredo", False), "gerar_novo_segredo")
    segredo, gerado = (atuais["webhook_segredo"] if url else None), None
    if url and (segredo is None or novo_segredo):
        segredo = gerado = secrets.token_urlsafe(SEGREDO_BYTES)
    servicos.usuarios.salvar_notificacoes(usuario_id, url, segredo, email, minima)
    resposta = {"notificacoes": ler(servicos, usuario_id)}
    if gerado is not None:
        resposta["webhook_segredo"] = gerado  # the only time it is shown
    return resposta


class Notificador:
    """The engine's `notificar(evento, alarme, maquina)`: one outbox insert per channel that wants the alarm."""

    def __init__(self, usuarios, notificacoes, canais, agora=agora_utc):
        self.usuarios, self.notificacoes, self.canais, self.agora = usuarios, notificacoes, canais, agora

    def __call__(self, evento, alarme, maquina):
        usuario_id = alarme.get("usuario_id")
        ajustes = self.usuarios.notificacoes(usuario_id) if usuario_id else None
        if ajustes is None or not passa(alarme["severidade"], ajustes["severidade_minima"]):
            return 0
        publico = GerenciaAlarmes.publico(alarme)
        contexto = {"nome_maquina": maquina.get("nome_maquina") or "", "fuso_horario": ajustes["fuso_horario"]}
        agora_ms = int(self.agora().timestamp() * 1000)
        novas = 0
        for nome, canal in self.canais.items():
            if canal.ativo(ajustes) and getattr(canal, "disponivel", True):
                chave = chave_notificacao(publico["alarme_id"], alarme.get("ativacoes", 1), evento, nome)
                novas += self.notificacoes.enfileirar(chave, usuario_id, nome, evento, publico, contexto, agora_ms)
        return novas
