"""gunicorn settings for DataButcher: `gunicorn -c gunicorn.conf.py -b 0.0.0.0:5000 'app:create_app()'`.

Why each one (measured by bench/fluxos.py, figures in README "Production" and docs/security.md):
- one worker: each process runs its own MQTT subscriber and writer thread;
- gthread with SSE_MAX_TOTAL + 64 threads: every open live stream holds a thread, and the app refuses
  streams beyond SSE_MAX_TOTAL, so 64 threads are always left for devices, the API and /api/health.
  (gevent also kept 200 streams from starving the rest, but bcrypt does not yield to its loop: every
  login froze every other request for ~235 ms.)
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
