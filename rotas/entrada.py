"""Reading request input at the edge: JSON bodies and query parameters, validated once."""
from flask import abort, request

from MongoDB import validacao
from MongoDB.erros import DadosInvalidos


def corpo_json(aceitar_lista=False):
    """The JSON body as a dict (or list when allowed): 415 if not JSON, 400 if malformed."""
    if not request.is_json:
        abort(415)
    dados = request.get_json(silent=True)
    if dados is None:
        abort(400, "JSON malformado ou vazio")
    if isinstance(dados, list) and aceitar_lista:
        return dados
    if not isinstance(dados, dict):
        abort(400, "O corpo deve ser um objeto JSON")
    return dados


def parametro_inteiro(nome, padrao, minimo, maximo):
    """An integer query parameter within bounds, else 400 naming it."""
    bruto = request.args.get(nome)
    if bruto is None or bruto == "":
        return padrao
    try:
        valor = int(bruto)
    except ValueError:
        raise DadosInvalidos(f"O parâmetro '{nome}' deve ser um número inteiro", nome) from None
    if not minimo <= valor <= maximo:
        raise DadosInvalidos(f"O parâmetro '{nome}' deve estar entre {minimo} e {maximo}", nome)
    return valor


def parametro_instante(nome):
    """An ISO 8601 (with offset) or epoch-ms query parameter as aware UTC, or None."""
    bruto = request.args.get(nome)
    if bruto is None or bruto == "":
        return None
    valor = int(bruto) if bruto.isdigit() else bruto
    return validacao.instante(valor, nome, limitar_futuro=False)
