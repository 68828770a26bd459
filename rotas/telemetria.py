"""Telemetry API: devices post readings with their token; owners read the history."""
from datetime import timedelta

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, g, jsonify, request, stream_with_context

from MongoDB import validacao
from MongoDB.erros import DadosInvalidos
from MongoDB.gerencia_agregados import PONTOS_MAXIMOS
from MongoDB.gerencia_telemetria import LIMITE_MAXIMO, LIMITE_PADRAO

from .csv_leituras import csv_leituras
from .entrada import corpo_json, parametro_inteiro, parametro_instante
from .seguranca import servicos, token_dispositivo, token_required

bp = Blueprint("telemetria", __name__, url_prefix="/api")
SERIE_INTERVALO_MAXIMO = timedelta(days=400)


LOTE_MAXIMO = 100


@bp.post("/sensor-data")
def receber():
    """A reading from a device (`Authorization: Bearer <device token>`), or a backlog in `leituras`."""
    token = token_dispositivo()
    dados = corpo_json()
    maquina_id = validacao.object_id(dados.get("maquina_id"), "maquina_id")
    servicos().maquinas.autenticar_dispositivo(maquina_id, token)
    if "leituras" in dados:
        return _receber_lote(maquina_id, dados["leituras"])
    leitura_id, duplicada = servicos().receber_leitura(maquina_id, dados)
    if duplicada:
        return jsonify({"message": "Leitura já recebida", "sensor_data_id": leitura_id, "duplicada": True}), 200
    return jsonify({"message": "Dados recebidos com sucesso", "sensor_data_id": leitura_id}), 201


def _receber_lote(maquina_id, leituras):
    """All or nothing: one invalid reading refuses the batch, naming its position."""
    if not isinstance(leituras, list) or not 1 <= len(leituras) <= LOTE_MAXIMO:
        raise DadosInvalidos(f"'leituras' deve ser uma lista de 1 a {LOTE_MAXIMO} leituras", "leituras")
    validadas = []
    for posicao, leitura in enumerate(leituras):
        try:
            validadas.append(validacao.validar_leitura(leitura))
        except DadosInvalidos as erro:
            raise DadosInvalidos(f"leituras[{posicao}]: {erro.mensagem}", f"leituras[{posicao}].{erro.campo}") from None
    resultados = servicos().receber_lote(maquina_id, validadas)
    ids = [leitura_id for leitura_id, _ in resultados]
    duplicadas = sum(1 for _, duplicada in resultados if duplicada)
    return jsonify({"message": "Lote recebido", "sensor_data_ids": ids,
                    "inseridas": len(ids) - duplicadas, "duplicadas": duplicadas}), 201


@bp.get("/sensor-data/<maquina_id>/serie")
@token_required
def serie(maquina_id):
    """Chart data: min/avg/max per bucket, at most `pontos` (≤ 1000) buckets over [desde, ate]."""
    servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    ate = parametro_instante("ate") or validacao.agora_utc()
    desde = parametro_instante("desde") or ate - timedelta(hours=1)
    if desde >= ate:
        raise DadosInvalidos("'desde' deve ser anterior a 'ate'", "desde")
    if ate - desde > SERIE_INTERVALO_MAXIMO:
        raise DadosInvalidos("O intervalo máximo de um gráfico é de 400 dias", "desde")
    pontos = parametro_inteiro("pontos", PONTOS_MAXIMOS, 10, PONTOS_MAXIMOS)
    resultado = servicos().agregados.serie(maquina_id, desde, ate, pontos, current_app.config["HEARTBEAT_TIMEOUT"])
    return jsonify({"maquina_id": maquina_id, "desde": desde, "ate": ate, **resultado})


@bp.get("/sensor-data/<maquina_id>/export")
@token_required
def exportar(maquina_id):
    """CSV of [desde, ate] streamed row by row: a month of 1 Hz data never sits in memory."""
    maquina = servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    if request.args.get("format", "csv") != "csv":
        raise DadosInvalidos("Formato suportado: csv", "format")
    # Open ends: everything retention still keeps, up to the device clock tolerance.
    ate = parametro_instante("ate") or validacao.agora_utc() + validacao.TOLERANCIA_FUTURO
    desde = parametro_instante("desde") or ate - timedelta(days=current_app.config["RETENCAO_DIAS_BRUTOS"] + 1)
    if desde > ate:
        raise DadosInvalidos("'desde' deve ser anterior a 'ate'", "desde")
    fuso = ZoneInfo(g.usuario["preferencias"].get("fuso_horario") or current_app.config["FUSO_HORARIO"])
    linhas = csv_leituras(servicos().telemetria.percorrer(maquina_id, desde, ate), fuso)
    nome = f"leituras_{(maquina.get('nome_maquina') or maquina_id)}.csv"
    nome_seguro = "".join(c if c.isalnum() or c in "._-" else "_" for c in nome)
    return Response(stream_with_context(linhas), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{nome_seguro}"'})


@bp.get("/sensor-data/<maquina_id>")
@token_required
def historico(maquina_id):
    """Newest first; `limit` (1–1000), `desde`/`ate` (ISO 8601 with offset or epoch ms)."""
    servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    limite = parametro_inteiro("limit", LIMITE_PADRAO, 1, LIMITE_MAXIMO)
    desde, ate = parametro_instante("desde"), parametro_instante("ate")
    if desde and ate and desde > ate:
        raise DadosInvalidos("'desde' deve ser anterior a 'ate'", "desde")
    leituras = servicos().telemetria.listar(maquina_id, limite, desde, ate)
    return jsonify({"maquina_id": maquina_id, "leituras": leituras})
