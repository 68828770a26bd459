"""State history: the rules that turn status messages, readings and silence into intervals, and the reads.

The events of a machine, applied in time order, each at the time the machine said it (a status's `ts`,
else when it was received; a reading's time; the silence's start), never the clock of whichever process
handles it:
- ESTADO (a status iniciada / parada / desarmada): the machine is now in that state, a trip with its reason;
- FALOU (a reading, or the `online` birth message): the machine is there; an offline interval ends and the
  operating state it had before (`retomar`) resumes;
- OFFLINE (its Last Will, or the offline check: last heartbeat + its timeout): nobody knows what it does.
An event older than the start of the open interval is ignored (a retained status replayed by the broker,
or one another process already overtook); one that changes nothing writes nothing. Writes are versioned
(MongoDB/gerencia_historico.py): the loser of a race between processes reads again and judges again.
"""
import logging
from datetime import datetime, timezone

log = logging.getLogger(__name__)

ESTADO, FALOU, OFFLINE = "estado", "falou", "offline"
TENTATIVAS = 5
PAGINA = 500
# Reading a whole stop that began before a range (or ends after it) walks at most this many intervals.
EXTENSAO_MAXIMA = 2000
DETALHES = ("motivo", "valor", "limite")
FIM_DOS_TEMPOS_MS = 10**13 - 1  # the largest 13-digit key


def _aberto(estado, inicio_ms, origem=None, retomar=None) -> dict:
    origem = origem or {}
    return {"estado": estado, "inicio_ms": inicio_ms, **{campo: origem.get(campo) for campo in DETALHES},
            "retomar": retomar or {}}


def _operacao(aberto) -> dict:
    """The operating state an interval holds, to resume after an offline one."""
    return {"estado": aberto["estado"], **{campo: aberto.get(campo) for campo in DETALHES}}


def seguinte(aberto, tipo, momento_ms, dados=None):
    """(closed interval or {}, new open interval) after one event, or None when nothing changes."""
    dados = dados or {}
    if aberto is not None and momento_ms < aberto["inicio_ms"]:
        return None
    atual = aberto["estado"] if aberto else None
    if tipo == FALOU:
        if atual != "offline":
            return None
        retomar = aberto.get("retomar") or {"estado": dados.get("status") or "parada"}
        novo = _aberto(retomar["estado"], momento_ms, retomar)
    elif tipo == OFFLINE:
        if atual == "offline":
            return None
        retomar = _operacao(aberto) if aberto else {"estado": dados.get("status") or "parada"}
        novo = _aberto("offline", momento_ms, retomar=retomar)
    else:
        if aberto is not None and atual == dados["estado"] and aberto.get("motivo") == dados.get("motivo"):
            return None
        novo = _aberto(dados["estado"], momento_ms, dados)
    if aberto is None or momento_ms == aberto["inicio_ms"]:
        return {}, novo  # no zero-length interval: the open one is replaced in place
    fechado = {"estado": atual, "inicio_ms": aberto["inicio_ms"], "fim_ms": momento_ms,
               **{campo: aberto.get(campo) for campo in DETALHES}}
    return fechado, novo


class HistoricoEstados:
    """Applies events through the manager (MongoDB/gerencia_historico.py) and reads intervals back."""

    def __init__(self, gerencia):
        self.gerencia = gerencia

    # ---- writing ---------------------------------------------------------------------------------
    def registrar(self, eventos):
        """Apply [(maquina_id, tipo, momento_ms, dados)]: one `_id $in` read, writes only for transitions."""
        por_maquina = {}
        for maquina_id, tipo, momento_ms, dados in eventos:
            por_maquina.setdefault(maquina_id, []).append((momento_ms, tipo, dados))
        if not por_maquina:
            return
        abertos = self.gerencia.abertos(por_maquina)
        for maquina_id, seus in por_maquina.items():
            aberto = abertos.get(maquina_id)
            for momento_ms, tipo, dados in sorted(seus, key=lambda evento: evento[0]):  # stable: queue order kept
                aberto = self._aplicar(maquina_id, aberto, tipo, momento_ms, dados)

    def _aplicar(self, maquina_id, aberto, tipo, momento_ms, dados):
        for _ in range(TENTATIVAS):
            resultado = seguinte(aberto, tipo, momento_ms, dados)
            if resultado is None:
                return aberto
            fechado, novo = resultado
            gravou = (self.gerencia.abrir(maquina_id, novo) if aberto is None
                      else self.gerencia.trocar(aberto, novo, fechado))
            if gravou:
                versao = aberto["versao"] + 1 if aberto else 1
                return {"_id": maquina_id, **novo, "anterior": fechado, "versao": versao}
            aberto = self.gerencia.aberto(maquina_id)  # another process moved it: judge again on what it wrote
        log.warning("Histórico de %s disputado demais: evento %s de %d não aplicado", maquina_id, tipo, momento_ms)
        return aberto

    def silenciaram(self, caladas):
        """The offline check's machines [(maquina_id, silent since, its status)]: offline from then on."""
        self.registrar([(maquina_id, OFFLINE, em_ms(momento), {"status": status}) for maquina_id, momento, status in caladas])

    # ---- reading ---------------------------------------------------------------------------------
    def intervalos(self, maquina_id, desde_ms, ate_ms, limite=None, parada_inteira=False) -> list:
        """The machine's intervals that overlap [desde_ms, ate_ms), oldest first, uncut: dicts with estado,
        inicio_ms, fim_ms (None: open), motivo, valor, limite. At most `limite` (None: every one, read in pages).

        `parada_inteira` walks past both edges while a stop goes on, up to the `iniciada` around it (bounded),
        so a downtime that began before the range is read from its start.
        """
        aberto = self.gerencia.aberto(maquina_id)
        lista = self.gerencia.antes(maquina_id, desde_ms, 1)
        while True:
            pagina = self.gerencia.fechados(maquina_id, lista[-1]["inicio_ms"] + 1 if lista else desde_ms, ate_ms, PAGINA)
            lista += pagina
            if len(pagina) < PAGINA or (limite is not None and len(lista) > limite):
                break
        if parada_inteira:
            lista = self._antes_da_parada(maquina_id, lista) + lista + self._depois_da_parada(maquina_id, lista, ate_ms)
        if aberto is not None:
            lista += [aberto["anterior"]] if aberto.get("anterior") else []
            lista.append({**_operacao(aberto), "inicio_ms": aberto["inicio_ms"], "fim_ms": None})
        unicos = {intervalo["inicio_ms"]: intervalo for intervalo in lista}  # `anterior` may be stored already
        ordenados = [unicos[inicio] for inicio in sorted(unicos)]
        if not parada_inteira:
            ordenados = [intervalo for intervalo in ordenados if intervalo["inicio_ms"] < ate_ms
                         and (intervalo["fim_ms"] is None or intervalo["fim_ms"] > desde_ms)]
        return ordenados if limite is None else ordenados[:limite]

    def _antes_da_parada(self, maquina_id, lista) -> list:
        """The intervals before `lista`, back to the `iniciada` before the stop going on at its start."""
        antes = []
        while len(antes) < EXTENSAO_MAXIMA:
            primeiro = antes[0] if antes else (lista[0] if lista else None)
            if primeiro is None or primeiro["estado"] == "iniciada":
                return antes
            pagina = self.gerencia.antes(maquina_id, primeiro["inicio_ms"], PAGINA)  # newest first
            if not pagina:
                return antes
            for intervalo in pagina:
                antes.insert(0, intervalo)
                if intervalo["estado"] == "iniciada":
                    return antes
        return antes

    def _depois_da_parada(self, maquina_id, lista, ate_ms) -> list:
        """The closed intervals after `lista`, up to the `iniciada` that ends the stop going on at its end."""
        if lista and lista[-1]["estado"] == "iniciada":
            return []
        depois, desde_ms = [], (lista[-1]["inicio_ms"] + 1) if lista else ate_ms
        while len(depois) < EXTENSAO_MAXIMA:
            pagina = self.gerencia.fechados(maquina_id, desde_ms, FIM_DOS_TEMPOS_MS, PAGINA)
            for intervalo in pagina:
                depois.append(intervalo)
                if intervalo["estado"] == "iniciada":
                    return depois
            if len(pagina) < PAGINA:
                return depois
            desde_ms = pagina[-1]["inicio_ms"] + 1
        return depois


def recortar(intervalos, desde_ms, ate_ms, agora_ms) -> list:
    """The intervals cut to [desde, ate): the open one keeps `fim_ms` None when the range reaches now."""
    recortados = []
    for intervalo in intervalos:
        fim = intervalo["fim_ms"]
        if fim is None and ate_ms < agora_ms:
            fim = ate_ms
        inicio = max(intervalo["inicio_ms"], desde_ms)
        if fim is not None:
            fim = min(fim, ate_ms)
        if inicio < ate_ms and (fim is None or fim > inicio):
            recortados.append({**intervalo, "inicio_ms": inicio, "fim_ms": fim})
    return recortados


def em_ms(momento) -> int:
    return int(momento.timestamp() * 1000)


def data_de_ms(ms) -> datetime:
    """The aware UTC datetime of epoch ms."""
    return datetime.fromtimestamp(ms / 1000, timezone.utc)
