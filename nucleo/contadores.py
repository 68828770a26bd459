"""Thread-safe counts of what happened to incoming data (stored, duplicates, refusals), shown in /api/health."""
import threading
from collections import Counter


class Contadores:
    def __init__(self):
        self._contagem = Counter()
        self._trava = threading.Lock()

    def contar(self, chave, quantidade=1):
        with self._trava:
            self._contagem[chave] += quantidade

    def valor(self, chave) -> int:
        with self._trava:
            return self._contagem[chave]

    def como_dict(self) -> dict:
        with self._trava:
            return dict(self._contagem)
