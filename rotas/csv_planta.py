"""Utilization and downtimes as CSV lines, for the plant page's exports (times in UTC and in the operator's zone)."""
from nucleo.utilizacao import CAMPOS

from .csv_leituras import linhas_csv
from .json import iso

CABECALHO_UTILIZACAO = ["maquina_id", "nome_maquina", *CAMPOS, "disponibilidade"]
CABECALHO_PARADAS = ["parada_id", "maquina_id", "nome_maquina", "estado", "inicio_utc", "inicio_local", "fim_utc",
                     "duracao_s", "motivo", "nota", "registro_id", "desarme_motivo", "desarme_valor", "desarme_limite"]


def csv_utilizacao(resultado):
    def linha(maquina_id, nome, totais):
        return [maquina_id, nome or "", *[totais[campo] for campo in CAMPOS], _vazio(totais["disponibilidade"])]
    linhas = [linha(m["maquina_id"], m["nome_maquina"], m) for m in resultado["maquinas"]]
    return linhas_csv(CABECALHO_UTILIZACAO, linhas + [linha("planta", "", resultado["planta"])])


def csv_paradas(lista, fuso):
    def linha(parada):
        desarme = parada["desarme"] or {}
        return [parada["parada_id"], parada["maquina_id"], parada["nome_maquina"] or "", parada["estado"],
                iso(parada["inicio"]), parada["inicio"].astimezone(fuso).isoformat(timespec="seconds"),
                iso(parada["fim"]) if parada["fim"] else "", parada["duracao_s"], _vazio(parada["motivo"]),
                _vazio(parada["nota"]), _vazio(parada["registro_id"]), _vazio(desarme.get("motivo")),
                _vazio(desarme.get("valor")), _vazio(desarme.get("limite"))]
    return linhas_csv(CABECALHO_PARADAS, (linha(parada) for parada in lista))


def _vazio(valor):
    return "" if valor is None else valor
