"""Telemetry API: devices post readings with their token; owners read the history."""
from flask import Blueprint, g, jsonify

from MongoDB import validacao
from MongoDB.erros import DadosInvalidos
from MongoDB.gerencia_telemetria import LIMITE_MAXIMO, LIMITE_PADRAO

from .entrada import corpo_json, parametro_inteiro, parametro_instante
from .seguranca import servicos, token_dispositivo, token_required

bp = Blueprint("telemetria", __name__, url_prefix="/api")


@bp.post("/sensor-data")
def receber():
    """One reading from a device: `Authorization: Bearer <device token>`."""
    token = token_dispositivo()
    dados = corpo_json()
    maquina_id = validacao.object_id(dados.get("maquina_id"), "maquina_id")
    servicos().maquinas.autenticar_dispositivo(maquina_id, token)
    leitura_id, duplicada = servicos().receber_leitura(maquina_id, dados)
    if duplicada:
        return jsonify({"message": "Leitura já recebida", "sensor_data_id": leitura_id, "duplicada": True}), 200
    return jsonify({"message": "Dados recebidos com sucesso", "sensor_data_id": leitura_id}), 201


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
