"""Alarm rules: what the owner writes, what it means, and how one reading is judged against it.

A rule (API shape, pt-BR fields) is
    {"sensor", "maximo", "minimo", "duracao_s" | "leituras_seguidas", "histerese", "severidade"}
and becomes one `Condicao` per limit: `temperatura_alta` for a maximum, `temperatura_baixa` for a
minimum. Vibration zones C and D (ISO 10816-3, edges per machine class) are two more conditions
every machine has. `julgar` is the whole state machine, a pure function of (state, value, time):
  - out of the limit: the streak starts or grows; once it lasted `duracao_s` (or `leituras_seguidas`
    readings; or at once when neither is set) the alarm is raised;
  - an alarm clears only when the value is back past the limit by `histerese` (the deadband that
    stops an alarm chattering around its limit); inside the band nothing changes;
  - any reading within the limit ends a streak that had not raised yet.
"""
from dataclasses import dataclass

from MongoDB.erros import DadosInvalidos

from . import validacao
from .contrato import (DURACAO_ZONA_S, HISTERESE_ZONA, LIMITES_SENSORES, SENSORES, SEVERIDADE_ZONA, SEVERIDADES)

CAMPOS = ("sensor", "maximo", "minimo", "duracao_s", "leituras_seguidas", "histerese", "severidade")
REGRAS_MAXIMAS = len(SENSORES)
DURACAO_MAXIMA_S = 86_400
LEITURAS_MAXIMAS = 10_000
ATIVAR, NORMALIZAR, REPETIR = "ativar", "normalizar", "repetir"


@dataclass(frozen=True)
class Condicao:
    """One alarm type of a machine: `sensor` above (`acima`) or below `limite`."""

    tipo: str
    sensor: str
    severidade: str
    limite: float
    acima: bool
    histerese: float = 0.0
    duracao_ms: int = 0
    leituras_seguidas: int = 0

    def fora(self, valor) -> bool:
        return valor > self.limite if self.acima else valor < self.limite

    def voltou(self, valor) -> bool:
        """Back past the limit by the hysteresis margin: only then does an alarm clear."""
        return valor <= self.limite - self.histerese if self.acima else valor >= self.limite + self.histerese


def julgar(estado, condicao, valor, ts_ms):
    """Judge one reading: update `estado` in place and return ATIVAR, NORMALIZAR, REPETIR or None.

    `estado` holds fora_desde_ms, contagem, ativo (0/1) and ts_ms; a reading not newer than the last
    one judged (a redelivery, or a reading another process judged first) changes nothing.
    """
    if ts_ms <= estado["ts_ms"]:
        return None
    estado["ts_ms"] = ts_ms
    if estado["ativo"]:
        if condicao.voltou(valor):
            estado.update(ativo=0, fora_desde_ms=None, contagem=0)
            return NORMALIZAR
        return REPETIR if condicao.fora(valor) else None
    if not condicao.fora(valor):
        if estado["fora_desde_ms"] is not None or estado["contagem"]:
            estado.update(fora_desde_ms=None, contagem=0)
        return None
    if estado["fora_desde_ms"] is None:
        estado["fora_desde_ms"] = ts_ms
    estado["contagem"] += 1
    if condicao.leituras_seguidas:
        cumprida = estado["contagem"] >= condicao.leituras_seguidas
    else:
        cumprida = ts_ms - estado["fora_desde_ms"] >= condicao.duracao_ms
    if cumprida:
        estado["ativo"] = 1
        return ATIVAR
    return None


def condicoes(regras, zonas) -> list:
    """The conditions of a machine: one per limit of its rules, plus vibration zones C and D (edges B, C)."""
    resultado = []
    for regra in regras:
        for limite, acima, sufixo in ((regra.get("maximo"), True, "alta"), (regra.get("minimo"), False, "baixa")):
            if limite is None:
                continue
            resultado.append(Condicao(
                tipo=f"{regra['sensor']}_{sufixo}", sensor=regra["sensor"], severidade=regra["severidade"],
                limite=float(limite), acima=acima, histerese=float(regra.get("histerese") or 0),
                duracao_ms=int((regra.get("duracao_s") or 0) * 1000), leituras_seguidas=regra.get("leituras_seguidas") or 0))
    _, limite_b, limite_c = zonas
    for zona, limite in (("c", limite_b), ("d", limite_c)):
        resultado.append(Condicao(tipo=f"vibracao_zona_{zona}", sensor="vibracao", severidade=SEVERIDADE_ZONA[zona],
                                  limite=float(limite), acima=True, histerese=HISTERESE_ZONA,
                                  duracao_ms=DURACAO_ZONA_S * 1000))
    return resultado


def zona_vibracao(valor, zonas):
    """'A', 'B', 'C' or 'D' for a vibration value (None without one)."""
    if valor is None:
        return None
    return next((letra for letra, limite in zip("ABC", zonas) if valor <= limite), "D")


# ---- validation of what the owner (or an admin) writes -----------------------------------------
def validar_regras(dados) -> list:
    """A list of rules, each valid, at most one per sensor; 400 naming `regras[i].campo` otherwise."""
    if not isinstance(dados, list) or len(dados) > REGRAS_MAXIMAS:
        raise DadosInvalidos("regras_lista", "regras", maximo=REGRAS_MAXIMAS)
    regras, sensores = [], set()
    for posicao, regra in enumerate(dados):
        try:
            regras.append(validar_regra(regra))
        except DadosInvalidos as erro:
            raise DadosInvalidos(erro.chave, f"regras[{posicao}].{erro.campo}" if erro.campo else f"regras[{posicao}]",
                                 **erro.valores) from None
        if regras[-1]["sensor"] in sensores:
            raise DadosInvalidos("regra_repetida", f"regras[{posicao}].sensor")
        sensores.add(regras[-1]["sensor"])
    return regras


def validar_regra(regra) -> dict:
    if not isinstance(regra, dict):
        raise DadosInvalidos("regra_nao_objeto")
    for campo in regra:
        if campo not in CAMPOS:
            raise DadosInvalidos("campo_desconhecido", campo)
    sensor = validacao.um_de(regra.get("sensor"), SENSORES, "sensor")
    piso, teto = LIMITES_SENSORES[sensor]
    maximo = None if regra.get("maximo") is None else validacao.numero(regra["maximo"], "maximo", piso, teto)
    minimo = None if regra.get("minimo") is None else validacao.numero(regra["minimo"], "minimo", piso, teto)
    if maximo is None and minimo is None:
        raise DadosInvalidos("regra_sem_limite", "maximo")
    if maximo is not None and minimo is not None and minimo >= maximo:
        raise DadosInvalidos("regra_limites_invertidos", "minimo")
    if regra.get("duracao_s") is not None and regra.get("leituras_seguidas") is not None:
        raise DadosInvalidos("regra_duracao_ou_leituras", "leituras_seguidas")
    duracao = None if regra.get("duracao_s") is None else validacao.inteiro(regra["duracao_s"], "duracao_s", 0, DURACAO_MAXIMA_S)
    seguidas = (None if regra.get("leituras_seguidas") is None
                else validacao.inteiro(regra["leituras_seguidas"], "leituras_seguidas", 1, LEITURAS_MAXIMAS))
    histerese = validacao.numero(regra.get("histerese") or 0, "histerese", 0, teto - piso)
    return {"sensor": sensor, "maximo": maximo, "minimo": minimo, "duracao_s": duracao, "leituras_seguidas": seguidas,
            "histerese": histerese, "severidade": validacao.um_de(regra.get("severidade"), SEVERIDADES, "severidade")}
