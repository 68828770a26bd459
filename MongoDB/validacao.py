"""Validation of everything that reaches the managers, shared by HTTP, MQTT and the console.

A reading is accepted or refused the same way whichever path it took; each
refusal names the field so the device or the operator knows what to fix.
"""
import math
from datetime import datetime, timedelta, timezone

from bson import ObjectId

from .erros import DadosInvalidos

# Physical bounds of a reading; anything outside is a broken sensor or a forged message.
LIMITES_SENSORES = {
    "tensao": (0.0, 1000.0),  # V
    "vibracao": (0.0, 100.0),  # mm/s RMS
    "temperatura": (-50.0, 300.0),  # °C
    "rpm": (0.0, 20000.0),  # rotações por minuto
}
UNIDADES_SENSORES = {"tensao": "V", "vibracao": "mm/s", "temperatura": "°C", "rpm": "rpm"}
SENSORES = tuple(LIMITES_SENSORES)  # the order every table, CSV and chart uses

# Start parameters: defaults of the original project, overridable per machine.
LIMITES_PARTIDA_PADRAO = {
    "voltagem": (220, 380),
    "velocidade": (500, 3000),
    "temperatura": (20, 120),
}
CONFIGURACAO_RESET = {"voltagem": 220, "velocidade": 500, "temperatura": 20}

# A device clock may drift, but not into next week nor before the epoch of the plant.
TOLERANCIA_FUTURO = timedelta(minutes=5)
MAXIMO_SEQUENCIA = 2**32 - 1


def agora_utc() -> datetime:
    """Now, aware UTC, truncated to the millisecond BSON keeps (stored == returned)."""
    momento = datetime.now(timezone.utc)
    return momento.replace(microsecond=momento.microsecond // 1000 * 1000)


def numero(valor, campo, minimo=None, maximo=None):
    """Return `valor` as float if it is a finite JSON number within [minimo, maximo]."""
    if isinstance(valor, bool) or not isinstance(valor, (int, float)):
        raise DadosInvalidos(f"O campo '{campo}' deve ser numérico", campo)
    if not math.isfinite(valor):
        raise DadosInvalidos(f"O campo '{campo}' deve ser um número finito", campo)
    if (minimo is not None and valor < minimo) or (maximo is not None and valor > maximo):
        raise DadosInvalidos(f"O campo '{campo}' deve estar entre {minimo:g} e {maximo:g}", campo)
    return float(valor)


def texto(valor, campo, maximo, minimo=1):
    """Return a stripped string of bounded length; operator objects and numbers are refused."""
    if not isinstance(valor, str):
        raise DadosInvalidos(f"O campo '{campo}' deve ser um texto", campo)
    valor = valor.strip()
    if len(valor) < minimo:
        raise DadosInvalidos(f"O campo '{campo}' é obrigatório", campo)
    if len(valor) > maximo:
        raise DadosInvalidos(f"O campo '{campo}' deve ter no máximo {maximo} caracteres", campo)
    return valor


def object_id(valor, campo="id"):
    """Return the canonical 24-hex string of a valid ObjectId, else refuse."""
    if not isinstance(valor, str) or not ObjectId.is_valid(valor) or len(valor) != 24:
        raise DadosInvalidos(f"O campo '{campo}' não é um identificador válido", campo)
    return valor.lower()


def instante(valor, campo="ts", agora=None, limitar_futuro=True):
    """Parse a device time (epoch milliseconds or ISO 8601 with offset) into aware UTC."""
    agora = agora or agora_utc()
    if isinstance(valor, str):
        try:
            momento = datetime.fromisoformat(valor.replace("Z", "+00:00"))
        except ValueError:
            raise DadosInvalidos(f"O campo '{campo}' deve ser ISO 8601 ou epoch em ms", campo) from None
        if momento.tzinfo is None:
            raise DadosInvalidos(f"O campo '{campo}' precisa de fuso horário (ex.: Z ou -03:00)", campo)
        momento = momento.astimezone(timezone.utc)
    else:
        milissegundos = numero(valor, campo, 0, 2**53)
        momento = datetime.fromtimestamp(milissegundos / 1000, timezone.utc)
    if limitar_futuro and momento > agora + TOLERANCIA_FUTURO:
        raise DadosInvalidos(f"O campo '{campo}' está no futuro", campo)
    if momento.year < 2000:
        raise DadosInvalidos(f"O campo '{campo}' é anterior a 2000: relógio do dispositivo não sincronizado?", campo)
    # BSON dates keep milliseconds; truncate now so the stored and returned values agree.
    return momento.replace(microsecond=momento.microsecond // 1000 * 1000)


def validar_leitura(dados, agora=None) -> dict:
    """Check one telemetry reading and return {'dados_sensor', 'ts', 'seq'} ready to store."""
    if not isinstance(dados, dict):
        raise DadosInvalidos("A leitura deve ser um objeto JSON")
    sensores = {}
    for campo, (minimo, maximo) in LIMITES_SENSORES.items():
        if campo not in dados:
            raise DadosInvalidos(f"O campo '{campo}' é obrigatório", campo)
        sensores[campo] = numero(dados[campo], campo, minimo, maximo)
    leitura = {"dados_sensor": sensores, "ts": None, "seq": None}
    if dados.get("ts") is not None:
        leitura["ts"] = instante(dados["ts"], "ts", agora)
    if dados.get("seq") is not None:
        seq = dados["seq"]
        if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= MAXIMO_SEQUENCIA:
            raise DadosInvalidos("O campo 'seq' deve ser um inteiro entre 0 e 2^32-1", "seq")
        leitura["seq"] = seq
    return leitura


def validar_limites_partida(dados) -> dict:
    """Per-machine start limits: [min, max] inside the default ranges (the firmware enforces those too)."""
    if not isinstance(dados, dict) or not dados:
        raise DadosInvalidos("Informe ao menos um limite: voltagem, velocidade ou temperatura")
    limites = {}
    for campo, faixa in dados.items():
        if campo not in LIMITES_PARTIDA_PADRAO:
            raise DadosInvalidos(f"Limite desconhecido: '{campo}'", campo)
        padrao_min, padrao_max = LIMITES_PARTIDA_PADRAO[campo]
        if not isinstance(faixa, list) or len(faixa) != 2:
            raise DadosInvalidos(f"O limite '{campo}' deve ser [mínimo, máximo]", campo)
        minimo, maximo = (numero(valor, campo, padrao_min, padrao_max) for valor in faixa)
        if minimo > maximo:
            raise DadosInvalidos(f"O limite '{campo}' tem o mínimo acima do máximo", campo)
        limites[campo] = [minimo, maximo]
    return limites


def validar_parametros_partida(dados, limites=None) -> dict:
    """Check start parameters against the machine's limits (the defaults when it has none)."""
    if not isinstance(dados, dict):
        raise DadosInvalidos("Os parâmetros devem ser um objeto JSON")
    limites = limites or LIMITES_PARTIDA_PADRAO
    parametros = {}
    for campo, (minimo, maximo) in limites.items():
        if campo not in dados:
            raise DadosInvalidos(f"O campo '{campo}' é obrigatório", campo)
        parametros[campo] = numero(dados[campo], campo, minimo, maximo)
    return parametros
