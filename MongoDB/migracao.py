"""Start-up migration of readings stored in the first shape (before the lean one of gerencia_telemetria).

The first shape kept `maquina_id`, `dados_sensor`, `timestamp`, `recebido_em`, `seq`, `chave_tempo` and
`chave_leitura` with an index on each key (about 790 bytes a reading on nx-27017). A data folder that
still has them is converted in pieces of a thousand, oldest first, with progress in the log; a
piece is inserted in the new shape before the old copies are deleted, so an interrupted migration
resumes where it stopped and loses nothing (each piece is checked in place before the old copies
go). Afterwards the old indexes are dropped.
"""
import logging
import time

from pymongo.errors import BulkWriteError

from .gerencia_BD import DADOS_SENSORES
from .gerencia_telemetria import DUPLICATE_KEY

log = logging.getLogger(__name__)

CHAVES_ANTIGAS = ("chave_tempo", "chave_leitura")
LOTE = 1000


def _leitura(doc) -> dict:
    """The reading an old document stood for; one without a device time had 'servidor' in its key."""
    sem_ts = ":servidor:" in doc.get("chave_leitura", "")
    return {"dados_sensor": doc["dados_sensor"], "ts": None if sem_ts else doc["timestamp"], "seq": doc.get("seq")}


def migrar_leituras_antigas(bd, telemetria) -> int:
    """Convert every old-shape reading; returns how many were converted (0 when there were none)."""
    colecao = bd.colecao(DADOS_SENSORES)
    # Found by their keys: index names differ between MongoDB ("chave_tempo_1") and nx-27017 ("idx_...").
    antigos_indices = [nome for nome, info in colecao.index_information().items()
                       if [campo for campo, _ in info["key"]] in ([c] for c in CHAVES_ANTIGAS)]
    if not antigos_indices:
        return 0
    log.info("Convertendo leituras para o formato enxuto (docs/dados.md); o app inicia ao terminar")
    # First the old unique key: new documents do not carry it, and MongoDB indexes a missing field as null,
    # so it would refuse the second of them. Deduplication is the `_id` index's job now.
    for nome in [n for n in antigos_indices if colecao.index_information()[n]["key"][0][0] == "chave_leitura"]:
        colecao.drop_index(nome)
        antigos_indices.remove(nome)
    convertidas, inicio = 0, time.monotonic()
    while True:
        antigos = list(colecao.find({"chave_tempo": {"$gte": ""}}).sort("chave_tempo", 1).limit(LOTE))
        if not antigos:
            break
        novos = [telemetria.documento(doc["maquina_id"], _leitura(doc), doc.get("recebido_em") or doc["timestamp"])
                 for doc in antigos]
        try:
            colecao.insert_many(novos, ordered=False)
        except BulkWriteError as erro:  # a piece converted before an interruption: already there
            if any(e.get("code") != DUPLICATE_KEY for e in erro.details.get("writeErrors", [])):
                raise
        guardados = {doc["_id"] for doc in colecao.find({"_id": {"$in": [n["_id"] for n in novos]}}, {"_id": 1})}
        if len(guardados) != len({n["_id"] for n in novos}):
            raise RuntimeError("conversão incompleta: as leituras antigas deste lote ficam onde estão")
        colecao.delete_many({"_id": {"$in": [doc["_id"] for doc in antigos]}})
        convertidas += len(antigos)
        if convertidas % (50 * LOTE) == 0:
            log.info("  %d leituras convertidas (%.0f/s)", convertidas, convertidas / (time.monotonic() - inicio))
    for nome in antigos_indices:
        colecao.drop_index(nome)
    log.info("Conversão concluída: %d leituras em %.0f s", convertidas, time.monotonic() - inicio)
    return convertidas
