"""URL converters: a machine id is checked and normalised once, where it enters the URL.

`/api/machines/<id_maquina:maquina_id>` matches 24 hex digits in any case and hands the view
the lower-case form every key is built from; anything else is no route at all (404), so the
upper-case id answers exactly like the lower-case one.
"""
from werkzeug.routing import BaseConverter

from nucleo.paradas import ID_PARADA
from nucleo.validacao import ID_MAQUINA


class IdMaquina(BaseConverter):
    regex = ID_MAQUINA.pattern.strip("^$")

    def to_python(self, valor):
        return valor.lower()

    def to_url(self, valor):
        return str(valor).lower()


class IdParada(IdMaquina):
    """A downtime is named by its machine and start ms: `/api/downtimes/export` is then no downtime's name."""

    regex = ID_PARADA.pattern.strip("^$")


def registrar_conversores(app):
    app.url_map.converters["id_maquina"] = IdMaquina
    app.url_map.converters["id_alarme"] = IdMaquina  # an alarm id is an ObjectId too: same rule
    app.url_map.converters["id_parada"] = IdParada
