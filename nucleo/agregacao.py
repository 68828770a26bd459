"""Folding readings into rollup buckets in memory, before the writer upserts each bucket once."""
from MongoDB.gerencia_agregados import HORA_MS, MINUTO_MS

from .contrato import SENSORES


def somar(leituras, parciais=None) -> dict:
    """Fold (maquina_id, sensores, momento) readings into partial buckets keyed (resolution, machine, start).

    The writer keeps these for its rollup interval and writes each bucket once, instead of
    two upserts per reading.
    """
    parciais = {} if parciais is None else parciais
    for maquina_id, sensores, momento in leituras:
        instante_ms = int(momento.timestamp() * 1000)
        for largura in (MINUTO_MS, HORA_MS):
            chave = (largura, maquina_id, instante_ms // largura * largura)
            parcial = parciais.get(chave)
            if parcial is None:
                parcial = parciais[chave] = {"n": 0, **{f"soma_{s}": 0.0 for s in SENSORES},
                                             **{f"min_{s}": sensores[s] for s in SENSORES},
                                             **{f"max_{s}": sensores[s] for s in SENSORES}}
            parcial["n"] += 1
            for sensor in SENSORES:
                valor = sensores[sensor]
                parcial[f"soma_{sensor}"] += valor
                parcial[f"min_{sensor}"] = min(parcial[f"min_{sensor}"], valor)
                parcial[f"max_{sensor}"] = max(parcial[f"max_{sensor}"], valor)
    return parciais


def juntar(destino, parciais):
    """Merge partial buckets `parciais` into `destino` (both from `somar`), e.g. after a failed write."""
    for chave, parcial in parciais.items():
        atual = destino.get(chave)
        if atual is None:
            destino[chave] = parcial
            continue
        for campo, valor in parcial.items():
            if campo.startswith("min_"):
                atual[campo] = min(atual[campo], valor)
            elif campo.startswith("max_"):
                atual[campo] = max(atual[campo], valor)
            else:
                atual[campo] += valor
