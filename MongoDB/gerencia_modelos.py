"""Default alarm rules per manufacturer and model (`modelos`), set by admins; a machine without rules of its own uses them."""
from .gerencia_BD import MODELOS


def _chave(fabricante, modelo) -> str:
    return f"{fabricante.strip().casefold()}|{modelo.strip().casefold()}"


class GerenciaModelos:
    def __init__(self, bd):
        self.colecao = bd.colecao(MODELOS)

    def definir_regras(self, fabricante, modelo, regras):
        """Replace the default rules of `fabricante`/`modelo` (validated by nucleo/regras.py)."""
        self.colecao.update_one({"_id": _chave(fabricante, modelo)},
                                {"$set": {"fabricante": fabricante, "modelo": modelo, "regras": regras}}, upsert=True)

    def regras(self, fabricante, modelo):
        """The model's default rules, or None when the admins set none."""
        doc = self.colecao.find_one({"_id": _chave(fabricante, modelo)})
        return None if doc is None else doc["regras"]

    def listar(self) -> list:
        return [{"fabricante": d["fabricante"], "modelo": d["modelo"], "regras": d["regras"]}
                for d in self.colecao.find().sort("_id", 1)]
