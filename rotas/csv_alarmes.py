"""Alarms as CSV lines for the alarms page's export (times in UTC and in the operator's zone)."""
from .csv_leituras import linhas_csv
from .json import iso

CABECALHO = ["alarme_id", "maquina_id", "tipo", "sensor", "severidade", "estado", "reconhecido", "inicio_utc",
             "inicio_local", "fim_utc", "valor_pico", "ultimo_valor", "contagem", "limite", "nota"]


def csv_alarmes(alarmes, fuso):
    def linha(alarme):
        return [alarme["alarme_id"], alarme["maquina_id"], alarme["tipo"], alarme["sensor"] or "", alarme["severidade"],
                alarme["estado"], "sim" if alarme["reconhecido"] else "não", iso(alarme["inicio"]),
                alarme["inicio"].astimezone(fuso).isoformat(timespec="seconds"),
                iso(alarme["fim"]) if alarme["fim"] else "", _valor(alarme["valor_pico"]),
                _valor(alarme["ultimo_valor"]), alarme["contagem"], _valor(alarme["limite"]), alarme["nota"] or ""]
    return linhas_csv(CABECALHO, (linha(alarme) for alarme in alarmes))


def _valor(numero):
    return "" if numero is None else numero
