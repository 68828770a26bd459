"""Folding readings into rollup buckets in memory, before the writer upserts each bucket once."""
from MongoDB.gerencia_agregados import HORA_MS, MINUTO_MS

from .contrato import SENSORES


# Key names built once: the writer folds every stored reading through this (f-strings per reading were half its cost).
_CAMPOS = tuple((s, f"soma_{s}", f"min_{s}", f"max_{s}") for s in SENSORES)
_LARGURAS = (MINUTO_MS, HORA_MS)


def somar(leituras, parciais=None) -> dict:
    """Fold (maquina_id, sensores, momento) readings into partial buckets keyed (resolution, machine, start).

    The writer keeps these for its rollup interval and writes each bucket once, instead of
    two upserts per reading.
    """
    parciais = {} if parciais is None else parciais
    for maquina_id, sensores, momento in leituras:
        instante_ms = int(momento.timestamp() * 1000)
        for largura in _LARGURAS:
            chave = (largura, maquina_id, instante_ms // largura * largura)
            parcial = parciais.get(chave)
            if parcial is None:
                parcial = parciais[chave] = {"n": 0, **{soma: 0.0 for _, soma, _, _ in _CAMPOS},
                                             **{minimo: sensores[s] for s, _, minimo, _ in _CAMPOS},
                                             **{maximo: sensores[s] for s, _, _, maximo in _CAMPOS}}
            parcial["n"] += 1
            for sensor, soma, minimo, maximo in _CAMPOS:
                valor = sensores[sensor]
                parcial[soma] += valor
                if valor < parcial[minimo]:
                    parcial[minimo] = valor
                if valor > parcial[maximo]:
                    parcial[maximo] = valor
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
