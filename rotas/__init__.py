"""HTTP routes: one blueprint per concern, registered by `registrar_blueprints`."""
from . import auth, comandos, conta, etiquetas, eventos, maquinas, paginas, registros, saude, telemetria


def registrar_blueprints(app):
    for modulo in (saude, auth, maquinas, telemetria, comandos, registros, eventos, paginas, conta, etiquetas):
        app.register_blueprint(modulo.bp)
