"""One simulated machine: the firmware's sensor model, its commands and its faults, with no I/O.

The model follows firmware/sketch.ino: each sensor is a random walk pulled back to a target
(Ornstein-Uhlenbeck), rpm ramps with a limited acceleration, and the machine trips (stops itself,
`desarmada`, with the reason and the values) when the temperature passes the commanded maximum; it
stays tripped until the next command. Every value stays within LIMITES_SENSORES.
"""
import math
import random

from nucleo.contrato import CONFIGURACAO_RESET, LIMITES_PARTIDA_PADRAO, LIMITES_SENSORES, MAXIMO_SEQUENCIA

MOTIVO_TEMPERATURA = "temperatura_acima_do_limite"  # one of nucleo/contrato.py MOTIVOS_DESARME

TEMPERATURA_AMBIENTE = 25.0
VELOCIDADE_MAXIMA = float(LIMITES_PARTIDA_PADRAO["velocidade"][1])
ACELERACAO_RPM_S = 600.0
DESACELERACAO_RPM_S = 900.0

# Chance per second that a fault starts on one machine (with faults on): a few per hour each.
TAXA_FALHAS_S = {"superaquecimento": 1 / 1200, "vibracao": 1 / 900, "offline": 1 / 1800}
DURACAO_FALHA_S = {"vibracao": (20.0, 90.0), "offline": (10.0, 60.0)}
FALHAS_EM_OPERACAO = {"superaquecimento", "vibracao"}


def _ruido(aleatorio) -> float:
    """Roughly Gaussian noise in [-1, 1], as the firmware's sum of three uniforms."""
    return (aleatorio.uniform(-1, 1) + aleatorio.uniform(-1, 1) + aleatorio.uniform(-1, 1)) / 3


def _passo_com_reversao(atual, alvo, taxa, amplitude, dt, aleatorio) -> float:
    """Mean-reverting step, exact for any dt (the firmware's Euler step diverges past dt = 1/taxa)."""
    return alvo + (atual - alvo) * math.exp(-taxa * dt) + amplitude * math.sqrt(dt) * _ruido(aleatorio)


def _numero_na_faixa(valor, faixa) -> bool:
    return not isinstance(valor, bool) and isinstance(valor, (int, float)) and faixa[0] <= valor <= faixa[1]


class MaquinaSimulada:
    """Sensors, start parameters, sequence number and the current fault of one machine."""

    def __init__(self, maquina_id, token=None, falhas=False, semente=None):
        self.maquina_id = maquina_id
        self.token = token
        self.falhas = falhas
        self.aleatorio = random.Random(semente)
        self.parametros = {campo: float(valor) for campo, valor in CONFIGURACAO_RESET.items()}
        self.em_operacao = False
        self.desarme = None  # {"motivo", "valor", "limite"} of the last trip, until the next command
        self.sensores = {"tensao": 0.0, "vibracao": 0.1, "temperatura": TEMPERATURA_AMBIENTE, "rpm": 0.0}
        self.seq = 0
        self.falha = None  # "superaquecimento", "vibracao" or "offline"
        self.falha_restante_s = 0.0
        self.ultimo_comando_id = None

    @property
    def estado(self) -> str:
        if self.desarme is not None:
            return "desarmada"
        return "iniciada" if self.em_operacao else "parada"

    def status(self, ts_ms) -> dict:
        """The status payload, as the firmware publishes it: state, device time, the parameters it runs with,
        and a trip's reason and values."""
        carga = {"state": self.estado, "ts": ts_ms, "parametros": dict(self.parametros)}
        return carga | (self.desarme or {})

    @property
    def silenciosa(self) -> bool:
        """Off the network (the offline fault): publishes nothing and hears no commands."""
        return self.falha == "offline"

    # ---- commands --------------------------------------------------------------
    def iniciar(self, parametros=None) -> bool:
        """Start with the given parameters (each optional); out of range refuses the whole start."""
        parametros = parametros or {}
        if not isinstance(parametros, dict):
            return False
        novos = dict(self.parametros)
        for campo, faixa in LIMITES_PARTIDA_PADRAO.items():
            if campo in parametros:
                if not _numero_na_faixa(parametros[campo], faixa):
                    return False
                novos[campo] = float(parametros[campo])
        self.parametros = novos
        self.em_operacao = True
        self.desarme = None
        return True

    def parar(self):
        self.em_operacao = False
        self.desarme = None
        if self.falha in FALHAS_EM_OPERACAO:
            self.falha = None

    def _desarmar(self, valor, limite):
        """The overheat trip: stop, and remember why until someone commands the machine again."""
        self.parar()
        self.desarme = {"motivo": MOTIVO_TEMPERATURA, "valor": round(valor, 1), "limite": limite}

    def resetar(self):
        self.parametros = {campo: float(valor) for campo, valor in CONFIGURACAO_RESET.items()}
        self.parar()

    def obedecer(self, comando, agora_ms) -> str:
        """Apply a command payload; returns obedecido, expirado, repetido, rejeitado or desconhecido."""
        if not isinstance(comando, dict):
            return "rejeitado"
        expira_em = comando.get("expira_em")
        if _numero_na_faixa(expira_em, (0, math.inf)) and expira_em < agora_ms:
            return "expirado"
        comando_id = comando.get("id")
        if comando_id and comando_id == self.ultimo_comando_id:
            return "repetido"  # QoS 1 may deliver the same message twice
        self.ultimo_comando_id = comando_id
        nome = comando.get("comando")
        if nome == "start":
            return "obedecido" if self.iniciar(comando.get("parametros")) else "rejeitado"
        if nome == "stop":
            self.parar()
        elif nome == "reset":
            self.resetar()
        else:
            return "desconhecido"
        return "obedecido"

    # ---- faults ------------------------------------------------------------------
    def provocar_falha(self, tipo, duracao_s=None) -> list:
        """Start a fault now; returns [tipo] as the event (the simulator announces "offline")."""
        if tipo not in TAXA_FALHAS_S:
            raise ValueError(f"falha desconhecida: {tipo}")
        self.falha = tipo
        faixa = DURACAO_FALHA_S.get(tipo)
        self.falha_restante_s = duracao_s if duracao_s is not None else (self.aleatorio.uniform(*faixa) if faixa else math.inf)
        return [tipo]

    def _sortear_falha(self, dt) -> list:
        if not self.falhas or self.falha is not None:
            return []
        for tipo, taxa in TAXA_FALHAS_S.items():
            if (tipo not in FALHAS_EM_OPERACAO or self.em_operacao) and self.aleatorio.random() < taxa * dt:
                return self.provocar_falha(tipo)
        return []

    def _passar_tempo_da_falha(self, dt) -> list:
        if self.falha is None:
            return []
        self.falha_restante_s -= dt
        if self.falha_restante_s > 0:
            return []
        voltou = self.falha == "offline"
        self.falha = None
        return ["online"] if voltou else []

    # ---- sensors -----------------------------------------------------------------
    def avancar(self, dt) -> list:
        """Advance the sensors by dt seconds; returns events: a fault's name when it starts,
        online when the offline fault ends, desarmada when the overheat trip stops the machine."""
        eventos = self._passar_tempo_da_falha(dt) + self._sortear_falha(dt)
        if self.em_operacao:
            self._avancar_em_operacao(dt)
        else:
            self._avancar_parada(dt)
        for campo, (minimo, maximo) in LIMITES_SENSORES.items():
            self.sensores[campo] = min(max(self.sensores[campo], minimo), maximo)
        if self.em_operacao and self.sensores["temperatura"] > self.parametros["temperatura"]:
            self._desarmar(self.sensores["temperatura"], self.parametros["temperatura"])  # as the firmware does
            eventos.append("desarmada")
        return eventos

    def _avancar_em_operacao(self, dt):
        s, p, aleatorio = self.sensores, self.parametros, self.aleatorio
        rampa = ACELERACAO_RPM_S * dt
        s["rpm"] += min(max(p["velocidade"] - s["rpm"], -rampa), rampa) + 4.0 * _ruido(aleatorio)
        carga = min(s["rpm"] / VELOCIDADE_MAXIMA, 1.0)
        s["tensao"] = _passo_com_reversao(s["tensao"], p["voltagem"], 2.0, 3.0, dt, aleatorio)
        alvo_vibracao, alvo_temperatura, taxa_temperatura = 1.0 + 1.5 * carga, 60.0 + 10.0 * carga, 0.03
        if self.falha == "vibracao":
            alvo_vibracao *= 8.0  # a failing bearing: 8–20 mm/s
        elif self.falha == "superaquecimento":
            alvo_temperatura, taxa_temperatura = p["temperatura"] + 20.0, 0.15
        s["vibracao"] = _passo_com_reversao(s["vibracao"], alvo_vibracao, 0.8, 0.15, dt, aleatorio)
        s["temperatura"] = _passo_com_reversao(s["temperatura"], alvo_temperatura, taxa_temperatura, 0.3, dt, aleatorio)

    def _avancar_parada(self, dt):
        s, aleatorio = self.sensores, self.aleatorio
        s["rpm"] = max(s["rpm"] - DESACELERACAO_RPM_S * dt, 0.0)
        s["tensao"] = _passo_com_reversao(s["tensao"], 0.0, 3.0, 0.3, dt, aleatorio)
        s["vibracao"] = _passo_com_reversao(s["vibracao"], 0.1, 0.8, 0.02, dt, aleatorio)
        s["temperatura"] = _passo_com_reversao(s["temperatura"], TEMPERATURA_AMBIENTE, 0.02, 0.1, dt, aleatorio)

    def leitura(self, ts_ms) -> dict:
        """The next reading, as POST /api/sensor-data takes it: a new seq and the device time."""
        self.seq = self.seq % MAXIMO_SEQUENCIA + 1
        s = self.sensores
        return {"maquina_id": self.maquina_id, "tensao": round(s["tensao"], 1), "vibracao": round(s["vibracao"], 2),
                "temperatura": round(s["temperatura"], 1), "rpm": round(s["rpm"]), "ts": ts_ms, "seq": self.seq}
