"""The OpenAPI 3.1 description of every /api/ route, built from the contract constants (nucleo/contrato.py).

Served by rotas/documentacao.py. tests/test_openapi.py keeps it equal to the URL map and
tests/test_fuzz_api.py holds every answer of the real app to it (statuses, bodies, media types),
so a route changed without its description fails the suite.
"""
from functools import lru_cache

from MongoDB.gerencia_agregados import PONTOS_MAXIMOS
from MongoDB.gerencia_telemetria import LIMITE_MAXIMO
from nucleo.contas import AGRUPAMENTOS_PAINEL, TEMAS, VISOES_PAINEL
from nucleo import paradas, turnos, utilizacao
from nucleo.contrato import IDIOMAS, LIMITES_PARTIDA_PADRAO, LOTE_MAXIMO, SEVERIDADES
from nucleo.destinos import URL_MAXIMA
from nucleo.validacao import ID_MAQUINA

from .openapi_esquemas import COMPONENTES, corpo, lista_de, nulo_ou, objeto, ref, texto

INSTANTE = {"type": "string", "description": "ISO 8601 com fuso (ex.: 2026-05-01T08:00:00-03:00) ou epoch em ms"}
USUARIO = [{"usuarioJWT": []}, {"sessaoCookie": []}]
USUARIO_ESCRITA = [{"usuarioJWT": []}, {"sessaoCookie": [], "csrf": []}]
DISPOSITIVO = [{"tokenDispositivo": []}]
PUBLICO = []


def _param(nome, onde, esquema, descricao="", obrigatorio=False):
    return {"name": nome, "in": onde, "required": obrigatorio or onde == "path", "schema": esquema,
            "description": descricao}


MAQUINA_ID = _param("maquina_id", "path", {"type": "string", "pattern": ID_MAQUINA.pattern},
                    "24 dígitos hexadecimais (maiúsculas ou minúsculas)")
DESDE_ATE = [_param("desde", "query", INSTANTE, "início do intervalo"), _param("ate", "query", INSTANTE, "fim do intervalo")]
ALARME_ID = _param("alarme_id", "path", {"type": "string", "pattern": ID_MAQUINA.pattern}, "24 dígitos hexadecimais")
SO_A_MAQUINA = _param("maquina_id", "query", {"type": "string", "pattern": ID_MAQUINA.pattern}, "só esta máquina")
FILTROS_ALARMES = [SO_A_MAQUINA,
                   _param("estado", "query", {"enum": ["ativo", "normalizado"]}),
                   _param("severidade", "query", {"enum": list(SEVERIDADES)}), *DESDE_ATE]


def _limite(padrao, maximo):
    return _param("limit", "query", {"type": "integer", "minimum": 1, "maximum": maximo, "default": padrao})


def _resposta(descricao, esquema=None, tipo="application/json"):
    resposta = {"description": descricao}
    if esquema is not None:
        resposta["content"] = {tipo: {"schema": esquema}}
    return resposta


def _operacao(resumo, seguranca, respostas, erros, corpo_json=None, parametros=(), etiqueta="api"):
    """One operation: its 2xx answers, and each error status as the shared envelope response."""
    operacao = {"summary": resumo, "tags": [etiqueta], "security": seguranca,
                "responses": {**{str(status): resposta for status, resposta in respostas.items()},
                              **{str(status): ref(f"responses/Erro{status}") for status in erros}}}
    if parametros:
        operacao["parameters"] = list(parametros)
    if corpo_json is not None:
        operacao["requestBody"] = {"required": True, "content": {"application/json": {"schema": corpo_json}}}
    return operacao


def _mensagem_e(**propriedades):
    return objeto({"message": texto(), **propriedades})


# Errors every route of a kind can give: a JSON body (400 malformed, 413 too large, 415 not JSON),
# a user session (401; 403 for a cookie without its CSRF token on writes).
CORPO = (400, 413, 415)
SESSAO = (401,)
SESSAO_ESCRITA = (401, 403)


def _caminhos():
    leitura = ref("schemas/LeituraEntrada")
    leitura_http = {"allOf": [leitura, objeto({"maquina_id": texto()}, ["maquina_id"])]}
    lote = objeto({"maquina_id": texto(), "leituras": lista_de(leitura, 1, LOTE_MAXIMO)}, ["maquina_id", "leituras"])
    maquina = objeto({"message": texto(), "maquina": ref("schemas/Maquina")})
    comando = objeto({"message": texto(), "comando": ref("schemas/Comando")})
    partida = objeto({campo: {"type": "number", "minimum": minimo, "maximum": maximo}
                      for campo, (minimo, maximo) in LIMITES_PARTIDA_PADRAO.items()}, list(LIMITES_PARTIDA_PADRAO))
    limites = objeto({campo: lista_de({"type": "number", "minimum": minimo, "maximum": maximo}, 2, 2)
                      for campo, (minimo, maximo) in LIMITES_PARTIDA_PADRAO.items()}, minimo=1)
    return {
        "/api/health": {"get": _operacao(
            "Saúde do app, do banco, do broker e contadores de ingestão", PUBLICO,
            {200: _resposta("saudável", ref("schemas/Saude")), 503: _resposta("degradado", ref("schemas/Saude"))},
            (), etiqueta="saude")},
        "/api/openapi.json": {"get": _operacao(
            "Esta descrição OpenAPI 3.1", PUBLICO, {200: _resposta("a descrição", {"type": "object"})}, (),
            etiqueta="documentacao")},
        "/api/docs": {"get": _operacao(
            "Página que mostra esta descrição (Swagger UI)", PUBLICO,
            {200: _resposta("página HTML", texto(), "text/html")}, (), etiqueta="documentacao")},
        "/api/auth/register": {"post": _operacao(
            "Criar conta de operador", PUBLICO, {201: _resposta("criada", _mensagem_e(usuario=ref("schemas/Usuario")))},
            CORPO + (409, 429), corpo(nome_usuario=texto(pattern=r"^[A-Za-z0-9_.-]{3,40}$"), senha=texto(8),
                                  empresa=texto(1, 120), email=texto(3, 254)), etiqueta="conta")},
        "/api/auth/login": {"post": _operacao(
            "Trocar usuário e senha por um JWT", PUBLICO,
            {200: _resposta("sessão aberta", objeto({"token": texto(), "user_id": texto(), "nome_usuario": texto()}))},
            CORPO + (401, 429), corpo(nome_usuario=texto(), senha=texto()), etiqueta="conta")},
        "/api/auth/logout": {"post": _operacao(
            "Encerrar esta sessão (os outros dispositivos continuam)", USUARIO_ESCRITA,
            {200: _resposta("encerrada", _mensagem_e())}, SESSAO_ESCRITA, etiqueta="conta")},
        "/api/auth/logout-all": {"post": _operacao(
            "Encerrar todas as sessões do usuário, em todos os dispositivos", USUARIO_ESCRITA,
            {200: _resposta("encerradas", _mensagem_e())}, SESSAO_ESCRITA, etiqueta="conta")},
        "/api/auth/me": {"get": _operacao(
            "O usuário e suas preferências", USUARIO, {200: _resposta("o usuário", objeto({"usuario": ref("schemas/Usuario")}))},
            SESSAO, etiqueta="conta")},
        "/api/auth/password": {"post": _operacao(
            "Trocar a senha (encerra as sessões)", USUARIO_ESCRITA, {200: _resposta("trocada", _mensagem_e())},
            CORPO + SESSAO_ESCRITA, corpo(senha_atual=texto(), senha_nova=texto(8)), etiqueta="conta")},
        "/api/auth/preferences": {"put": _operacao(
            "Fuso horário, idioma e tema das páginas", USUARIO_ESCRITA,
            {200: _resposta("salvas", objeto({"preferencias": ref("schemas/Preferencias")}))}, CORPO + SESSAO_ESCRITA,
            objeto({"fuso_horario": texto(1, 64), "idioma": {"enum": list(IDIOMAS)}, "tema": {"enum": list(TEMAS)},
                    "visao_painel": {"enum": list(VISOES_PAINEL)}, "agrupar_painel": {"enum": list(AGRUPAMENTOS_PAINEL)}}),
            etiqueta="conta")},
        "/api/machines": {
            "post": _operacao(
                "Reivindicar uma máquina por código + segredo ou pelo link do QR", USUARIO_ESCRITA,
                {201: _resposta("associada", maquina), 200: _resposta("já era sua", maquina)},
                CORPO + SESSAO_ESCRITA + (404, 409, 429),
                objeto({"codigo": texto(), "segredo": texto(), "link": texto(), "nome_maquina": texto(1, 80)},
                       ["nome_maquina"]), etiqueta="maquinas"),
            "get": _operacao("Minhas máquinas", USUARIO,
                             {200: _resposta("lista", objeto({"machines": lista_de(ref("schemas/Maquina"))}))},
                             SESSAO, etiqueta="maquinas")},
        "/api/machines/{maquina_id}": {
            "get": _operacao("Uma máquina minha", USUARIO, {200: _resposta("a máquina", objeto({"maquina": ref("schemas/Maquina")}))},
                             SESSAO + (404,), parametros=[MAQUINA_ID], etiqueta="maquinas"),
            "patch": _operacao("Ajustes do dono: nome, tempo até offline, classe de vibração, linha e local", USUARIO_ESCRITA,
                               {200: _resposta("ajustada", objeto({"maquina": ref("schemas/Maquina")}))},
                               CORPO + SESSAO_ESCRITA + (404,),
                               objeto({"nome_maquina": texto(1, 80), "timeout_s": nulo_ou({"type": "integer", "minimum": 5,
                                                                                           "maximum": 86_400}),
                                       "classe_vibracao": nulo_ou(texto()), "linha": nulo_ou(texto(0, 60)),
                                       "local": nulo_ou(texto(0, 60))}, [], minimo=1), [MAQUINA_ID], "maquinas"),
            "delete": _operacao("Liberar a máquina (histórico e QR continuam válidos)", USUARIO_ESCRITA,
                                {200: _resposta("liberada", _mensagem_e())}, SESSAO_ESCRITA + (404,),
                                parametros=[MAQUINA_ID], etiqueta="maquinas")},
        "/api/machines/{maquina_id}/alarm-rules": {
            "get": _operacao("As regras de alarme da máquina e de onde vêm (dela, do modelo ou padrão)", USUARIO,
                             {200: _resposta("regras", ref("schemas/RegrasDaMaquina"))}, SESSAO + (404,),
                             parametros=[MAQUINA_ID], etiqueta="alarmes"),
            "put": _operacao("Trocar as regras da máquina (`regras: null` volta às do modelo)", USUARIO_ESCRITA,
                             {200: _resposta("salvas", ref("schemas/RegrasDaMaquina"))}, CORPO + SESSAO_ESCRITA + (404,),
                             objeto({"regras": nulo_ou(lista_de(ref("schemas/Regra")))}), [MAQUINA_ID], "alarmes")},
        "/api/machines/{maquina_id}/alarm-rules/preview": {"post": _operacao(
            "O que uma regra teria feito nas últimas 24 h e 7 dias (pelos agregados guardados)", USUARIO_ESCRITA,
            {200: _resposta("prévia", ref("schemas/Previa"))}, CORPO + SESSAO_ESCRITA + (404,), ref("schemas/Regra"),
            [MAQUINA_ID], "alarmes")},
        "/api/alarms": {"get": _operacao(
            "Meus alarmes que começaram em desde..ate (7 dias por padrão), do mais novo ao mais antigo", USUARIO,
            {200: _resposta("alarmes", objeto({"alarmes": lista_de(ref("schemas/Alarme"))}))}, (400,) + SESSAO + (404,),
            parametros=FILTROS_ALARMES, etiqueta="alarmes")},
        "/api/alarms/export": {"get": _operacao(
            "Os mesmos alarmes em CSV", USUARIO, {200: _resposta("CSV com cabeçalho", texto(), "text/csv")},
            (400,) + SESSAO + (404,), parametros=FILTROS_ALARMES, etiqueta="alarmes")},
        "/api/alarms/{alarme_id}/ack": {"post": _operacao(
            "Reconhecer um alarme meu, com uma nota opcional", USUARIO_ESCRITA,
            {200: _resposta("reconhecido", objeto({"alarme": ref("schemas/Alarme")}))}, CORPO + SESSAO_ESCRITA + (404,),
            objeto({"nota": nulo_ou(texto(0, 500))}, []), [ALARME_ID], "alarmes")},
        "/api/admin/alarm-rules": {
            "get": _operacao("Administradores: regras padrão por fabricante/modelo", USUARIO,
                             {200: _resposta("modelos", objeto({"modelos": lista_de(objeto({
                                 "fabricante": texto(), "modelo": texto(), "regras": lista_de(ref("schemas/Regra"))}))}))},
                             SESSAO + (403,), etiqueta="admin"),
            "put": _operacao("Administradores: trocar as regras padrão de um fabricante/modelo", USUARIO_ESCRITA,
                             {200: _resposta("salvas", objeto({"fabricante": texto(), "modelo": texto(),
                                                               "regras": lista_de(ref("schemas/Regra"))}))},
                             CORPO + SESSAO_ESCRITA, objeto({"fabricante": texto(1, 80), "modelo": texto(1, 80),
                                                            "regras": lista_de(ref("schemas/Regra"))}), etiqueta="admin")},
        "/api/machines/{maquina_id}/start": {"post": _operacao(
            "Partir dentro dos limites da máquina", USUARIO_ESCRITA, {202: _resposta("comando enviado", comando)},
            CORPO + SESSAO_ESCRITA + (404, 409, 503), partida, [MAQUINA_ID], "comandos")},
        "/api/machines/{maquina_id}/stop": {"post": _operacao(
            "Parar", USUARIO_ESCRITA, {202: _resposta("comando enviado", comando)},
            SESSAO_ESCRITA + (404, 409, 503), parametros=[MAQUINA_ID], etiqueta="comandos")},
        "/api/machines/{maquina_id}/reset": {"post": _operacao(
            "Parar e voltar aos parâmetros padrão", USUARIO_ESCRITA, {202: _resposta("comando enviado", comando)},
            SESSAO_ESCRITA + (404, 409, 503), parametros=[MAQUINA_ID], etiqueta="comandos")},
        "/api/machines/{maquina_id}/commands": {"get": _operacao(
            "Comandos recentes e seu estado", USUARIO,
            {200: _resposta("lista", objeto({"comandos": lista_de(ref("schemas/Comando"))}))}, (400,) + SESSAO + (404,),
            parametros=[MAQUINA_ID, _limite(20, 100)], etiqueta="comandos")},
        "/api/admin/machines": {"post": _operacao(
            "Administradores: criar máquina e etiqueta (segredo e token só nesta resposta)", USUARIO_ESCRITA,
            {201: _resposta("criada", objeto({"maquina": ref("schemas/Maquina"), "segredo": texto(),
                                              "token_dispositivo": texto(), "link": texto(), "qrcode": texto()}))},
            CORPO + SESSAO_ESCRITA + (503,), corpo(fabricante=texto(1, 80), modelo=texto(1, 80)), etiqueta="admin")},
        "/api/admin/machines/{maquina_id}/limits": {"put": _operacao(
            "Administradores: estreitar os limites de partida", USUARIO_ESCRITA,
            {200: _resposta("limites salvos", objeto({"maquina": ref("schemas/Maquina")}))},
            CORPO + SESSAO_ESCRITA + (404,), limites, [MAQUINA_ID], "admin")},
        "/api/sensor-data": {"post": _operacao(
            f"Dispositivo: uma leitura, ou um lote de até {LOTE_MAXIMO} em `leituras`", DISPOSITIVO,
            {201: _resposta("recebida (ou lote recebido)", {"oneOf": [ref("schemas/LeituraRecebida"), ref("schemas/LoteRecebido")]}),
             200: _resposta("já recebida antes", ref("schemas/LeituraRecebida"))},
            CORPO + (401, 403, 404, 429, 503), {"oneOf": [leitura_http, lote]}, etiqueta="telemetria")},
        "/api/sensor-data/{maquina_id}": {"get": _operacao(
            "Leituras, da mais nova para a mais antiga", USUARIO,
            {200: _resposta("leituras", objeto({"maquina_id": texto(), "leituras": lista_de(ref("schemas/Leitura"))}))},
            (400,) + SESSAO + (404,), parametros=[MAQUINA_ID, _limite(100, LIMITE_MAXIMO), *DESDE_ATE],
            etiqueta="telemetria")},
        "/api/sensor-data/{maquina_id}/serie": {"get": _operacao(
            f"Série do gráfico: mínimo/média/máximo por intervalo, até {PONTOS_MAXIMOS} pontos", USUARIO,
            {200: _resposta("série", ref("schemas/Serie"))}, (400,) + SESSAO + (404,),
            parametros=[MAQUINA_ID, *DESDE_ATE, _param("pontos", "query", {"type": "integer", "minimum": 10,
                                                                          "maximum": PONTOS_MAXIMOS})],
            etiqueta="telemetria")},
        "/api/sensor-data/{maquina_id}/export": {"get": _operacao(
            "CSV das leituras de desde..ate (no máximo EXPORTACAO_DIAS_MAXIMOS dias), em fluxo", USUARIO,
            {200: _resposta("CSV com cabeçalho", texto(), "text/csv")}, (400,) + SESSAO + (404,),
            parametros=[MAQUINA_ID, *DESDE_ATE, _param("format", "query", {"enum": ["csv"]})], etiqueta="telemetria")},
        "/api/manual-log": {"post": _operacao(
            "Registrar manutenção manual", USUARIO_ESCRITA,
            {201: _resposta("salvo", {"allOf": [ref("schemas/Registro"), objeto({"message": texto()})]})},
            CORPO + SESSAO_ESCRITA + (404,), corpo(maquina_id=texto(), descricao=texto(1, 2000)), etiqueta="registros")},
        "/api/manual-log/{maquina_id}": {"get": _operacao(
            "Meus registros da máquina, do mais novo ao mais antigo", USUARIO,
            {200: _resposta("registros", objeto({"registros": lista_de(ref("schemas/Registro"))}))},
            SESSAO + (404,), parametros=[MAQUINA_ID], etiqueta="registros")},
        "/api/eventos": {"get": _operacao(
            "Server-Sent Events: o estado das minhas máquinas (ou de uma, com maquina_id) quando muda", USUARIO,
            {200: _resposta("fluxo text/event-stream; o esquema é o de cada evento", ref("schemas/Evento"),
                            "text/event-stream")}, (400,) + SESSAO + (404, 429, 503),
            parametros=[SO_A_MAQUINA], etiqueta="maquinas")},
    }


def _caminhos_da_planta():
    """State history, utilization, downtimes, and the owner's shifts and downtime reasons."""
    csv = _resposta("CSV com cabeçalho", texto(), "text/csv")
    turno = _param("turno", "query", texto(1, turnos.NOME_MAXIMO), "só as partes do período dentro deste turno")
    filtros_paradas = [_param("maquina_id", "query", {"type": "string", "pattern": ID_MAQUINA.pattern}), *DESDE_ATE]
    lista_turnos = objeto({"turnos": lista_de(ref("schemas/Turno"), 1, turnos.TURNOS_MAXIMOS)})
    lista_motivos = objeto({"motivos": lista_de(texto(1, paradas.MOTIVO_MAXIMO), 1, paradas.MOTIVOS_MAXIMOS)})
    rotulo = objeto({"motivo": nulo_ou(texto(1, paradas.MOTIVO_MAXIMO)), "nota": nulo_ou(texto(0, paradas.NOTA_MAXIMA)),
                     "registro_id": nulo_ou(texto())}, [])
    parada_id = _param("parada_id", "path", {"type": "string", "pattern": paradas.ID_PARADA.pattern},
                       "<id da máquina>-<início em epoch ms, 13 dígitos>")
    return {
        "/api/machines/{maquina_id}/states": {"get": _operacao(
            f"Intervalos de estado de desde..ate (hoje no meu fuso; até {utilizacao.DIAS_HISTORICO} dias), cortados "
            "nas bordas; o aberto tem fim null", USUARIO,
            {200: _resposta("intervalos", objeto({"intervalos": lista_de(ref("schemas/Intervalo"))}))},
            (400,) + SESSAO + (404,), parametros=[MAQUINA_ID, *DESDE_ATE], etiqueta="historico")},
        "/api/utilization": {"get": _operacao(
            "Segundos por estado e disponibilidade por máquina e da planta (hoje no meu fuso por padrão)", USUARIO,
            {200: _resposta("utilização", ref("schemas/Utilizacao"))}, (400,) + SESSAO,
            parametros=[*DESDE_ATE, turno], etiqueta="historico")},
        "/api/utilization/export": {"get": _operacao(
            "A mesma tabela em CSV (uma linha por máquina e a da planta)", USUARIO, {200: csv}, (400,) + SESSAO,
            parametros=[*DESDE_ATE, turno], etiqueta="historico")},
        "/api/downtimes": {"get": _operacao(
            "Minhas paradas acima de PARADA_MINIMA_S em desde..ate (7 dias por padrão), da mais nova à mais antiga",
            USUARIO, {200: _resposta("paradas", objeto({"paradas": lista_de(ref("schemas/Parada"))}))},
            (400,) + SESSAO + (404,), parametros=filtros_paradas, etiqueta="paradas")},
        "/api/downtimes/export": {"get": _operacao(
            "As mesmas paradas em CSV", USUARIO, {200: csv}, (400,) + SESSAO + (404,), parametros=filtros_paradas,
            etiqueta="paradas")},
        "/api/downtimes/pareto": {"get": _operacao(
            "Motivos pelo tempo parado em desde..ate (7 dias), do maior ao menor; sem motivo é `motivo: null`", USUARIO,
            {200: _resposta("pareto", ref("schemas/Pareto"))}, (400,) + SESSAO, parametros=DESDE_ATE,
            etiqueta="paradas")},
        "/api/downtimes/{parada_id}": {"put": _operacao(
            "Dar motivo (da minha lista; null tira), nota e registro de manutenção (meu, da máquina) a uma parada",
            USUARIO_ESCRITA, {200: _resposta("rotulada", objeto({"parada": ref("schemas/Parada")}))},
            CORPO + SESSAO_ESCRITA + (404,), rotulo, [parada_id], "paradas")},
        "/api/auth/shifts": {
            "get": _operacao("Meus turnos (A, B e C até eu escolher os meus)", USUARIO,
                             {200: _resposta("turnos", lista_turnos)}, SESSAO, etiqueta="conta"),
            "put": _operacao("Trocar meus turnos; fim <= início cruza a meia-noite", USUARIO_ESCRITA,
                             {200: _resposta("salvos", lista_turnos)}, CORPO + SESSAO_ESCRITA, lista_turnos,
                             etiqueta="conta")},
        "/api/auth/downtime-reasons": {
            "get": _operacao("Meus motivos de parada", USUARIO, {200: _resposta("motivos", lista_motivos)}, SESSAO,
                             etiqueta="conta"),
            "put": _operacao("Trocar meus motivos de parada", USUARIO_ESCRITA, {200: _resposta("salvos", lista_motivos)},
                             CORPO + SESSAO_ESCRITA, lista_motivos, etiqueta="conta")},
    }


def _caminhos_das_notificacoes():
    """Alarm notifications per user: settings and each channel's last delivery (docs/alarmes.md, "Notifications")."""
    ajustes = objeto({"webhook_url": nulo_ou(texto(0, URL_MAXIMA)), "email": {"type": "boolean"},
                      "severidade_minima": {"enum": list(SEVERIDADES)}, "gerar_novo_segredo": {"type": "boolean"}}, [])
    salvas = objeto({"notificacoes": ref("schemas/Notificacoes"),
                     "webhook_segredo": texto(description="só nesta resposta, quando um segredo novo foi gerado")},
                    ["notificacoes"])
    return {"/api/auth/notifications": {
        "get": _operacao("Minhas notificações de alarme e a última entrega de cada canal (nunca o segredo)", USUARIO,
                         {200: _resposta("ajustes", objeto({"notificacoes": ref("schemas/Notificacoes")}))}, SESSAO,
                         etiqueta="conta"),
        "put": _operacao("Trocar minhas notificações: webhook (http/https público), e-mail, severidade mínima; "
                         "o segredo do webhook vem uma vez", USUARIO_ESCRITA, {200: _resposta("salvas", salvas)},
                         CORPO + SESSAO_ESCRITA, ajustes, etiqueta="conta")}}


@lru_cache(maxsize=1)
def especificacao() -> dict:
    """The whole OpenAPI 3.1 document (built once per process: it depends on constants only)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "DataButcher API", "version": "1",
                 "description": "Monitoramento de máquinas industriais. Todo erro usa um envelope: "
                                "`{\"error\": <motivo HTTP>, \"message\": <detalhe>, \"campo\": <campo>}`; "
                                "a mensagem segue o idioma do usuário (pt-BR ou en)."},
        "paths": {**_caminhos(), **_caminhos_da_planta(), **_caminhos_das_notificacoes()},
        "components": COMPONENTES,
    }
