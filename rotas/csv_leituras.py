"""Readings as CSV lines, one at a time, for the history export."""
import csv
import io

from nucleo.contrato import SENSORES

from .json import iso

CABECALHO = ["timestamp_utc", "horario_local", "tensao_V", "vibracao_mm_s", "temperatura_C", "rpm", "seq",
             "recebido_em_utc"]


def csv_leituras(leituras, fuso):
    """Yield the header and one CSV line per reading; `fuso` gives the operator's local time column."""
    buffer = io.StringIO()
    escritor = csv.writer(buffer)

    def linha(campos):
        escritor.writerow(campos)
        texto = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return texto

    yield "\ufeff" + linha(CABECALHO)  # BOM: spreadsheet programs then read the accents right
    try:
        for doc in leituras:
            sensores = doc["dados_sensor"]
            yield linha([iso(doc["timestamp"]), doc["timestamp"].astimezone(fuso).isoformat(timespec="seconds"),
                         *[sensores[s] for s in SENSORES], "" if doc.get("seq") is None else doc["seq"],
                         iso(doc["recebido_em"]) if doc.get("recebido_em") else ""])
    finally:
        # The client left mid-stream: close the readings' generator now, so its cursor and queries stop here.
        if hasattr(leituras, "close"):
            leituras.close()
