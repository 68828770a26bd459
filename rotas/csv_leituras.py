"""CSV for the exports, one line at a time (nothing sits in memory): readings here, and the shared writer."""
import csv
import io

from nucleo.contrato import SENSORES

from .json import iso

CABECALHO = ["timestamp_utc", "horario_local", "tensao_V", "vibracao_mm_s", "temperatura_C", "rpm", "seq",
             "recebido_em_utc"]


def linhas_csv(cabecalho, linhas):
    """Yield `cabecalho` and then each row of `linhas` as CSV text; closing this closes `linhas` too."""
    buffer = io.StringIO()
    escritor = csv.writer(buffer)

    def linha(campos):
        escritor.writerow(campos)
        texto = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return texto

    yield "\ufeff" + linha(cabecalho)  # BOM: spreadsheet programs then read the accents right
    try:
        for campos in linhas:
            yield linha(campos)
    finally:
        # The client left mid-stream: close the source now, so its cursor and queries stop here.
        if hasattr(linhas, "close"):
            linhas.close()


def csv_leituras(leituras, fuso):
    """The history export: one line per reading; `fuso` gives the operator's local time column."""
    def campos(doc):
        sensores = doc["dados_sensor"]
        return [iso(doc["timestamp"]), doc["timestamp"].astimezone(fuso).isoformat(timespec="seconds"),
                *[sensores[s] for s in SENSORES], "" if doc.get("seq") is None else doc["seq"],
                iso(doc["recebido_em"]) if doc.get("recebido_em") else ""]

    def linhas():
        try:
            for doc in leituras:
                yield campos(doc)
        finally:
            if hasattr(leituras, "close"):
                leituras.close()
    return linhas_csv(CABECALHO, linhas())
