"""HTTP only: one blueprint per concern, the error envelope, the auth decorators, the id converter.

Importing the package loads nothing; `registrar_blueprints(app)` imports and registers them.
"""


def registrar_blueprints(app):
    from . import (alarmes, auth, comandos, conta, documentacao, etiquetas, eventos, maquinas, paginas, registros,
                   saude, telemetria)

    for modulo in (saude, auth, maquinas, telemetria, comandos, registros, alarmes, eventos, documentacao, paginas,
                   conta, etiquetas):
        app.register_blueprint(modulo.bp)
