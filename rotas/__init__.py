"""HTTP only: one blueprint per concern, the error envelope, the auth decorators, the id converter.

Importing the package loads nothing; `registrar_blueprints(app)` imports and registers them.
"""


def registrar_blueprints(app):
    from . import (alarmes, auth, comandos, conta, documentacao, etiquetas, eventos, historico, maquinas, paginas,
                   paradas, planta, registros, saude, telemetria)

    for modulo in (saude, auth, maquinas, telemetria, comandos, registros, alarmes, eventos, documentacao, paginas,
                   conta, etiquetas, historico, paradas, planta):
        app.register_blueprint(modulo.bp)
