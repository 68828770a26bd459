"""The alarm engine: judges stored readings against each machine's rules, and silent machines as offline.

It runs on the writer thread, after a batch is stored (`avaliar`), never on the MQTT network thread,
and from the periodic offline check (`verificar_offline`). Rule states live in the database
(MongoDB/gerencia_estados_regra.py), so a restart resumes a duration half-way and several app
processes under MQTT_SHARED_GROUP judge one machine's readings as one: every state write names the
version it read, and the loser of a race reads again and judges again. Alarms themselves are unique
per machine and type by a database key (MongoDB/gerencia_alarmes.py). Each transition (raised,
cleared) is announced exactly once to `notificar(evento, alarme, maquina)`.

The normal case costs one `_id $in` query per batch (the states of the batch's machines); states are
written only when something changes, and the repeats of an active alarm (count, last value, peak)
are folded in memory and written once per `intervalo_s`.
"""
import logging
import time
from collections import defaultdict
from datetime import timedelta

from MongoDB.gerencia_BD import agora_utc, ler_carimbo

from .contrato import (CLASSE_VIBRACAO_PADRAO, EVENTO_ALARME_ATIVADO, EVENTO_ALARME_NORMALIZADO, REGRAS_PADRAO,
                       SEVERIDADE_OFFLINE)
from .regras import ATIVAR, NORMALIZAR, REPETIR, condicoes, julgar

log = logging.getLogger(__name__)

OFFLINE = "offline"
VALIDADE_CACHE_S = 10.0
TENTATIVAS = 3
EVENTO_ATIVADO, EVENTO_NORMALIZADO = EVENTO_ALARME_ATIVADO, EVENTO_ALARME_NORMALIZADO


def _ms(momento) -> int:
    return int(momento.timestamp() * 1000)


class MotorAlarmes:
    """`ao_calar([(maquina_id, silent since, status)])` hears every silent machine of each offline check (the
    state history opens its offline intervals there); `levantar_alarmes` False keeps the check to that."""

    def __init__(self, maquinas, alarmes, estados, modelos, zonas_por_classe, notificar=None,
                 agora=agora_utc, relogio=time.monotonic, intervalo_s=5.0, ao_calar=None, levantar_alarmes=True):
        self.maquinas, self.alarmes, self.estados, self.modelos = maquinas, alarmes, estados, modelos
        self.zonas_por_classe = zonas_por_classe
        self.notificar = notificar
        self.ao_calar, self.levantar_alarmes = ao_calar, levantar_alarmes
        self.agora, self.relogio, self.intervalo_s = agora, relogio, intervalo_s
        self._cache = {}  # maquina_id -> (valid until, machine document, its conditions)
        self._repeticoes = {}  # (maquina_id, tipo) -> [count, last value, peak, higher is worse, when]
        self._repeticoes_gravadas_em = relogio()

    # ---- what a machine is judged against -----------------------------------------------------
    def regras_da_maquina(self, doc) -> list:
        """Its own rules, else its model's defaults (set by admins), else the product's."""
        return self._regras(doc, {})

    def zonas(self, doc):
        classe = doc.get("classe_vibracao") or CLASSE_VIBRACAO_PADRAO
        return self.zonas_por_classe.get(classe) or self.zonas_por_classe[CLASSE_VIBRACAO_PADRAO]

    def esquecer(self, maquina_id):
        """Its rules changed: judge its next readings against the new ones."""
        self._cache.pop(maquina_id, None)

    def _maquinas(self, maquina_ids) -> dict:
        """{maquina_id: (doc or None, its conditions)}: the ones not cached are read with one `_id $in`,
        and each model's default rules once (at 300 machines, two queries per machine every 10 s
        were a fifth of the ingest)."""
        agora = self.relogio()
        vencidas = [m for m in maquina_ids if m not in self._cache or self._cache[m][0] < agora]
        if vencidas:
            docs = self.maquinas.buscar_varias(vencidas)
            regras_dos_modelos = {}
            for maquina_id in vencidas:
                doc = docs.get(maquina_id)
                conds = [] if doc is None else condicoes(self._regras(doc, regras_dos_modelos), self.zonas(doc))
                self._cache[maquina_id] = (agora + VALIDADE_CACHE_S, doc, conds)
        return {m: self._cache[m][1:] for m in maquina_ids}

    def _regras(self, doc, regras_dos_modelos):
        """regras_da_maquina, asking for each model's defaults once per refresh."""
        if doc.get("regras_alarme") is not None:
            return doc["regras_alarme"]
        modelo = (doc["fabricante"], doc["modelo"])
        if modelo not in regras_dos_modelos:
            regras_dos_modelos[modelo] = self.modelos.regras(*modelo)
        return regras_dos_modelos[modelo] or REGRAS_PADRAO

    # ---- the writer's batch -------------------------------------------------------------------
    def avaliar(self, guardadas, falaram=()):
        """Judge the readings stored in one batch [(maquina_id, leitura, recebido_em)]; `falaram` are the
        machines that spoke (readings or status): each clears its offline alarm."""
        agora = self.agora()
        por_maquina = defaultdict(list)
        for maquina_id, leitura, recebido_em in guardadas:
            por_maquina[maquina_id].append((leitura["ts"] or recebido_em, leitura["dados_sensor"]))
        a_julgar = []
        for maquina_id, (doc, conds) in self._maquinas(set(por_maquina) | set(falaram)).items():
            if doc is None:
                continue
            antigas = _ms(agora) - self.maquinas.timeout_s(doc) * 1000
            # Stale data (a backlog older than the machine's timeout) neither raises nor clears.
            leituras = sorted((_ms(momento), momento, valores) for momento, valores in por_maquina[maquina_id]
                              if _ms(momento) > antigas)
            a_julgar.append((doc, conds, leituras))
        # One `_id $in` for the states of every machine in the batch, not one query per machine: at
        # 300 machines × 1 Hz those queries were most of the writer's time in the store.
        estados = self.estados.carregar([chave for doc, conds, _ in a_julgar for chave in _chaves(doc, conds)]) \
            if a_julgar else {}
        for doc, conds, leituras in a_julgar:
            self._julgar_maquina(doc, conds, leituras, agora, estados)
        self.descarregar(forcar=False)

    def _julgar_maquina(self, doc, conds, leituras, agora, lidos):
        """Judge one machine from the states `lidos` of its batch; a lost race reads its own states again."""
        chaves = _chaves(doc, conds)
        maquina_id = str(doc["_id"])
        for tentativa in range(TENTATIVAS):
            estados = {chave: lidos[chave] for chave in chaves} if tentativa == 0 else self.estados.carregar(chaves)
            eventos, mudados = [], []
            for cond in conds:
                estado = estados[f"{maquina_id}:{cond.tipo}"]
                antes = dict(estado)
                for ts_ms, momento, valores in leituras:
                    evento = julgar(estado, cond, valores[cond.sensor], ts_ms)
                    if evento:
                        eventos.append((evento, cond, valores[cond.sensor], momento))
                if _mudou(antes, estado):
                    mudados.append(estado)
            offline = estados[f"{maquina_id}:{OFFLINE}"]
            if offline["ativo"]:
                offline.update(ativo=0, ts_ms=_ms(agora))
                mudados.append(offline)
                eventos.append((NORMALIZAR, None, None, agora))
            if all(self.estados.gravar(estado) for estado in mudados):
                break
        else:
            log.warning("Estados de alarme de %s disputados demais; leituras deste lote não julgadas", maquina_id)
            return
        for evento, cond, valor, momento in eventos:
            self._aplicar(doc, evento, cond, valor, momento)

    def _aplicar(self, doc, evento, cond, valor, momento):
        maquina_id = str(doc["_id"])
        tipo = cond.tipo if cond else OFFLINE
        if evento == REPETIR:
            acumulado = self._repeticoes.setdefault((maquina_id, tipo), [0, valor, valor, cond.acima, momento])
            acumulado[0] += 1
            acumulado[1], acumulado[4] = valor, momento
            acumulado[2] = max(acumulado[2], valor) if cond.acima else min(acumulado[2], valor)
        elif evento == ATIVAR:
            alarme, ativou = self.alarmes.ativar(maquina_id, doc.get("id_usuario") or "", tipo, cond.sensor,
                                                 cond.severidade, valor, cond.limite, momento)
            if ativou:
                self._anunciar(EVENTO_ATIVADO, alarme, doc)
        else:
            self._gravar_repeticao((maquina_id, tipo))
            alarme = self.alarmes.normalizar(maquina_id, tipo, momento)
            if alarme is not None:
                self._anunciar(EVENTO_NORMALIZADO, alarme, doc)

    def _anunciar(self, evento, alarme, doc):
        log.info("%s: %s em %s (%s)", evento, alarme["tipo"], doc["_id"], alarme["severidade"])
        if self.notificar is not None:
            try:
                self.notificar(evento, alarme, doc)
            except Exception:
                log.exception("Falha ao registrar a notificação de %s", alarme["_id"])

    def descarregar(self, forcar):
        """Write the folded repeats of active alarms, once per `intervalo_s` (or now, at shutdown)."""
        if not self._repeticoes or (not forcar and self.relogio() - self._repeticoes_gravadas_em < self.intervalo_s):
            return
        for chave in list(self._repeticoes):
            self._gravar_repeticao(chave)
        self._repeticoes_gravadas_em = self.relogio()

    def _gravar_repeticao(self, chave):
        acumulado = self._repeticoes.pop(chave, None)
        if acumulado is not None:
            contagem, ultimo, pico, acima, momento = acumulado
            self.alarmes.acumular(*chave, contagem, ultimo, pico, acima, momento)

    # ---- the periodic offline check -------------------------------------------------------------
    def verificar_offline(self):
        """Raise `offline` for every machine silent past its own timeout (or gone with its Last Will)."""
        agora = self.agora()
        caladas = [doc for doc in self.maquinas.listar_para_vigia() if self._calada(doc, agora)]
        if caladas and self.ao_calar is not None:
            self.ao_calar([(str(doc["_id"]), self.calada_desde(doc), doc.get("status")) for doc in caladas])
        if not caladas or not self.levantar_alarmes:
            return 0
        estados = self.estados.carregar([f"{doc['_id']}:{OFFLINE}" for doc in caladas])
        novas = 0
        for doc in caladas:
            estado = estados[f"{doc['_id']}:{OFFLINE}"]
            if estado["ativo"]:
                continue
            estado.update(ativo=1, ts_ms=_ms(agora))
            if not self.estados.gravar(estado):
                continue  # another process got there first
            alarme, ativou = self.alarmes.ativar(str(doc["_id"]), doc.get("id_usuario") or "", OFFLINE, None,
                                                 SEVERIDADE_OFFLINE, None, self.maquinas.timeout_s(doc), agora)
            if ativou:
                novas += 1
                self._anunciar(EVENTO_ATIVADO, alarme, doc)
        return novas

    def calada_desde(self, doc):
        """When a silent machine went offline: its Last Will, else its last heartbeat plus its timeout."""
        visto, desconectada = ler_carimbo(doc.get("last_heartbeat")), ler_carimbo(doc.get("desconectada_em"))
        if desconectada is not None and desconectada >= visto:
            return desconectada
        return visto + timedelta(seconds=self.maquinas.timeout_s(doc))

    def _calada(self, doc, agora) -> bool:
        """Seen once, and silent past its timeout or disconnected (Last Will) since."""
        return ler_carimbo(doc.get("last_heartbeat")) is not None and not self.maquinas.esta_online(doc, agora)


def _chaves(doc, conds) -> list:
    """The state keys of one machine: one per condition, and its offline state."""
    maquina_id = str(doc["_id"])
    return [f"{maquina_id}:{c.tipo}" for c in conds] + [f"{maquina_id}:{OFFLINE}"]


def _mudou(antes, depois) -> bool:
    """Whether a state changed beyond the time of its last reading (which alone is not worth a write)."""
    return any(antes[campo] != depois[campo] for campo in ("fora_desde_ms", "contagem", "ativo"))
