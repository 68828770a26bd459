"""gunicorn settings for DataButcher: `gunicorn -c gunicorn.conf.py -b 0.0.0.0:5000 'app:create_app()'`.

Why each one (measured by bench/fluxos.py, figures in README "Production" and docs/security.md):
- one worker: each process runs its own MQTT subscriber and writer thread;
- gthread with SSE_MAX_TOTAL + 64 threads: every open live stream holds a thread, and the app refuses
  streams beyond SSE_MAX_TOTAL, so 64 threads are always left for devices, the API and /api/health.
  (gevent also kept 200 streams from starving the rest, but bcrypt does not yield to its loop: every
  login froze every other request for ~235 ms.)
- LOG_FORMAT=json: gunicorn's own lines are JSON too, like the app's.
Command-line options still win over this file.
"""
from config import ler_configuracao

# Threads that live streams never take (the app refuses streams before reaching them).
THREADS_RESERVADAS = 64

_cfg = ler_configuracao()

workers = 1
worker_class = "gthread"
threads = _cfg["SSE_MAX_TOTAL"] + THREADS_RESERVADAS
bind = f"{_cfg['HOST']}:{_cfg['PORT']}"

if _cfg["LOG_FORMAT"] == "json":
    _json = {"class": "logging.StreamHandler", "formatter": "generic"}
    logconfig_dict = {
        # The root logger is left to the app (app.configurar_logs); gunicorn's loggers don't propagate to it.
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
        "handlers": {"console": {**_json, "stream": "ext://sys.stdout"},
                     "error_console": {**_json, "stream": "ext://sys.stderr"}},
        "formatters": {"generic": {"()": "nucleo.logs.FormatoJson"}},
    }
