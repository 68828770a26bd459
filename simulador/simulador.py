"""Device simulator: N machines publishing like the firmware, over MQTT or HTTP, without Flask.

    sim = Simulador(maquinas=[(id, token), ...], via="mqtt", intervalo=1.0, broker="127.0.0.1", porta=1883)
    sim.iniciar(); ...; sim.parar(); sim.estatisticas()

or `sim.rodar(duracao)` for a blocking run with progress lines (what `main.py simular` does).
One scheduler thread walks a heap of due times on the monotonic clock (no sleep per
machine), so 200 machines at 1 Hz are 200 evenly spread publishes a second; when it falls
behind, the progress line says so. Commands arrive on the MQTT network thread and are
applied under the same lock as the sensor steps.
"""
import heapq
import json
import logging
import threading
import time

from nucleo.contadores import Contadores
from nucleo.contrato import LIMITES_PARTIDA_PADRAO

from .maquina_simulada import TAXA_FALHAS_S, MaquinaSimulada
from .transporte_http import TransporteHttp
from .transporte_mqtt import TransporteMqtt

log = logging.getLogger(__name__)

INTERVALO_HEARTBEAT_S = 15.0  # the server's HEARTBEAT_TIMEOUT is 45 s


class Simulador:
    """Simulated machines, one scheduler thread and one transport (TransporteMqtt or TransporteHttp)."""

    def __init__(self, maquinas, via="mqtt", intervalo=1.0, broker="127.0.0.1", porta=1883,
                 url="http://127.0.0.1:5000", falhas=False, iniciadas=False, trabalhadores_http=4, relatar=None,
                 intervalo_progresso=5.0, semente=None):
        if intervalo <= 0:
            raise ValueError("o intervalo deve ser positivo")
        self.intervalo = float(intervalo)
        self.via = via
        self.maquinas = [MaquinaSimulada(maquina_id, token, falhas, None if semente is None else semente + i)
                         for i, (maquina_id, token) in enumerate(maquinas)]
        if iniciadas:
            for maquina in self.maquinas:
                maquina.iniciar(_parametros_sorteados(maquina.aleatorio))
        self.contagem = Contadores()
        self.enviadas_por_maquina = [0] * len(self.maquinas)
        self.relatar = relatar
        self.intervalo_progresso = intervalo_progresso
        if via == "mqtt":
            self.transporte = TransporteMqtt(self, broker, porta)
        elif via == "http":
            self.transporte = TransporteHttp(self, url, trabalhadores_http)
        else:
            raise ValueError(f"via deve ser mqtt ou http, não {via!r}")
        self._trava = threading.Lock()
        self._parar = threading.Event()
        self._agendador = threading.Thread(target=self._agendar, name="simulador-agendador", daemon=True)
        self._atraso = {"maximo_s": 0.0, "janela_s": 0.0}
        self._ultimo_heartbeat = [0.0] * len(self.maquinas)
        self._inicio = self._fim = None
        self._amostra = (time.monotonic(), 0)
        self._programadas = {}  # indice -> (seconds after the start, fault): faults a demo wants seen soon

    def programar_falha(self, indice, tipo, apos_s):
        """Start fault `tipo` on machine `indice` `apos_s` seconds into the run (if it is running then, for the
        faults that need it), instead of waiting for chance: `main.py demo` makes one machine overheat."""
        self._programadas[indice] = (apos_s, tipo)
        return self

    # ---- programmatic API --------------------------------------------------------
    def iniciar(self):
        """Connect (waiting up to 10 s for MQTT) and start publishing."""
        self._inicio = time.monotonic()
        self._amostra = (self._inicio, 0)
        self.transporte.abrir(10.0)
        self._agendador.start()
        return self

    def parar(self, espera_s=5.0) -> dict:
        """Stop publishing, announce the machines offline, wait for acknowledgements, disconnect."""
        if self._fim is not None or self._inicio is None:
            return self.estatisticas()
        self._parar.set()
        if self._agendador.is_alive():
            self._agendador.join()
        if self.via == "mqtt":
            for indice in range(len(self.maquinas)):
                self._anunciar(indice, "offline")  # a device switched off: its Last Will would say the same
        self.contagem.contar("nao_confirmadas", self.transporte.fechar(espera_s))
        self._fim = time.monotonic()
        return self.estatisticas()

    def estatisticas(self) -> dict:
        contagem = self.contagem.como_dict()
        duracao = ((self._fim or time.monotonic()) - self._inicio) if self._inicio else 0.0
        telemetria = contagem.get("enviadas_telemetria", 0)
        return {
            "via": self.via, "maquinas": len(self.maquinas), "intervalo_s": self.intervalo,
            "duracao_s": round(duracao, 2),
            "enviadas": {"telemetria": telemetria, "status": contagem.get("enviadas_status", 0)},
            "taxa_media_msg_s": round(telemetria / duracao, 1) if duracao else 0.0,
            "erros": sum(v for k, v in contagem.items() if k.startswith("erros") or k in {"descartadas_fila", "nao_confirmadas"}),
            "comandos": {k.removeprefix("comandos_"): v for k, v in contagem.items() if k.startswith("comandos_")},
            "falhas": {k.removeprefix("falha_"): v for k, v in contagem.items() if k.startswith("falha_")},
            "atraso_maximo_s": round(self._atraso["maximo_s"], 3),
            "contagem": contagem,
            "por_maquina": {m.maquina_id: n for m, n in zip(self.maquinas, self.enviadas_por_maquina)},
        }

    def rodar(self, duracao=None) -> dict:
        """Blocking run: progress every `intervalo_progresso` s until `duracao` or Ctrl+C; returns the stats."""
        try:
            self.iniciar()
            limite = None if duracao is None else self._inicio + duracao
            while limite is None or time.monotonic() < limite:
                espera = self.intervalo_progresso if limite is None else min(self.intervalo_progresso, limite - time.monotonic())
                time.sleep(max(espera, 0))
                if self.relatar and (limite is None or time.monotonic() < limite):
                    self.relatar(self.linha_progresso())
        except KeyboardInterrupt:
            self.contagem.contar("interrompido")
        return self.parar()

    def linha_progresso(self) -> str:
        """One line: machines, messages, rate since the last line, errors, commands, and lag."""
        agora, total = time.monotonic(), self.contagem.valor("enviadas_telemetria")
        antes, total_antes = self._amostra
        self._amostra = (agora, total)
        taxa = (total - total_antes) / (agora - antes) if agora > antes else 0.0
        estat = self.estatisticas()
        atraso, self._atraso["janela_s"] = self._atraso["janela_s"], 0.0
        pendentes = self.transporte.pendentes()
        linha = (f"[{estat['duracao_s']:.0f}s] {len(self.maquinas)} máquinas ({self.via}, "
                 f"{self.transporte.conectados()} conexões) · {total} leituras · {taxa:.1f} msg/s · "
                 f"{estat['erros']} erros · {sum(estat['comandos'].values())} comandos · pendentes {pendentes}")
        if atraso > self.intervalo:
            linha += f" · NÃO ACOMPANHA: atraso de {atraso:.1f}s no agendamento"
        elif pendentes > len(self.maquinas):  # more than one round waiting: the broker or server is slower
            linha += f" · NÃO ACOMPANHA: {pendentes} mensagens à espera de {'confirmação' if self.via == 'mqtt' else 'envio'}"
        return linha

    # ---- called by the transports ----------------------------------------------------
    def confirmar_envio(self, indice, tipo):
        """The broker acknowledged (or the server stored) one message."""
        self.contagem.contar(f"enviadas_{tipo}")
        if tipo == "telemetria":
            with self._trava:
                self.enviadas_por_maquina[indice] += 1

    def ao_conectar(self, indices):
        """A client (re)connected: like the firmware, announce online and the operating state."""
        for indice in indices:
            if not self.maquinas[indice].silenciosa:
                self._anunciar(indice, "online")

    def receber_comando(self, indice, payload):
        """A command from the server (MQTT network thread): obey it and answer with the new state."""
        self.contagem.contar("comandos_recebidos")
        maquina = self.maquinas[indice]
        try:
            comando = json.loads(payload)
        except (ValueError, UnicodeDecodeError):
            comando = None
        with self._trava:
            resultado = "ignorado_offline" if maquina.silenciosa else maquina.obedecer(comando, _agora_ms())
        self.contagem.contar(f"comandos_{resultado}")
        if resultado == "obedecido":
            self._anunciar_estado(indice)

    # ---- scheduling ------------------------------------------------------------------
    def _agendar(self):
        """Due times on the monotonic clock, spread over one interval so the load is even."""
        n = len(self.maquinas)
        inicio = time.monotonic()
        fila = [(inicio + i * self.intervalo / n, i) for i in range(n)]
        heapq.heapify(fila)
        ultimo_passo = [inicio] * n
        while fila and not self._parar.is_set():
            devido, indice = fila[0]
            agora = time.monotonic()
            if devido > agora:
                self._parar.wait(min(devido - agora, 0.5))
                continue
            self._medir_atraso(agora - devido)
            # Far behind: skip the missed ticks rather than burst to catch up.
            proximo = devido + self.intervalo if agora - devido < self.intervalo else agora + self.intervalo
            heapq.heapreplace(fila, (proximo, indice))
            try:
                self._ciclo(indice, agora - ultimo_passo[indice], agora)
            except Exception:
                self.contagem.contar("erros")
                log.exception("Erro no ciclo da máquina %s", self.maquinas[indice].maquina_id)
            ultimo_passo[indice] = agora

    def _medir_atraso(self, atraso):
        if atraso > self.intervalo:
            self.contagem.contar("atrasadas")
        self._atraso["maximo_s"] = max(self._atraso["maximo_s"], atraso)
        self._atraso["janela_s"] = max(self._atraso["janela_s"], atraso)

    def _ciclo(self, indice, dt, agora):
        maquina = self.maquinas[indice]
        with self._trava:
            eventos = self._falha_programada(indice, maquina, agora) + maquina.avancar(dt)
            leitura = None if maquina.silenciosa else maquina.leitura(_agora_ms())
        for evento in eventos:
            if evento in TAXA_FALHAS_S:
                self.contagem.contar(f"falha_{evento}")
            if evento == "desarmada":
                self.contagem.contar("desarmes_por_temperatura")
            if evento in {"offline", "online", "desarmada"}:
                self._anunciar(indice, evento)
        if leitura is not None:
            self.transporte.enviar_leitura(indice, leitura)
            if agora - self._ultimo_heartbeat[indice] >= INTERVALO_HEARTBEAT_S:
                self._anunciar_estado(indice)

    def _falha_programada(self, indice, maquina, agora) -> list:
        programada = self._programadas.get(indice)
        if programada is None or agora - self._inicio < programada[0] or maquina.falha is not None:
            return []
        del self._programadas[indice]
        return maquina.provocar_falha(programada[1])

    def _anunciar(self, indice, evento):
        """offline before going silent; online + state when back; the state after a trip."""
        if evento in {"offline", "online"}:
            self.transporte.enviar_estado(indice, {"state": evento, "ts": _agora_ms()})
        if evento != "offline":
            self._anunciar_estado(indice)

    def _anunciar_estado(self, indice):
        self._ultimo_heartbeat[indice] = time.monotonic()
        with self._trava:
            carga = self.maquinas[indice].status(_agora_ms())
        self.transporte.enviar_estado(indice, carga)


def _agora_ms() -> int:
    return time.time_ns() // 1_000_000


def _parametros_sorteados(aleatorio) -> dict:
    """Start parameters for --iniciadas: any voltage and speed, a maximum temperature that allows running."""
    faixas = dict(LIMITES_PARTIDA_PADRAO, temperatura=(80, LIMITES_PARTIDA_PADRAO["temperatura"][1]))
    return {campo: round(aleatorio.uniform(*faixa)) for campo, faixa in faixas.items()}


def resumo_final(estat) -> str:
    """The closing lines of a run, for people."""
    linhas = [f"Simulação encerrada após {estat['duracao_s']:.1f}s: {estat['maquinas']} máquinas via {estat['via']}.",
              f"  Enviadas: {estat['enviadas']['telemetria']} leituras, {estat['enviadas']['status']} status "
              f"({estat['taxa_media_msg_s']} leituras/s em média).",
              f"  Erros: {estat['erros']}; atraso máximo do agendamento: {estat['atraso_maximo_s']}s."]
    if estat["comandos"]:
        linhas.append("  Comandos: " + ", ".join(f"{k} {v}" for k, v in sorted(estat["comandos"].items())))
    if estat["falhas"]:
        linhas.append("  Falhas simuladas: " + ", ".join(f"{k} {v}" for k, v in sorted(estat["falhas"].items())))
    return "\n".join(linhas)
