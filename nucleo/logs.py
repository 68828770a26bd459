"""Log lines as JSON (LOG_FORMAT=json), one object per line, for log collectors; plain text otherwise.

Used by the app (app.configurar_logs) and by gunicorn's own logs (gunicorn.conf.py); the console
keeps plain text for the person at the terminal.
"""
import json
import logging
from datetime import datetime, timezone

FORMATO_TEXTO = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class FormatoJson(logging.Formatter):
    """{"ts", "nivel", "logger", "mensagem"[, "excecao"]}: the time in UTC ISO 8601 with offset."""

    def format(self, registro):
        linha = {
            "ts": datetime.fromtimestamp(registro.created, timezone.utc).isoformat(timespec="milliseconds"),
            "nivel": registro.levelname,
            "logger": registro.name,
            "mensagem": registro.getMessage(),
        }
        if registro.exc_info:
            linha["excecao"] = self.formatException(registro.exc_info)
        return json.dumps(linha, ensure_ascii=False)


def formatador(formato) -> logging.Formatter:
    """The formatter of LOG_FORMAT ("text" or "json")."""
    return FormatoJson() if formato == "json" else logging.Formatter(FORMATO_TEXTO)
