"""JSON text from outside (HTTP bodies, MQTT payloads) to Python values, whatever its nesting.

`json.loads` descends recursively: ten thousand `[` raise RecursionError, which is not a
ValueError, so it escaped Flask's `get_json(silent=True)` as a 500 and dropped whole MQTT
batches. `ler_json` gives exactly what `json.loads` gives for any document it can parse (the
fast path: one C call). Only when that overflows the stack, every value nested deeper than
PROFUNDIDADE_MAXIMA is cut out and replaced by ANINHADO_DEMAIS, which no validator accepts:
the reading or field that held it is refused by name and the rest of a batch is kept.
"""
import json
import re

# Our deepest document is a batch body: object → list → reading → value (four levels).
PROFUNDIDADE_MAXIMA = 32
# A string literal (escapes included) or a bracket: everything else is skipped by the regex engine.
_SIMBOLOS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_MARCA = "\u0000aninhado-demais"


class _AninhadoDemais:
    """Stands for a value nested too deep: neither text, number, list nor object, so every check refuses it."""

    def __repr__(self):
        return "<aninhado demais>"


ANINHADO_DEMAIS = _AninhadoDemais()


def ler_json(texto):
    """The value of a JSON document (str or bytes); ValueError when it is not JSON."""
    if isinstance(texto, (bytes, bytearray)):
        texto = texto.decode(json.detect_encoding(texto), "surrogatepass")
    try:
        return json.loads(texto)
    except RecursionError:
        podado = _podar(texto, PROFUNDIDADE_MAXIMA)
        return json.loads(podado, object_pairs_hook=_marcar)


def _marcar(pares):
    """object_pairs_hook: the placeholder object becomes ANINHADO_DEMAIS, any other object a dict."""
    if len(pares) == 1 and pares[0][0] == _MARCA:
        return ANINHADO_DEMAIS
    return dict(pares)


def _podar(texto, maximo):
    """`texto` with each array or object that opens deeper than `maximo` replaced by a placeholder object.

    One linear pass over brackets outside strings; unbalanced input stays unbalanced, so
    json.loads still refuses it as malformed.
    """
    partes, copiado, profundidade, inicio_corte = [], 0, 0, None
    for simbolo in _SIMBOLOS.finditer(texto):
        caractere = simbolo.group()[0]
        if caractere == '"':
            continue
        if caractere in "[{":
            profundidade += 1
            if profundidade == maximo + 1 and inicio_corte is None:
                inicio_corte = simbolo.start()
        else:
            if profundidade == maximo + 1 and inicio_corte is not None:
                partes.append(texto[copiado:inicio_corte])
                partes.append(json.dumps({_MARCA: 0}))
                copiado, inicio_corte = simbolo.end(), None
            profundidade -= 1
    partes.append(texto[copiado:] if inicio_corte is None else texto[copiado:inicio_corte])
    return "".join(partes)
