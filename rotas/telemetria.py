"""Telemetry API: devices post readings with their token; owners read the history."""
from datetime import timedelta

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, g, jsonify, request, stream_with_context

from MongoDB.erros import DadosInvalidos
from MongoDB.gerencia_agregados import PONTOS_MAXIMOS
from MongoDB.gerencia_BD import agora_utc
from MongoDB.gerencia_telemetria import LIMITE_MAXIMO, LIMITE_PADRAO
from nucleo import leituras, mensagens, validacao
from nucleo.contrato import LOTE_MAXIMO

from . import limites
from .apresentacao import fuso_do_usuario, idioma
from .csv_leituras import csv_leituras
from .entrada import corpo_json, intervalo, parametro_inteiro, parametro_instante
from .seguranca import servicos, token_dispositivo, token_required

bp = Blueprint("telemetria", __name__, url_prefix="/api")
SERIE_DIAS_MAXIMOS = 400


@bp.post("/sensor-data")
@limites.falhas_do_dispositivo
def receber():
    """A reading from a device (`Authorization: Bearer <device token>`), or a backlog in `leituras`."""
    token = token_dispositivo()
    dados = corpo_json()
    maquina_id = validacao.maquina_id(dados.get("maquina_id"))
    servicos().maquinas.autenticar_dispositivo(maquina_id, token)
    if "leituras" in dados:
        return _receber_lote(maquina_id, dados["leituras"])
    recepcao = leituras.receber(servicos(), maquina_id, dados)
    if recepcao.recusadas:
        raise recepcao.recusadas[0][1]
    [(leitura_id, duplicada)] = recepcao.aguardar()
    if duplicada:
        return jsonify({"message": "Leitura já recebida", "sensor_data_id": leitura_id, "duplicada": True}), 200
    return jsonify({"message": "Dados recebidos com sucesso", "sensor_data_id": leitura_id}), 201


def _receber_lote(maquina_id, lote):
    """The good readings are stored; the bad ones come back by position. Nothing good → 400."""
    if not isinstance(lote, list):
        raise DadosInvalidos("lote_tamanho", "leituras", maximo=LOTE_MAXIMO)
    recepcao = leituras.receber(servicos(), maquina_id, lote)
    recusadas = [{"posicao": posicao, "campo": f"leituras[{posicao}].{erro.campo}" if erro.campo else f"leituras[{posicao}]",
                  "message": mensagens.texto(erro, idioma())} for posicao, erro in recepcao.recusadas]
    if recepcao.pedido is None:
        primeira = recusadas[0]
        raise DadosInvalidos("leitura_do_lote", primeira["campo"], posicao=primeira["posicao"],
                             mensagem=primeira["message"])
    resultados = recepcao.aguardar()
    ids = [leitura_id for leitura_id, _ in resultados]
    duplicadas = sum(1 for _, duplicada in resultados if duplicada)
    return jsonify({"message": "Lote recebido", "sensor_data_ids": ids, "inseridas": len(ids) - duplicadas,
                    "duplicadas": duplicadas, "recusadas": recusadas}), 201


@bp.get("/sensor-data/<id_maquina:maquina_id>/serie")
@token_required
def serie(maquina_id):
    """Chart data: min/avg/max per bucket, at most `pontos` (≤ 1000) buckets over [desde, ate]."""
    servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    desde, ate = intervalo(lambda ate: ate - timedelta(hours=1), agora_utc, permitir_iguais=False)
    if ate - desde > timedelta(days=SERIE_DIAS_MAXIMOS):
        raise DadosInvalidos("intervalo_grafico_maximo", "desde", dias=SERIE_DIAS_MAXIMOS)
    pontos = parametro_inteiro("pontos", PONTOS_MAXIMOS, 10, PONTOS_MAXIMOS)
    resultado = servicos().agregados.serie(maquina_id, desde, ate, pontos, current_app.config["HEARTBEAT_TIMEOUT"])
    return jsonify({"maquina_id": maquina_id, "desde": desde, "ate": ate, **resultado})


@bp.get("/sensor-data/<id_maquina:maquina_id>/export")
@token_required
def exportar(maquina_id):
    """CSV of [desde, ate] streamed row by row: a month of 1 Hz data never sits in memory."""
    maquina = servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    if request.args.get("format", "csv") != "csv":
        raise DadosInvalidos("formato_csv", "format")
    # Bounded: the longest span is a setting (by default all that raw retention keeps), and the
    # open ends give that span up to the device clock tolerance.
    dias_maximos = current_app.config["EXPORTACAO_DIAS_MAXIMOS"]
    desde, ate = intervalo(lambda ate: ate - timedelta(days=dias_maximos),
                           lambda: agora_utc() + validacao.TOLERANCIA_FUTURO)
    if ate - desde > timedelta(days=dias_maximos):
        raise DadosInvalidos("intervalo_exportacao_maximo", "desde", dias=dias_maximos)
    linhas = csv_leituras(servicos().telemetria.percorrer(maquina_id, desde, ate), ZoneInfo(fuso_do_usuario()))
    nome = f"leituras_{(maquina.get('nome_maquina') or maquina_id)}.csv"
    nome_seguro = "".join(c if c.isalnum() or c in "._-" else "_" for c in nome)
    return Response(stream_with_context(linhas), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{nome_seguro}"'})


@bp.get("/sensor-data/<id_maquina:maquina_id>")
@token_required
def historico(maquina_id):
    """Newest first; `limit` (1–1000), `desde`/`ate` (ISO 8601 with offset or epoch ms)."""
    servicos().maquinas.buscar_do_usuario(maquina_id, g.usuario["id"])
    limite = parametro_inteiro("limit", LIMITE_PADRAO, 1, LIMITE_MAXIMO)
    desde, ate = parametro_instante("desde"), parametro_instante("ate")
    if desde and ate and desde > ate:
        raise DadosInvalidos("desde_depois_de_ate", "desde")
    return jsonify({"maquina_id": maquina_id, "leituras": servicos().telemetria.listar(maquina_id, limite, desde, ate)})
