"""The reusable parts of the OpenAPI description: JSON Schema helpers, bodies, the error envelope, auth schemes.

The schemas describe what the managers' `publico()` views and the routes really return
(tests/test_fuzz_api.py checks every answer against them), and take their bounds and
enumerations from nucleo/contrato.py, never from copies.
"""
from MongoDB.gerencia_notificacoes import SITUACAO_ENTREGUE, SITUACAO_FALHOU, SITUACAO_NOVA_TENTATIVA
from nucleo.contrato import (CANAIS_NOTIFICACAO, COMANDOS, ESTADOS_OPERACAO, ESTADOS_PARADA, IDIOMAS,
                             LIMITES_PARTIDA_PADRAO, LIMITES_SENSORES, MAXIMO_SEQUENCIA, SENSORES, SEVERIDADES)
from nucleo.utilizacao import CAMPOS as CAMPOS_UTILIZACAO
from nucleo.validacao import EPOCA_MS_MAXIMA
from werkzeug.http import HTTP_STATUS_CODES

from .seguranca import CABECALHO_CSRF, COOKIE_SESSAO

DATA = {"type": "string", "format": "date-time"}
ERROS = (400, 401, 403, 404, 409, 413, 415, 429, 503)


def ref(caminho) -> dict:
    return {"$ref": f"#/components/{caminho}"}


def texto(minimo=None, maximo=None, **extra) -> dict:
    esquema = {"type": "string", **extra}
    if minimo is not None:
        esquema["minLength"] = minimo
    if maximo is not None:
        esquema["maxLength"] = maximo
    return esquema


def nulo_ou(esquema) -> dict:
    """`esquema` or JSON null (OpenAPI 3.1 spells nullable as a type list)."""
    return {"anyOf": [esquema, {"type": "null"}]}


def lista_de(itens, minimo=None, maximo=None) -> dict:
    esquema = {"type": "array", "items": itens}
    if minimo is not None:
        esquema["minItems"] = minimo
    if maximo is not None:
        esquema["maxItems"] = maximo
    return esquema


def objeto(propriedades, obrigatorios=None, minimo=None) -> dict:
    """An object whose listed properties are all present in answers unless `obrigatorios` says which."""
    esquema = {"type": "object", "properties": propriedades,
               "required": list(propriedades) if obrigatorios is None else list(obrigatorios)}
    if minimo is not None:
        esquema["minProperties"] = minimo
    return esquema


def corpo(**propriedades) -> dict:
    """A request body whose fields are all required."""
    return objeto(propriedades)


def _sensores(esquema_de):
    return {sensor: esquema_de(sensor) for sensor in SENSORES}


_NUMERO = {"type": "number"}
_FAIXA_PARTIDA = lista_de(_NUMERO, 2, 2)
PREFERENCIAS = objeto({"fuso_horario": texto(), "idioma": {"enum": list(IDIOMAS)}, "tema": texto(),
                       "visao_painel": texto(), "agrupar_painel": texto()}, [])
REGISTRO = objeto({"registro_id": texto(), "descricao": texto(), "timestamp": DATA})
# A trip as a device reports it: reason, the value that tripped it, the limit it passed.
DESARME = objeto({"motivo": texto(), "valor": nulo_ou({"type": "number"}), "limite": nulo_ou({"type": "number"})})
TOTAIS = objeto({**{campo: {"type": "number", "minimum": 0} for campo in CAMPOS_UTILIZACAO},
                 "disponibilidade": nulo_ou({"type": "number", "minimum": 0, "maximum": 1})})
HORA = texto(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")

ESQUEMAS = {
    "Erro": objeto({"error": texto(), "message": texto(), "campo": texto()}, ["error", "message"]),
    "Usuario": objeto({"id": texto(), "nome_usuario": texto(), "empresa": texto(), "email": texto(),
                       "papel": {"enum": ["operador", "admin"]}, "versao_sessao": {"type": "integer"},
                       "preferencias": PREFERENCIAS}),
    "Preferencias": PREFERENCIAS,
    "Maquina": objeto({
        "id": texto(), "fabricante": texto(), "modelo": texto(), "nome_maquina": nulo_ou(texto()),
        "status": {"enum": list(ESTADOS_OPERACAO)}, "online": {"type": "boolean"},
        "last_heartbeat": nulo_ou(DATA),
        "ultima_leitura": nulo_ou(objeto({**_sensores(lambda _: _NUMERO), "timestamp": DATA})),
        "configuracoes": objeto({campo: _NUMERO for campo in LIMITES_PARTIDA_PADRAO}, []),
        "limites": objeto({campo: _FAIXA_PARTIDA for campo in LIMITES_PARTIDA_PADRAO}, []),
        "timeout_s": {"type": "integer", "minimum": 1}, "intervalo_s": nulo_ou(_NUMERO),
        "sem_dados_recentes": {"type": "boolean"}, "classe_vibracao": nulo_ou(texto()), "desarme": nulo_ou(DESARME),
        "linha": nulo_ou(texto()), "local": nulo_ou(texto()),
        # The machine's open alarms (active, or cleared unacknowledged), most severe first; its worst active one.
        "alarmes": lista_de(objeto({
            "alarme_id": texto(), "tipo": texto(), "sensor": nulo_ou(texto()), "severidade": {"enum": list(SEVERIDADES)},
            "estado": {"enum": ["ativo", "normalizado"]}, "reconhecido": {"type": "boolean"}, "inicio": DATA,
            "fim": nulo_ou(DATA), "ultimo_valor": nulo_ou(_NUMERO), "valor_pico": nulo_ou(_NUMERO),
            "limite": nulo_ou(_NUMERO)})),
        "severidade": nulo_ou({"enum": list(SEVERIDADES)}), "zona_vibracao": nulo_ou({"enum": ["A", "B", "C", "D"]})},
        ["id", "fabricante", "modelo", "nome_maquina", "status", "online", "last_heartbeat", "ultima_leitura",
         "configuracoes", "limites", "timeout_s", "intervalo_s", "sem_dados_recentes", "classe_vibracao", "desarme"]),
    "Regra": objeto({
        "sensor": {"enum": list(SENSORES)}, "maximo": nulo_ou(_NUMERO), "minimo": nulo_ou(_NUMERO),
        "duracao_s": nulo_ou({"type": "integer", "minimum": 0, "maximum": 86_400}),
        "leituras_seguidas": nulo_ou({"type": "integer", "minimum": 1, "maximum": 10_000}),
        "histerese": {"type": "number", "minimum": 0}, "severidade": {"enum": list(SEVERIDADES)}},
        ["sensor", "severidade"]),
    "RegrasDaMaquina": objeto({"regras": lista_de(ref("schemas/Regra")), "origem": {"enum": ["maquina", "modelo", "padrao"]},
                               "zonas_vibracao": lista_de(_NUMERO, 3, 3)}),
    "Alarme": objeto({
        "alarme_id": texto(), "maquina_id": texto(), "tipo": texto(), "sensor": nulo_ou(texto()),
        "severidade": {"enum": list(SEVERIDADES)}, "estado": {"enum": ["ativo", "normalizado"]},
        "reconhecido": {"type": "boolean"}, "reconhecido_em": nulo_ou(DATA), "reconhecido_por": nulo_ou(texto()),
        "nota": nulo_ou(texto()), "inicio": DATA, "fim": nulo_ou(DATA), "visto_em": nulo_ou(DATA),
        "limite": nulo_ou(_NUMERO), "valor_pico": nulo_ou(_NUMERO), "ultimo_valor": nulo_ou(_NUMERO),
        "contagem": {"type": "integer", "minimum": 1}}),
    "Previa": objeto({janela: objeto({"alarmes": {"type": "integer", "minimum": 0},
                                      "ativo_s": {"type": "integer", "minimum": 0}}) for janela in ("24h", "7d")}),
    "Comando": objeto({
        "comando_id": texto(), "comando": {"enum": list(COMANDOS)}, "parametros": {"type": "object"},
        "estado": {"enum": ["enviado", "confirmado", "expirado", "falhou", "desarmou"]}, "criado_em": DATA,
        "expira_em": DATA, "confirmado_em": nulo_ou(DATA),
        "desarme": nulo_ou({"allOf": [DESARME, objeto({"em": nulo_ou(DATA)})]})}),
    "LeituraEntrada": objeto({
        **_sensores(lambda sensor: {"type": "number", "minimum": LIMITES_SENSORES[sensor][0],
                                    "maximum": LIMITES_SENSORES[sensor][1]}),
        "ts": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": EPOCA_MS_MAXIMA}, DATA],
               "description": "epoch em ms ou ISO 8601 com fuso; no máximo 5 minutos no futuro, não antes de 2000"},
        "seq": {"type": "integer", "minimum": 0, "maximum": MAXIMO_SEQUENCIA}}, list(SENSORES)),
    "Leitura": objeto({"sensor_data_id": texto(), "timestamp": DATA, "recebido_em": nulo_ou(DATA),
                       "seq": nulo_ou({"type": "integer"}), "dados_sensor": objeto(_sensores(lambda _: _NUMERO))}),
    "LeituraRecebida": objeto({"message": texto(), "sensor_data_id": texto(), "duplicada": {"const": True}},
                              ["message", "sensor_data_id"]),
    "LoteRecebido": objeto({
        "message": texto(), "sensor_data_ids": lista_de(nulo_ou(texto())), "inseridas": {"type": "integer"},
        "duplicadas": {"type": "integer"},
        "recusadas": lista_de(objeto({"posicao": {"type": "integer"}, "campo": texto(), "message": texto()}))}),
    "Serie": objeto({
        "maquina_id": texto(), "desde": DATA, "ate": DATA, "fonte": {"enum": ["bruto", "minuto", "hora"]},
        "largura_s": _NUMERO,
        "pontos": lista_de(objeto({"t": DATA, "n": {"type": "integer"},
                                   **_sensores(lambda _: nulo_ou(objeto({"min": _NUMERO, "med": _NUMERO,
                                                                         "max": _NUMERO})))}))}),
    "Registro": REGISTRO,
    "Intervalo": objeto({"estado": {"enum": [*ESTADOS_OPERACAO, "offline"]}, "inicio": DATA, "fim": nulo_ou(DATA),
                         "motivo": nulo_ou(texto())}),
    "Utilizacao": objeto({"maquinas": lista_de({"allOf": [objeto({"maquina_id": texto(), "nome_maquina": nulo_ou(texto())}),
                                                          TOTAIS]}),
                          "planta": TOTAIS}),
    "Parada": objeto({
        "parada_id": texto(), "maquina_id": texto(), "nome_maquina": nulo_ou(texto()),
        "estado": {"enum": list(ESTADOS_PARADA)}, "desarme": nulo_ou(DESARME), "inicio": DATA, "fim": nulo_ou(DATA),
        "duracao_s": {"type": "number", "minimum": 0}, "motivo": nulo_ou(texto()), "nota": nulo_ou(texto()),
        "registro_id": nulo_ou(texto())}),
    "Pareto": objeto({"total_s": {"type": "number", "minimum": 0}, "motivos": lista_de(objeto({
        "motivo": nulo_ou(texto()), "total_s": {"type": "number", "minimum": 0},
        "contagem": {"type": "integer", "minimum": 1}, "fracao": {"type": "number", "minimum": 0, "maximum": 1}}))}),
    "Turno": objeto({"nome": texto(1, 20), "inicio": HORA, "fim": HORA}),
    # GET/PUT /api/auth/notifications (nucleo/notificacoes.py `ler`): the secret itself is never here.
    "Notificacoes": objeto({
        "webhook_url": nulo_ou(texto()), "webhook_segredo_definido": {"type": "boolean"}, "email": {"type": "boolean"},
        "email_disponivel": {"type": "boolean"}, "endereco_email": texto(),
        "severidade_minima": {"enum": list(SEVERIDADES)},
        "canais": objeto({canal: objeto({
            "ultimo_status": nulo_ou({"enum": [SITUACAO_ENTREGUE, SITUACAO_NOVA_TENTATIVA, SITUACAO_FALHOU]}),
            "ultimo_erro": nulo_ou(texto()), "ultimo_erro_em": nulo_ou(DATA), "ultimo_sucesso_em": nulo_ou(DATA)})
            for canal in CANAIS_NOTIFICACAO})}),
    # One Server-Sent Event of /api/eventos (`: ping` comments and `retry:` carry no event).
    "Evento": objeto({
        "event": {"enum": ["maquinas", "sessao"]},
        "data": {"type": "string", "contentMediaType": "application/json", "contentSchema": {"anyOf": [
            objeto({"maquinas": lista_de(ref("schemas/Maquina")), "removidas": lista_de(texto()),
                    "completo": {"type": "boolean"}}),
            {"const": "encerrada"}]}}}, ["event", "data"]),
    "Saude": objeto({
        "status": {"enum": ["healthy", "degraded"]}, "app": texto(),
        "banco": objeto({"estado": {"enum": ["ok", "indisponivel"]}, "tipo": texto(),
                         "reinicios": {"type": "integer", "minimum": 0}}, ["estado", "tipo"]),
        "mqtt": objeto({"estado": {"enum": ["conectado", "desconectado", "desativado"]}, "broker": texto(),
                        "embutido": {"type": "boolean"}}),
        "ingestao": objeto({"fila": {"type": "integer"}, "banco_disponivel": {"type": "boolean"}},
                           ["fila", "banco_disponivel"]) | {"additionalProperties": {"type": "integer"}},
        # Embedded store only: the last pass of the retention job (nucleo/retencao.py).
        "retencao": objeto({"execucao": nulo_ou(DATA), "duracao_s": nulo_ou({"type": "number"}),
                            "apagadas_brutas": {"type": "integer"}, "apagados_agregados": {"type": "integer"},
                            "apagados_alarmes": {"type": "integer"}, "apagadas_notificacoes": {"type": "integer"},
                            "intervalo_s": {"type": "integer"}, "atrasada_s": {"type": "number"}})},
        ["status", "app", "banco", "mqtt", "ingestao"]),
}

AUTENTICACAO = {
    "usuarioJWT": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                   "description": "token de POST /api/auth/login"},
    "sessaoCookie": {"type": "apiKey", "in": "cookie", "name": COOKIE_SESSAO,
                     "description": "cookie HttpOnly das páginas; escritas pedem também o cabeçalho CSRF"},
    "csrf": {"type": "apiKey", "in": "header", "name": CABECALHO_CSRF,
             "description": "token CSRF da sessão (meta csrf-token das páginas)"},
    "tokenDispositivo": {"type": "http", "scheme": "bearer",
                         "description": "token do dispositivo, mostrado uma vez ao criar a máquina"},
}

COMPONENTES = {
    "schemas": ESQUEMAS,
    "responses": {f"Erro{status}": {"description": HTTP_STATUS_CODES[status],
                                    "content": {"application/json": {"schema": ref("schemas/Erro")}}}
                  for status in ERROS},
    "securitySchemes": AUTENTICACAO,
}
