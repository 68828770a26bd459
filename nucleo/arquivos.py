"""Files that hold secrets (the development keys, QR labels with their claim secret, the simulator's tokens).

Each is readable by its owner only from its first byte: written to a new temporary file that
`tempfile.mkstemp` creates with mode 0600 and O_EXCL, then given its name in one step. Never
`os.open(..., O_CREAT)` on a name that may already exist (an existing file keeps its old mode) and
never a chmod after writing (the content would be readable until then).
"""
import os
import tempfile
from pathlib import Path


def gravar_privado(caminho, conteudo, substituir=True) -> bool:
    """Write `conteudo` (str or bytes) to `caminho` with mode 0600; True when written.

    `substituir=False` never overwrites: the name is taken with os.link, which fails when the file
    exists (another process was first), and then nothing is written and False comes back.
    """
    caminho = Path(caminho)
    # A folder made here is the owner's alone (0700); an existing folder keeps its mode.
    caminho.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descritor, temporario = tempfile.mkstemp(dir=caminho.parent, prefix=f".{caminho.name}.", suffix=".tmp")
    try:
        with os.fdopen(descritor, "wb") as saida:
            saida.write(conteudo.encode() if isinstance(conteudo, str) else conteudo)
        if substituir:
            os.replace(temporario, caminho)
            return True
        try:
            os.link(temporario, caminho)
        except FileExistsError:
            return False
        return True
    finally:
        if os.path.exists(temporario):
            os.unlink(temporario)
