"""`GET /metrics`: the process's figures in the Prometheus text format, for whoever holds METRICS_TOKEN.

Without METRICS_TOKEN set the route does not exist (404); with it, only
`Authorization: Bearer <METRICS_TOKEN>` is answered (401 otherwise). Values are read at scrape
time from what the process already keeps: the ingest counters of /api/health, the writer's
queue, the open live streams and the MQTT connection. Each app has its own registry.
"""
import hmac

from flask import Blueprint, Response, abort, current_app
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from MongoDB.erros import NaoAutenticado
from mqtt.adaptador import estado_mqtt
from nucleo.contrato import SEVERIDADES

from .seguranca import token_bearer

bp = Blueprint("metricas", __name__)

def alarmes_ativos(servicos) -> dict:
    """{severidade: active alarms} over the plant, every severity present (0 when none)."""
    return dict.fromkeys(SEVERIDADES, 0) | servicos.alarmes.ativos_por_severidade()


class ColetorDataButcher:
    """Reads the figures of one app when Prometheus scrapes."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        s, cfg = self.app.extensions["databutcher"], self.app.config
        ingestao = CounterMetricFamily(
            "databutcher_ingestao", "Leituras e mensagens por desfecho (os contadores de /api/health: gravadas, "
            "duplicadas, recusadas, descartadas*, fila_cheia, perdidas_erro_banco...)", labels=["evento"])
        for evento, valor in sorted(s.contadores.como_dict().items()):
            ingestao.add_metric([evento], valor)
        yield ingestao
        yield GaugeMetricFamily("databutcher_fila_gravacao", "Pedidos na fila do gravador", value=s.gravador.pendentes())
        yield GaugeMetricFamily("databutcher_fila_gravacao_capacidade", "Capacidade da fila do gravador (FILA_GRAVACAO)",
                                value=s.gravador.fila.maxsize)
        yield GaugeMetricFamily("databutcher_fluxos_abertos", "Fluxos /api/eventos abertos neste processo",
                                value=self.app.extensions["fluxos_ao_vivo"].abertos())
        yield GaugeMetricFamily("databutcher_fluxos_maximo", "Máximo de fluxos abertos (SSE_MAX_TOTAL)",
                                value=cfg["SSE_MAX_TOTAL"])
        alarmes = GaugeMetricFamily("databutcher_alarmes_ativos", "Alarmes ativos por severidade", labels=["severidade"])
        for severidade, quantidade in alarmes_ativos(s).items():
            alarmes.add_metric([severidade], quantidade)
        yield alarmes
        yield GaugeMetricFamily("databutcher_mqtt_conectado", "1 com o assinante MQTT conectado ao broker",
                                value=1 if estado_mqtt(self.app)["estado"] == "conectado" else 0)


def registrar_metricas(app):
    registro = CollectorRegistry(auto_describe=False)
    registro.register(ColetorDataButcher(app))
    app.extensions["metricas"] = registro
    app.register_blueprint(bp)


@bp.get("/metrics")
def metricas():
    esperado = current_app.config.get("METRICS_TOKEN")
    if not esperado:
        abort(404)
    if not hmac.compare_digest((token_bearer() or "").encode(), esperado.encode()):
        raise NaoAutenticado("token_ausente")
    return Response(generate_latest(current_app.extensions["metricas"]), content_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})
