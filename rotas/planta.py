"""The plant page: a state strip per machine for a day or a shift, utilization per machine and shift, and the
week's top downtime reasons, all in the operator's zone. It reads through the same use cases as the API;
labeling a stop goes through the API (static/js/planta.js), so each rule lives once.
"""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, g, render_template, request, url_for

from MongoDB.gerencia_BD import agora_utc
from nucleo import paradas, turnos, utilizacao
from nucleo.historico import data_de_ms, em_ms, recortar

from .apresentacao import fuso_do_usuario, idioma, traduzir
from .json import iso
from .seguranca import login_required, servicos

bp = Blueprint("planta", __name__)

SEMANA = timedelta(days=7)
MOTIVOS_NA_PAGINA = 5
PARADAS_NA_PAGINA = 20
REGISTROS_POR_PARADA = 10  # maintenance-log entries offered to link to a stop
DIAS_PARA_TRAS = 366  # how far back the day picker goes (the history read stays bounded)
SEPARADORES = {"pt-BR": str.maketrans(",.", ".,"), "en": {}}
FORMATO_DATA = {"pt-BR": "%d/%m/%Y", "en": "%m/%d/%Y"}


@bp.get("/planta")
@login_required
def planta():
    """?dia=AAAA-MM-DD (today) and ?turno=<name> (the whole day): strips, utilization, downtime reasons."""
    s, usuario_id, fuso = servicos(), g.usuario["id"], fuso_do_usuario()
    zona, agora = ZoneInfo(fuso), agora_utc()
    hoje = turnos.hoje(agora, zona)
    dia = _dia(request.args.get("dia"), hoje)
    lista_turnos = turnos.do_usuario(s, usuario_id)
    turno = next((t for t in lista_turnos if t["nome"] == request.args.get("turno")), None)
    desde, ate = turnos.ocorrencia(turno, dia, zona) if turno else turnos.dia(dia, zona)
    maquinas = s.maquinas.listar_do_usuario(usuario_id)
    uso, por_turno = _utilizacao(s, usuario_id, lista_turnos, desde, ate, dia, zona, agora)
    semana = (agora - SEMANA, agora)
    sem_motivo, pareto = paradas.resumo(s, usuario_id, *semana, agora=agora)
    sem_motivo = sem_motivo[:PARADAS_NA_PAGINA]
    # Each stop can point at a maintenance-log entry of its machine: the latest ones are offered.
    registros = {maquina_id: s.registros.listar(maquina_id, usuario_id, REGISTROS_POR_PARADA)
                 for maquina_id in {parada["maquina_id"] for parada in sem_motivo}}
    consulta = {"desde": iso(desde), "ate": iso(ate)}
    return render_template(
        "planta.html", dia=dia, hoje=hoje, minimo=hoje - timedelta(days=DIAS_PARA_TRAS), turnos=lista_turnos,
        turno=turno, periodo=(desde, ate), faixas=[_faixa(s, maquina, desde, ate, agora) for maquina in maquinas],
        marcas=_marcas(desde, ate, zona), uso=uso, por_turno=por_turno,
        pareto=pareto, sem_motivo=sem_motivo, registros=registros,
        motivos=paradas.motivos_do_usuario(s, usuario_id),
        link_utilizacao=url_for("historico.utilizacao_csv", **consulta),
        link_paradas=url_for("paradas.exportar", desde=iso(semana[0]), ate=iso(semana[1])))


def _utilizacao(s, usuario_id, lista_turnos, desde, ate, dia, zona, agora) -> tuple:
    """The period's utilization, and each machine's (and the plant's) availability in each shift starting on `dia`:
    one read of each machine's history for all of them."""
    ocorrencias = [turnos.ocorrencia(t, dia, zona) for t in lista_turnos]
    conjuntos = [[(em_ms(inicio), em_ms(min(fim, agora)))] if inicio < agora else []
                 for inicio, fim in [(desde, ate), *ocorrencias]]
    uso, *por_turno = utilizacao.de_varias_janelas(s, usuario_id, conjuntos, agora)
    linhas = [(linha["nome_maquina"], [resultado["maquinas"][indice]["disponibilidade"] for resultado in por_turno])
              for indice, linha in enumerate(uso["maquinas"])]
    return uso, {"nomes": [t["nome"] for t in lista_turnos], "linhas": linhas,
                 "planta": [resultado["planta"]["disponibilidade"] for resultado in por_turno]}


def _dia(texto, hoje) -> date:
    """The chosen local day; anything else (malformed, too old, in the future) is today."""
    try:
        escolhido = date.fromisoformat(texto or "")
    except ValueError:
        return hoje
    return escolhido if hoje - timedelta(days=DIAS_PARA_TRAS) <= escolhido <= hoje else hoje


def _faixa(s, maquina, desde, ate, agora) -> dict:
    """One machine's strip: segments as percentages of the period (drawn in SVG, no inline style under the CSP)."""
    inicio_ms, fim_ms, agora_ms = em_ms(desde), em_ms(ate), em_ms(agora)
    largura = fim_ms - inicio_ms
    intervalos = recortar(s.historico.intervalos(maquina["id"], inicio_ms, fim_ms, utilizacao.LIMITE_INTERVALOS),
                          inicio_ms, fim_ms, agora_ms)
    segmentos, somas = [], {}
    for intervalo in intervalos:
        fim = intervalo["fim_ms"] if intervalo["fim_ms"] is not None else min(agora_ms, fim_ms)
        if fim <= intervalo["inicio_ms"]:
            continue
        somas[intervalo["estado"]] = somas.get(intervalo["estado"], 0) + fim - intervalo["inicio_ms"]
        segmentos.append({"estado": intervalo["estado"], "x": _porcento(intervalo["inicio_ms"] - inicio_ms, largura),
                          "largura": _porcento(fim - intervalo["inicio_ms"], largura),
                          "inicio": data_de_ms(intervalo["inicio_ms"]), "fim": data_de_ms(fim),
                          "motivo": intervalo["motivo"]})
    resumo = ", ".join(f"{traduzir(estado)} {duracao(ms / 1000)}" for estado, ms in somas.items())
    return {"maquina": maquina, "segmentos": segmentos, "resumo": resumo or traduzir("sem_historico")}


def _marcas(desde, ate, zona) -> list:
    """Hour ticks under the strips: every 2 h for a day, every hour for a shift."""
    passo = timedelta(hours=2 if ate - desde > timedelta(hours=12) else 1)
    marca = desde.astimezone(zona).replace(minute=0, second=0, microsecond=0)
    marcas = []
    while marca < ate:
        if marca >= desde:
            marcas.append({"x": _porcento(em_ms(marca) - em_ms(desde), em_ms(ate) - em_ms(desde)),
                           "texto": marca.astimezone(zona).strftime("%H:%M")})
        marca = (marca + passo).astimezone(zona)
    return marcas


def _porcento(parte, todo) -> str:
    return f"{100 * parte / todo:.3f}%"


def duracao(segundos) -> str:
    """'2 h 05 min', '12 min', '40 s'."""
    segundos = int(round(segundos or 0))
    if segundos < 60:
        return f"{segundos} s"
    horas, minutos = divmod(segundos // 60, 60)
    return f"{horas} h {minutos:02d} min" if horas else f"{minutos} min"


def porcentagem(fracao) -> str:
    """'62,5 %' (English: '62.5 %'); '—' without planned time."""
    if fracao is None:
        return "—"
    return f"{100 * fracao:.1f}".translate(SEPARADORES[idioma()]) + " %"


@bp.app_template_filter("data_local")
def _filtro_data_local(dia):
    return dia.strftime(FORMATO_DATA[idioma()])


@bp.app_template_filter("duracao")
def _filtro_duracao(segundos):
    return duracao(segundos)


@bp.app_template_filter("porcentagem")
def _filtro_porcentagem(fracao):
    return porcentagem(fracao)
