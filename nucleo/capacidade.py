"""How far the embedded store goes: machines × rate × retention → readings, disk, and when to move to MongoDB.

The per-document sizes and the limits are measurements (docs/benchmarks.md, bench/crescimento.py),
not guesses: update them with the benchmarks. `python main.py banco estimativa` prints this for
the current data folder.
"""
from dataclasses import dataclass

# nx-27017 file bytes per stored raw reading, `_id` and `k` indexes included. bench/crescimento.py,
# 2026-12-02: the SQLite files grew 270–272 bytes per reading added from 100k to 3M readings, rollups
# of those readings (one minute bucket per 60) included; ~260 of it is the reading itself.
BYTES_POR_LEITURA = 260
# One rollup bucket (minute or hour) with its two index entries: the same run's 100k-reading folder is
# mostly the charted machine's 46,328 buckets of 30 days (55.9 MB in all).
BYTES_POR_BALDE = 630
BALDES_POR_DIA = 24 * 60 + 24
# What the embedded store was measured to carry: reads flat from 100k to 3M readings stored, and the
# writer busy in the store about a quarter of the time at 300 machines × 1 Hz (docs/benchmarks.md).
LEITURAS_POR_SEGUNDO_MAXIMAS = 300
LEITURAS_GUARDADAS_MEDIDAS = 3_000_000
# Past this, reads were not measured any more: the estimate says "move to MongoDB".
LEITURAS_GUARDADAS_RECOMENDADAS = 100_000_000


@dataclass
class Estimativa:
    maquinas: int
    leituras_por_segundo: float
    leituras_guardadas: int
    disco_bytes: int
    cabe_no_embutido: bool
    motivo: str


def estimar(maquinas, hz, dias_brutos, dias_agregados) -> Estimativa:
    """The steady state once retention is full: raw readings kept `dias_brutos`, rollups `dias_agregados`."""
    taxa = maquinas * hz
    leituras = int(taxa * 86_400 * dias_brutos)
    disco = leituras * BYTES_POR_LEITURA + maquinas * BALDES_POR_DIA * dias_agregados * BYTES_POR_BALDE
    if taxa > LEITURAS_POR_SEGUNDO_MAXIMAS:
        motivo = f"{taxa:g} leituras/s passam das {LEITURAS_POR_SEGUNDO_MAXIMAS} medidas no banco embutido"
    elif leituras > LEITURAS_GUARDADAS_RECOMENDADAS:
        motivo = f"{leituras:,} leituras guardadas passam das {LEITURAS_GUARDADAS_RECOMENDADAS:,} recomendadas"
    else:
        motivo = ""
    return Estimativa(maquinas, taxa, leituras, disco, not motivo, motivo)
