"""The embedded default database: an nx-27017 server (MongoDB wire protocol on SQLite).

Used when no MONGO_URI is configured, so `python app.py` runs on a fresh machine
and keeps its data in DATA_DIR across restarts. The server is a child process on
loopback: it is stopped with us, and the kernel kills it if we die (PDEATHSIG),
so no orphan keeps the port. If it dies on its own, `reanimar()` (called
periodically by the app, see nucleo/tarefas.py) starts it again, with backoff,
logged and counted in `reinicios`; the driver reconnects by itself.
"""
import ctypes
import logging
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .erros import BancoEmbutidoIndisponivel

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def _morrer_com_o_pai():
    """Runs in the child before exec: ask Linux to SIGTERM it when the parent exits."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: we still stop it in parar()


def porta_livre(host="127.0.0.1") -> int:
    """Ask the kernel for a free TCP port on `host`."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _porta_em_uso(host, porta) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, porta)) == 0


class BancoEmbutido:
    """Start/stop one nx-27017 server; `caminho_banco` may be a file or 'memory'."""

    def __init__(self, caminho_banco, porta, pasta_logs, host="127.0.0.1"):
        self.caminho_banco = str(caminho_banco)
        self.porta = porta
        self.host = host
        self.pasta_logs = Path(pasta_logs)
        self.processo = None
        self.reinicios = 0
        self._parado = False
        self._proxima_tentativa = 0.0
        self._espera_s = 1.0

    @property
    def uri(self) -> str:
        return f"mongodb://{self.host}:{self.porta}/"

    def iniciar(self, espera_max=20.0):
        """Start the server and wait until it accepts connections."""
        if _porta_em_uso(self.host, self.porta):
            raise BancoEmbutidoIndisponivel(
                f"A porta {self.porta} já está em uso: outro DataButcher ou MongoDB está rodando? "
                "Pare-o ou defina EMBEDDED_MONGO_PORT (ou MONGO_URI para um servidor MongoDB)."
            )
        self._lancar(espera_max)
        return self

    def _lancar(self, espera_max):
        self.pasta_logs.mkdir(parents=True, exist_ok=True)
        if self.caminho_banco != "memory":
            Path(self.caminho_banco).parent.mkdir(parents=True, exist_ok=True)
        executavel = Path(sys.executable).with_name("nx-27017")
        comando = [str(executavel) if executavel.exists() else "nx-27017",
                   "--db", self.caminho_banco, "--host", self.host, "-p", str(self.porta),
                   "--pid-file", str(self.pasta_logs / f"nx-27017-{self.porta}.pid"),
                   "--log-file", str(self.pasta_logs / "nx-27017.log")]
        try:
            self.processo = subprocess.Popen(
                comando, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                preexec_fn=_morrer_com_o_pai,
            )
        except FileNotFoundError:
            raise BancoEmbutidoIndisponivel("nx-27017 não está instalado: pip install -r requirements.txt") from None
        limite = time.monotonic() + espera_max
        while time.monotonic() < limite:
            if self.processo.poll() is not None:
                raise BancoEmbutidoIndisponivel(
                    f"nx-27017 terminou ao iniciar (código {self.processo.returncode}); veja {self.pasta_logs}/nx-27017.log"
                )
            if _porta_em_uso(self.host, self.porta):
                log.info("Banco embutido nx-27017 em %s (dados: %s)", self.uri, self.caminho_banco)
                return
            time.sleep(0.05)
        self.processo.kill()
        raise BancoEmbutidoIndisponivel(f"nx-27017 não respondeu em {espera_max:.0f}s na porta {self.porta}")

    def reanimar(self, espera_maxima_s=30.0) -> bool:
        """Start the server again if it exited without being asked to; True when it did.

        Called every half second or so; after a failed start it waits 1, 2, 4 ... 30 s before trying again.
        """
        if self._parado or self.processo is None or self.processo.poll() is None:
            return False
        if not self._proxima_tentativa:  # just found dead: the first try after a second (no tight crash loop)
            log.error("Banco embutido nx-27017 terminou (código %s); reiniciando em %.0f s",
                      self.processo.returncode, self._espera_s)
            self._proxima_tentativa = time.monotonic() + self._espera_s
            return False
        if time.monotonic() < self._proxima_tentativa:
            return False
        try:
            self._lancar(20.0)
        except BancoEmbutidoIndisponivel as erro:
            self._espera_s = min(self._espera_s * 2, espera_maxima_s)
            log.error("Falha ao reiniciar o banco embutido (nova tentativa em %.0f s): %s", self._espera_s, erro)
            self._proxima_tentativa = time.monotonic() + self._espera_s
            return False
        self.reinicios += 1
        self._espera_s, self._proxima_tentativa = 1.0, 0.0
        log.warning("Banco embutido nx-27017 reiniciado (%d reinícios)", self.reinicios)
        return True

    def parar(self):
        """Stop the server gracefully (SQLite checkpoints on SIGTERM), then kill if it hangs."""
        self._parado = True
        if self.processo is None or self.processo.poll() is not None:
            return
        self.processo.terminate()
        try:
            self.processo.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.processo.kill()
            self.processo.wait(timeout=5)
        log.info("Banco embutido parado")
