"""The embedded default database: nx-27017 (MongoDB wire protocol on SQLite) behind a private Unix socket.

Used when no MONGO_URI is configured, so `python app.py` runs on a fresh machine and keeps its
data in DATA_DIR across restarts. nx-27017 has no authentication, so it is not put on a TCP port
at all: MongoDB/nx_unix.py serves it on a Unix socket in a folder only the app's user may enter
(0700), and DATA_DIR with the SQLite files are the owner's alone (0700 / 0600). No other user of
the host can connect, and nobody from the network.

The server is a child process: it is stopped with us, and the kernel kills it if we die
(PDEATHSIG). If it dies on its own, `reanimar()` (called periodically by the app, see
nucleo/tarefas.py) starts it again, with backoff, logged and counted in `reinicios`; the driver
reconnects by itself.
"""
import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote_plus

from .erros import BancoEmbutidoIndisponivel

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1
# A Unix socket path holds at most 107 bytes: a deeper DATA_DIR gets its socket in a private temp folder.
CAMINHO_SOCKET_MAXIMO = 100


def _morrer_com_o_pai():
    """Runs in the child before exec: ask Linux to SIGTERM it when the parent exits."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: we still stop it in parar()


def porta_livre(host="127.0.0.1") -> int:
    """Ask the kernel for a free TCP port on `host` (the app's HTTP port, the embedded MQTT broker's)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _atende(caminho) -> bool:
    """Whether a server accepts connections on the Unix socket `caminho`."""
    with socket.socket(socket.AF_UNIX) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(str(caminho)) == 0


def tornar_privado(pasta: Path):
    """DATA_DIR and everything the database keeps in it: 0700 folders, 0600 files (also for older folders)."""
    pasta.mkdir(parents=True, exist_ok=True)
    pasta.chmod(0o700)
    for arquivo in pasta.glob("databutcher.db*"):
        arquivo.chmod(0o600)


def socket_do_banco(pasta_dados, nome="nx-27017.sock") -> Path:
    """Where the embedded store of `pasta_dados` listens: DATA_DIR/run/, or a private temp folder if too deep."""
    caminho = Path(pasta_dados) / "run" / nome
    if len(str(caminho)) > CAMINHO_SOCKET_MAXIMO:
        caminho = Path(tempfile.mkdtemp(prefix="databutcher-nx-")) / nome  # mkdtemp makes it 0700
    caminho.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    caminho.parent.chmod(0o700)
    return caminho


class BancoEmbutido:
    """Start/stop one nx-27017 on the Unix socket `caminho_socket`; `caminho_banco` may be a file or 'memory'."""

    def __init__(self, caminho_banco, caminho_socket, pasta_logs):
        self.caminho_banco = str(caminho_banco)
        self.caminho_socket = Path(caminho_socket)
        self.pasta_logs = Path(pasta_logs)
        self.processo = None
        self.reinicios = 0
        self._parado = False
        self._proxima_tentativa = 0.0
        self._espera_s = 1.0

    @property
    def uri(self) -> str:
        return f"mongodb://{quote_plus(str(self.caminho_socket))}/"

    def iniciar(self, espera_max=20.0):
        """Start the server and wait until it accepts connections."""
        if _atende(self.caminho_socket):
            raise BancoEmbutidoIndisponivel(
                f"Outro DataButcher já usa o banco desta pasta de dados ({self.caminho_socket}): pare-o, "
                "ou use outra DATA_DIR (ou MONGO_URI para um servidor MongoDB)."
            )
        self._lancar(espera_max)
        return self

    def _lancar(self, espera_max):
        self.pasta_logs.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.caminho_banco != "memory":
            tornar_privado(Path(self.caminho_banco).parent)
        comando = [sys.executable, "-m", "MongoDB.nx_unix", "--db", self.caminho_banco,
                   "--socket", str(self.caminho_socket), "--log-file", str(self.pasta_logs / "nx-27017.log")]
        try:
            self.processo = subprocess.Popen(
                comando, cwd=Path(__file__).resolve().parent.parent, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_morrer_com_o_pai,
            )
        except FileNotFoundError:
            raise BancoEmbutidoIndisponivel("nx-27017 não está instalado: pip install -r requirements.txt") from None
        limite = time.monotonic() + espera_max
        while time.monotonic() < limite:
            if self.processo.poll() is not None:
                raise BancoEmbutidoIndisponivel(
                    f"nx-27017 terminou ao iniciar (código {self.processo.returncode}); veja {self.pasta_logs}/nx-27017.log"
                )
            if _atende(self.caminho_socket):
                log.info("Banco embutido nx-27017 no socket %s (dados: %s)", self.caminho_socket, self.caminho_banco)
                return
            time.sleep(0.05)
        self.processo.kill()
        raise BancoEmbutidoIndisponivel(f"nx-27017 não respondeu em {espera_max:.0f}s em {self.caminho_socket}")

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
