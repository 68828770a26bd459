"""Reading request input at the edge: JSON bodies and query parameters, validated once."""
import re

from flask import request

from MongoDB.erros import CorpoNaoJson, DadosInvalidos
from nucleo import validacao
from nucleo.json_entrada import ANINHADO_DEMAIS, PROFUNDIDADE_MAXIMA, ler_json

INTEIRO_ASCII = re.compile(r"[0-9]{1,16}", re.ASCII)  # str.isdigit() also says yes to '²'


def corpo_json(aceitar_lista=False):
    """The JSON body as a dict (or list when allowed): 415 if not JSON, 400 if malformed."""
    if not request.is_json:
        raise CorpoNaoJson()
    try:
        # Not get_json(): the same reader as MQTT, safe against JSON nested thousands deep.
        dados = ler_json(request.get_data(cache=True))
    except ValueError:
        dados = None
    if dados is None:
        raise DadosInvalidos("json_malformado")
    if dados is ANINHADO_DEMAIS:
        raise DadosInvalidos("json_aninhado_demais", maximo=PROFUNDIDADE_MAXIMA)
    if isinstance(dados, list) and aceitar_lista:
        return dados
    if not isinstance(dados, dict):
        raise DadosInvalidos("corpo_nao_objeto")
    return dados


def parametro_inteiro(nome, padrao, minimo, maximo):
    """An integer query parameter within bounds, else 400 naming it."""
    bruto = request.args.get(nome)
    if bruto is None or bruto == "":
        return padrao
    if not INTEIRO_ASCII.fullmatch(bruto.lstrip("-")):
        raise DadosInvalidos("parametro_inteiro", nome)
    valor = int(bruto)
    if not minimo <= valor <= maximo:
        raise DadosInvalidos("parametro_fora_da_faixa", nome, minimo=minimo, maximo=maximo)
    return valor


def parametro_instante(nome):
    """An ISO 8601 (with offset) or epoch-ms query parameter as aware UTC, or None."""
    bruto = request.args.get(nome)
    if bruto is None or bruto == "":
        return None
    valor = int(bruto) if INTEIRO_ASCII.fullmatch(bruto) else bruto
    return validacao.instante(valor, nome, limitar_futuro=False)


def intervalo(padrao_desde, padrao_ate, permitir_iguais=True):
    """(desde, ate) from the query, each defaulting to a function of the other; 400 if reversed."""
    ate = parametro_instante("ate") or padrao_ate()
    desde = parametro_instante("desde") or padrao_desde(ate)
    if desde > ate or (desde == ate and not permitir_iguais):
        raise DadosInvalidos("desde_depois_de_ate", "desde")
    return desde, ate
