"""`main.py demo`: a few machines of one user with days of history, so every page has something to show.

The history is what the product would have stored had the machines run for those days: each machine
walks a plan (runs, stops, a night off for some, overheat trips with their reason, vibration episodes,
network drops) with the firmware's sensor model (maquina_simulada.py) at a coarse step, and everything
goes through the product's own managers and rules: readings (GerenciaTelemetria) and their rollups
(nucleo/agregacao.py into GerenciaAgregados), state intervals (nucleo/historico.py, the rules that turn
status messages and silence into intervals), alarms (GerenciaAlarmes, on the machine's own conditions,
nucleo/regras.py), and downtime reasons (nucleo/paradas.py, from the owner's list).

Coarse on purpose, so it takes seconds on the embedded store: a reading every PASSO (every PASSO_RECENTE in
the last hour, which the 1 h chart reads raw); minute rollups only for the last days the charts read them
from (MINUTO_ATE), hour rollups for the whole period. New machines only: the history of a machine that
already has one cannot be rewritten (an event older than its open interval is ignored, by design), so a
user's demo machines are seeded once; the next `demo` finds them and only makes them talk.
"""
import logging
import random
from datetime import timedelta
from zoneinfo import ZoneInfo

from MongoDB.gerencia_agregados import HORA_MS, MINUTO_ATE
from MongoDB.gerencia_BD import agora_utc
from nucleo import maquinas as casos
from nucleo import paradas as casos_paradas
from nucleo.agregacao import somar
from nucleo.contrato import SEVERIDADE_OFFLINE
from nucleo.historico import ESTADO, FALOU, OFFLINE, data_de_ms, em_ms
from nucleo.regras import condicoes

from .maquina_simulada import MaquinaSimulada

log = logging.getLogger(__name__)

FABRICANTE, MODELO = "DataButcher", "Demonstração"  # how `demo` knows its machines again
PASSO_S, PASSO_RECENTE_S = 180, 15
RECENTE_S = 3600
MINUTO_MS = 60_000
LINHAS = ("Linha 1", "Linha 2")
NOITE = (22, 6)  # machines on two shifts stop from 22:00 to 06:00 in the owner's zone
ACABA_INICIADA_S = 20 * 60  # every machine is running for the last minutes, as the simulator goes on
OBRIGATORIOS = {2: "desarmada", 4: "offline"}  # after its 2nd and 4th runs: every machine has a trip and a drop


def maquinas_de_demonstracao(servicos, usuario_id) -> list:
    """The user's machines a previous `demo` created (public dicts)."""
    return [m for m in servicos.maquinas.listar_do_usuario(usuario_id)
            if (m.get("fabricante"), m.get("modelo")) == (FABRICANTE, MODELO)]


def semear(servicos, usuario, quantidade, dias, agora=None, semente=None, relatar=None) -> list:
    """Create `quantidade` machines claimed by `usuario` with `dias` days of history ending `agora`.

    Returns [{"id", "token", "nome"}]: the device tokens, known only now, for the simulator to log in with.
    """
    agora = agora or agora_utc()
    aleatorio = random.Random(semente)
    fuso = ZoneInfo(usuario["preferencias"].get("fuso_horario") or servicos.cfg.get("TIMEZONE") or "UTC")
    fim_ms, inicio_ms = em_ms(agora), em_ms(agora - timedelta(days=dias))
    criadas = []
    for numero in range(1, quantidade + 1):
        criada = casos.criar(servicos, FABRICANTE, MODELO)
        maquina_id, nome = criada["maquina"]["id"], f"Demo {numero:02d}"
        servicos.maquinas.reivindicar(maquina_id, criada["segredo"], usuario["id"], nome)
        casos.ajustar(servicos, maquina_id, usuario["id"], {"linha": LINHAS[(numero - 1) % len(LINHAS)], "local": "Galpão A"})
        plano = _plano(aleatorio, inicio_ms, fim_ms, fuso, dois_turnos=numero % 2 == 0)
        _Semeadura(servicos, maquina_id, usuario["id"], aleatorio.randrange(2**32)).gravar(plano, fim_ms)
        criadas.append({"id": maquina_id, "token": criada["token"], "nome": nome})
        if relatar:
            relatar(f"  {nome} ({maquina_id}): {dias} dias de histórico, {len(plano)} intervalos de estado.")
    _rotular_paradas(servicos, usuario["id"], [m["id"] for m in criadas], inicio_ms, agora, aleatorio)
    return criadas


# ---- the plan: what each machine did, as (estado, inicio_ms, fim_ms) ----------------------------------
def _plano(aleatorio, inicio_ms, fim_ms, fuso, dois_turnos) -> list:
    """Contiguous segments from inicio to fim; the last one `iniciada`, open at fim."""
    segmentos, t, estado, corridas = [], inicio_ms, "iniciada", 0
    ultimo_ms = fim_ms - ACABA_INICIADA_S * 1000
    while t < ultimo_ms:
        if dois_turnos and _de_noite(t, fuso):
            estado, duracao_s = "parada", _ate_o_turno(t, fuso)
        elif estado == "iniciada":
            duracao_s = aleatorio.uniform(40, 200) * 60
        elif estado == "desarmada":
            duracao_s = aleatorio.uniform(15, 50) * 60
        elif estado == "offline":
            duracao_s = aleatorio.uniform(10, 60) * 60
        else:  # a stop: most are downtimes (over PARADA_MINIMA_S), a few are micro-stops
            duracao_s = aleatorio.uniform(1, 4) * 60 if aleatorio.random() < 0.2 else aleatorio.uniform(8, 60) * 60
        fim = min(t + int(duracao_s * 1000), ultimo_ms)
        segmentos.append((estado, t, fim))
        t = fim
        corridas += estado == "iniciada"
        estado = OBRIGATORIOS.get(corridas) if estado == "iniciada" and corridas in OBRIGATORIOS else _seguinte(aleatorio, estado)
    segmentos.append(("iniciada", t, fim_ms))
    return _juntar(segmentos)


def _seguinte(aleatorio, estado) -> str:
    if estado != "iniciada":
        return "iniciada"  # after a stop, a trip (reset + start) or a network drop, it runs again
    sorteio = aleatorio.random()
    return "desarmada" if sorteio < 0.12 else "offline" if sorteio < 0.22 else "parada"


def _juntar(segmentos) -> list:
    """Neighbours in the same state are one interval (a night stop right after a stop)."""
    juntos = []
    for segmento in segmentos:
        if juntos and juntos[-1][0] == segmento[0] and segmento[0] != "desarmada":
            juntos[-1] = (segmento[0], juntos[-1][1], segmento[2])
        elif segmento[2] > segmento[1]:
            juntos.append(segmento)
    return juntos


def _de_noite(ms, fuso) -> bool:
    hora = data_de_ms(ms).astimezone(fuso).hour
    return hora >= NOITE[0] or hora < NOITE[1]


def _ate_o_turno(ms, fuso) -> float:
    """Seconds from `ms` to the next 06:00 in `fuso`."""
    local = data_de_ms(ms).astimezone(fuso)
    manha = local.replace(hour=NOITE[1], minute=0, second=0, microsecond=0)
    if manha <= local:
        manha += timedelta(days=1)
    return (manha - local).total_seconds()


# ---- one machine's history through the managers ----------------------------------------------------
class _Semeadura:
    def __init__(self, servicos, maquina_id, usuario_id, semente):
        self.servicos, self.maquina_id, self.usuario_id = servicos, maquina_id, usuario_id
        self.modelo = MaquinaSimulada(maquina_id, semente=semente)
        aleatorio = self.modelo.aleatorio
        self.parametros = {"voltagem": aleatorio.choice((220, 380)), "velocidade": aleatorio.randrange(1200, 1801, 50),
                           "temperatura": aleatorio.randrange(90, 111, 5)}
        doc = servicos.maquinas.buscar(maquina_id)
        self.condicoes = {c.tipo: c for c in condicoes(servicos.motor_alarmes.regras_da_maquina(doc),
                                                       servicos.motor_alarmes.zonas(doc))}
        self.timeout_s = servicos.maquinas.timeout_s(doc)
        self.leituras, self.eventos, self.alarmes = [], [], []
        self.antes_do_offline = None

    def gravar(self, plano, fim_ms):
        anterior = None
        for estado, inicio, fim in plano:
            self._comecar(estado, inicio, fim, anterior)
            if estado != "offline":
                self._ler(inicio, fim, fim_ms, vibrar=estado == "iniciada" and self.modelo.aleatorio.random() < 0.15)
            anterior = estado
        servicos = self.servicos
        servicos.telemetria.inserir_pedidos([(self.maquina_id, leitura, leitura["ts"]) for leitura in self.leituras])
        servicos.agregados.gravar(_rollups(self.maquina_id, self.leituras, fim_ms))
        servicos.historico.registrar(self.eventos)
        for alarme in self.alarmes:
            self._alarme(*alarme)
        self._estado_final(fim_ms)

    def _comecar(self, estado, inicio, fim, anterior):
        """Apply a segment's start to the model, and the status (or silence) the device would have sent."""
        modelo = self.modelo
        if estado == "offline":
            self.eventos.append((self.maquina_id, OFFLINE, inicio, {"status": anterior}))
            self.antes_do_offline = anterior
            if fim - inicio > self.timeout_s * 1000:  # the offline check raises it after the machine's timeout
                self.alarmes.append(("offline", None, inicio + self.timeout_s * 1000, fim))
            return
        if anterior == "offline":
            self.eventos.append((self.maquina_id, FALOU, inicio, None))  # back: it resumes what it was doing
            if estado == self.antes_do_offline:
                return
        if estado == "iniciada":
            modelo.iniciar(self.parametros)
        elif estado == "parada":
            modelo.parar()
        else:  # overheating until the firmware trips it, as the live simulator's fault does
            modelo.provocar_falha("superaquecimento")
            while modelo.desarme is None:
                modelo.avancar(30)
            self.alarmes.append(("temperatura_alta", modelo.desarme["valor"], inicio - 40_000, inicio + 60_000))
        self.eventos.append((self.maquina_id, ESTADO, inicio, {"estado": estado, **(modelo.desarme or {})}))

    def _ler(self, inicio, fim, fim_ms, vibrar):
        """Readings from inicio to fim: the coarse step, the fine one in the last hour; with `vibrar`, a failing
        bearing in the middle third, and its zone D alarm."""
        modelo, t, pico = self.modelo, inicio, None
        episodio = (inicio + (fim - inicio) // 3, inicio + 2 * (fim - inicio) // 3) if vibrar else None
        while t < fim:
            if episodio and episodio[0] <= t < episodio[1] and modelo.falha is None and pico is None:
                modelo.provocar_falha("vibracao", (episodio[1] - t) / 1000)
            passo_ms = (PASSO_RECENTE_S if fim_ms - t <= RECENTE_S * 1000 else PASSO_S) * 1000
            modelo.avancar(passo_ms / 1000)
            leitura = _validada(modelo.leitura(t))
            self.leituras.append(leitura)
            if modelo.falha == "vibracao":
                pico = max(pico or 0.0, leitura["dados_sensor"]["vibracao"])
            t += passo_ms
        if pico is not None:
            self.alarmes.append(("vibracao_zona_d", pico, episodio[0] + PASSO_S * 1000, episodio[1]))

    def _alarme(self, tipo, valor, inicio, fim):
        """One alarm of the past: raised, cleared and acknowledged."""
        alarmes, cond = self.servicos.alarmes, self.condicoes.get(tipo)
        if tipo == "offline":
            sensor, severidade, limite = None, SEVERIDADE_OFFLINE, self.timeout_s
        elif cond is None:
            return  # the owner's rules do not watch this
        else:
            sensor, severidade, limite = cond.sensor, cond.severidade, cond.limite
        alarme, _ = alarmes.ativar(self.maquina_id, self.usuario_id, tipo, sensor, severidade, valor, limite,
                                   data_de_ms(inicio))
        alarmes.normalizar(self.maquina_id, tipo, data_de_ms(fim))
        alarmes.reconhecer(str(alarme["_id"]), self.usuario_id, "Demonstração: visto e tratado", data_de_ms(fim + 5 * MINUTO_MS))

    def _estado_final(self, fim_ms):
        """The machine document as its last status and reading left it (the dashboard card)."""
        ultima = self.leituras[-1]
        momento = data_de_ms(fim_ms)
        self.servicos.maquinas.registrar_estado(self.maquina_id, "iniciada", momento,
                                                {"parametros": dict(self.parametros)})
        self.servicos.maquinas.registrar_atividade(self.maquina_id, momento, ultima["dados_sensor"], PASSO_RECENTE_S)


def _validada(leitura) -> dict:
    """A simulator reading as the pipeline stores it (nucleo.validacao.validar_leitura's shape)."""
    sensores = {campo: float(leitura[campo]) for campo in ("tensao", "vibracao", "temperatura", "rpm")}
    return {"dados_sensor": sensores, "ts": data_de_ms(leitura["ts"]), "seq": leitura["seq"]}


def _rollups(maquina_id, leituras, fim_ms) -> dict:
    """Hour buckets of everything; minute buckets only where charts read them (the last MINUTO_ATE)."""
    parciais = somar((maquina_id, leitura["dados_sensor"], leitura["ts"]) for leitura in leituras)
    desde_ms = fim_ms - int(MINUTO_ATE.total_seconds() * 1000)
    return {chave: parcial for chave, parcial in parciais.items() if chave[0] == HORA_MS or chave[2] >= desde_ms}


def _rotular_paradas(servicos, usuario_id, maquina_ids, inicio_ms, agora, aleatorio):
    """Reasons for about two thirds of the downtimes, from the owner's list; the rest wait for someone."""
    motivos = casos_paradas.motivos_do_usuario(servicos, usuario_id)
    desarme = next((m for m in motivos if m.casefold() == "quebra"), motivos[0])
    for maquina_id in maquina_ids:
        for parada in casos_paradas.listar(servicos, usuario_id, maquina_id, data_de_ms(inicio_ms), agora, agora):
            if parada["fim"] is None or aleatorio.random() < 0.35:
                continue
            motivo = desarme if parada["estado"] == "desarmada" else aleatorio.choice(motivos)
            casos_paradas.rotular(servicos, usuario_id, parada["parada_id"], {"motivo": motivo}, agora)
