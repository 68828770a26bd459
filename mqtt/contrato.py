"""The topics and payloads devices and the server exchange (README, "MQTT"); no broker, no Flask.

    databutcher/<maquina_id>/status      device → server  {"state": "iniciada"|"parada"|"desarmada"|"online"|"offline",
                                                          "ts"?, "motivo"?, "valor"?, "limite"?, "parametros"?}
    databutcher/<maquina_id>/telemetria  device → server  a reading (as in POST /api/sensor-data) or a list
    databutcher/<maquina_id>/comandos    server → device  {"comando", "id", "expira_em", "parametros"?}
"""
import json

from nucleo.contrato import ESTADOS_ACEITOS
from nucleo.json_entrada import ANINHADO_DEMAIS, ler_json

PREFIXO = "databutcher"
TIPOS_DO_DISPOSITIVO = ("status", "telemetria")
QOS_COMANDOS = 1
QOS_ASSINATURAS = 1
PAYLOAD_MAXIMO = 64 * 1024


def topico(maquina_id, tipo) -> str:
    """databutcher/<maquina_id>/<tipo>; tipo is status, telemetria or comandos."""
    return f"{PREFIXO}/{maquina_id}/{tipo}"


def topicos_assinados(grupo_compartilhado=None) -> list:
    """The server's subscriptions; `$share/<grupo>/` splits them among several processes."""
    topicos = [topico("+", tipo) for tipo in TIPOS_DO_DISPOSITIVO]
    if grupo_compartilhado:
        topicos = [f"$share/{grupo_compartilhado}/{t}" for t in topicos]
    return topicos


def ler_topico(topico_recebido):
    """(maquina_id as written, tipo) of a device topic, or (None, None) if it is not one of ours."""
    partes = topico_recebido.split("/")
    if len(partes) != 3 or partes[0] != PREFIXO or partes[2] not in TIPOS_DO_DISPOSITIVO:
        return None, None
    return partes[1], partes[2]


def ler_payload(payload: bytes):
    """The JSON of a payload; a bare state word (a Last Will such as `offline`) reads as {"state": ...}.

    Raises ValueError (UnicodeDecodeError included) for anything else, and for a document
    nested too deep as a whole; a too-deep reading inside a list stays in place as
    ANINHADO_DEMAIS, so the batch keeps its other readings (nucleo/json_entrada.py).
    """
    if len(payload) > PAYLOAD_MAXIMO:
        raise ValueError("payload grande demais")
    texto = payload.decode("utf-8")
    if texto.strip() in ESTADOS_ACEITOS:
        return {"state": texto.strip()}
    dados = ler_json(texto)
    if dados is ANINHADO_DEMAIS:
        raise ValueError("JSON aninhado demais")
    return dados


def carga_comando(registro) -> str:
    """The JSON a device receives for a recorded command (expiry in epoch ms: devices have no ISO parser)."""
    carga = {"comando": registro["comando"], "id": registro["comando_id"],
             "expira_em": int(registro["expira_em"].timestamp() * 1000)}
    if registro["parametros"]:
        carga["parametros"] = registro["parametros"]
    return json.dumps(carga)
