"""Contrato entre o firmware do ESP32 (firmware/) e o servidor DataButcher.

Nenhum hardware é necessário: o sketch é lido como texto e as constantes,
tópicos, chaves JSON, estados e comandos que ele usa são comparados com o que
o servidor aceita.
"""

import json
import re
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[1]
if str(RAIZ) not in sys.path:
    sys.path.insert(0, str(RAIZ))

from nucleo.contrato import CHAVES_STATUS, COMANDOS, ESTADOS_ACEITOS, LIMITES_SENSORES, MOTIVOS_DESARME  # noqa: E402
from nucleo.validacao import validar_estado  # noqa: E402

FIRMWARE = RAIZ / "firmware"
PREFIXO_TOPICO = "databutcher"
SUFIXOS_ESPERADOS = {"telemetria", "status", "comandos"}
CHAVES_EXTRAS_TELEMETRIA = {"ts", "seq"}
PARAMETROS_ESPERADOS = {"voltagem", "velocidade", "temperatura"}
TIMEOUT_HEARTBEAT_SERVIDOR_MS = 45_000
TOKEN_MARCADOR = "COLE_AQUI_O_TOKEN_DO_DISPOSITIVO"

# Literal de string C (com escapes) ou identificador.
_LITERAL = r'"(?:[^"\\]|\\.)*"'
_ARG = rf"(?:{_LITERAL}|[A-Za-z_]\w*)"


# --------------------------------------------------------------------------
# Leitura do código C++
# --------------------------------------------------------------------------

def _sem_comentarios(codigo: str) -> str:
    """Remove comentários // e /* */ sem mexer em literais de string."""
    padrao = re.compile(rf'{_LITERAL}|//[^\n]*|/\*.*?\*/', re.S)
    return padrao.sub(lambda m: m.group(0) if m.group(0).startswith('"') else " ", codigo)


def _decodificar_literal(literal: str) -> str:
    corpo = literal[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), corpo)


@pytest.fixture(scope="module")
def sketch() -> str:
    return _sem_comentarios((FIRMWARE / "sketch.ino").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def config_h() -> str:
    return _sem_comentarios((FIRMWARE / "config.h").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def constantes(sketch, config_h) -> dict:
    """Constantes de string do sketch e os #define de string do config.h."""
    tabela = {}
    for nome, literal in re.findall(
        rf"\bconst\s+char\s+(\w+)\s*\[\s*\]\s*=\s*({_LITERAL})\s*;", sketch
    ):
        tabela[nome] = _decodificar_literal(literal)
    for nome, literal in re.findall(rf"^\s*#define\s+(\w+)\s+({_LITERAL})", config_h, re.M):
        tabela[nome] = _decodificar_literal(literal)
    return tabela


def _resolver(argumento: str, constantes: dict) -> str:
    argumento = argumento.strip()
    if argumento.startswith('"'):
        return _decodificar_literal(argumento)
    assert argumento in constantes, f"não sei o valor de {argumento!r} no sketch"
    return constantes[argumento]


def _corpo_da_funcao(codigo: str, nome: str) -> str:
    achado = re.search(rf"\b{nome}\s*\([^)]*\)\s*\{{", codigo)
    assert achado, f"função {nome}() não encontrada no sketch"
    profundidade, inicio = 1, achado.end()
    for pos in range(inicio, len(codigo)):
        if codigo[pos] == "{":
            profundidade += 1
        elif codigo[pos] == "}":
            profundidade -= 1
            if profundidade == 0:
                return codigo[inicio:pos]
    raise AssertionError(f"chaves desbalanceadas em {nome}()")


def _argumentos_das_chamadas(codigo: str, chamada: str) -> list:
    """Lista de argumentos (texto, separados por vírgula) de cada chamada."""
    resultado = []
    for achado in re.finditer(rf"(?<![\w.]){re.escape(chamada)}\s*\(", codigo):
        pos, profundidade, atual, args = achado.end(), 1, "", []
        while profundidade:
            c = codigo[pos]
            if c == '"':
                literal = re.match(_LITERAL, codigo[pos:]).group(0)
                atual += literal
                pos += len(literal)
                continue
            if c == "(":
                profundidade += 1
            elif c == ")":
                profundidade -= 1
                if profundidade == 0:
                    break
            if c == "," and profundidade == 1:
                args.append(atual.strip())
                atual = ""
            else:
                atual += c
            pos += 1
        args.append(atual.strip())
        resultado.append(args)
    return resultado


# --------------------------------------------------------------------------
# (a) tópicos
# --------------------------------------------------------------------------

def test_topicos_seguem_databutcher_id_da_maquina_sufixo_sem_barra_inicial(sketch, constantes):
    definicao = re.search(
        rf"montarTopico\s*\(\s*char\s*\*\s*\w+\s*,\s*size_t\s+\w+\s*,\s*const\s+char\s*\*\s*(\w+)\s*\)",
        sketch,
    )
    assert definicao, "o sketch deve montar os tópicos em montarTopico(destino, tamanho, sufixo)"
    parametro_sufixo = definicao.group(1)

    chamadas = _argumentos_das_chamadas(_corpo_da_funcao(sketch, "montarTopico"), "snprintf")
    assert len(chamadas) == 1, "montarTopico() deve montar o tópico com um único snprintf"
    formato, *partes = chamadas[0][2:]
    formato = _decodificar_literal(formato)
    assert formato.count("%s") == len(partes) and "%" not in formato.replace("%s", "")

    machine_id = constantes.get("MACHINE_ID")
    assert machine_id and re.fullmatch(r"[0-9a-f]{24}", machine_id), \
        "MACHINE_ID em config.h deve ser um ObjectId (24 hexadecimais)"

    valores = ["<sufixo>" if p == parametro_sufixo else _resolver(p, constantes) for p in partes]
    topico = formato.replace("%s", "{}").format(*valores)

    assert not topico.startswith("/"), f"tópico com barra inicial: {topico}"
    assert topico.split("/") == [PREFIXO_TOPICO, machine_id, "<sufixo>"], topico


def test_sketch_usa_exatamente_os_sufixos_telemetria_status_e_comandos(sketch, constantes):
    chamadas = [
        args for args in _argumentos_das_chamadas(sketch, "montarTopico") if len(args) == 3
        and not args[0].startswith("char")
    ]
    sufixos = {_resolver(args[2], constantes) for args in chamadas}
    assert sufixos == SUFIXOS_ESPERADOS
    for sufixo in sufixos:
        assert "/" not in sufixo and sufixo.strip() == sufixo


# --------------------------------------------------------------------------
# (b) telemetria
# --------------------------------------------------------------------------

def test_sketch_publica_as_chaves_que_o_servidor_aceita(sketch, constantes):
    corpo = _corpo_da_funcao(sketch, "publicarTelemetria")
    chaves = {
        _resolver(arg, constantes)
        for arg in re.findall(rf"\bdoc\s*\[\s*({_ARG})\s*\]\s*=(?!=)", corpo)
    }
    assert "seq" in chaves, "a telemetria deve levar o contador seq"
    assert chaves - CHAVES_EXTRAS_TELEMETRIA == set(LIMITES_SENSORES)


def test_telemetria_vai_para_o_topico_de_telemetria_sem_retain(sketch):
    corpo = _corpo_da_funcao(sketch, "publicarTelemetria")
    publicacoes = _argumentos_das_chamadas(corpo, "mqtt.publish")
    assert publicacoes, "publicarTelemetria() não publica nada"
    for args in publicacoes:
        assert args[0] == "topicoTelemetria"
        assert len(args) == 2 or args[2] == "false", "telemetria não deve ser retida"
    setup = _corpo_da_funcao(sketch, "setup")
    assert re.search(r"montarTopico\s*\(\s*topicoTelemetria\s*,[^;]*SUFIXO_TELEMETRIA\s*\)", setup)


# --------------------------------------------------------------------------
# (c) status
# --------------------------------------------------------------------------

def test_sketch_so_publica_estados_que_o_servidor_aceita(sketch, constantes):
    estados = set()
    for args in _argumentos_das_chamadas(sketch, "publicarStatus"):
        if args[0].startswith("const"):
            continue  # a própria definição da função
        encontrados = [
            _resolver(token, constantes)
            for token in re.findall(_ARG, args[0])
            if token.startswith('"') or token in constantes
        ]
        assert encontrados, f"não consegui saber qual estado publicarStatus({args[0]}) envia"
        estados.update(encontrados)

    lwt = json.loads(constantes["PAYLOAD_LWT"])
    estados.add(lwt["state"])

    assert estados <= set(ESTADOS_ACEITOS)
    # O sketch anuncia presença (online/offline) e o estado da máquina, desarme incluído.
    assert estados == {"iniciada", "parada", "desarmada", "online", "offline"}


def test_status_e_publicado_retido_no_topico_de_status_com_as_chaves_que_o_servidor_le(sketch, constantes):
    corpo = _corpo_da_funcao(sketch, "publicarStatus")
    chaves = {
        _resolver(arg, constantes)
        for arg in re.findall(rf"\bdoc\s*\[\s*({_ARG})\s*\]\s*(?:=(?!=)|\.to<)", corpo)
    }
    assert chaves == set(CHAVES_STATUS)
    parametros = {_resolver(arg, constantes) for arg in re.findall(rf"\bparams\s*\[\s*({_ARG})\s*\]\s*=", corpo)}
    assert parametros == PARAMETROS_ESPERADOS
    publicacoes = _argumentos_das_chamadas(corpo, "mqtt.publish")
    assert publicacoes and all(a[0] == "topicoStatus" and a[2:] == ["true"] for a in publicacoes)


def test_desarme_e_publicado_com_motivo_valor_e_limite_ate_o_proximo_comando(sketch, constantes):
    """The trip is a `desarmada` status the server accepts, repeated by the heartbeat until a command clears it."""
    assert constantes["MOTIVO_TEMPERATURA"] in MOTIVOS_DESARME
    exemplo = {"state": constantes["ESTADO_DESARMADA"], "ts": 1732672800123, "motivo": constantes["MOTIVO_TEMPERATURA"],
               "valor": 27.8, "limite": 20, "parametros": {"voltagem": 220, "velocidade": 500, "temperatura": 20}}
    assert validar_estado(exemplo)["motivo"] == "temperatura_acima_do_limite"
    assert "desarmar(" in _corpo_da_funcao(sketch, "atualizarSensores")
    assert re.search(r"estaDesarmada\s*\?\s*ESTADO_DESARMADA", _corpo_da_funcao(sketch, "publicarEstadoOperacional"))
    assert re.search(r"estaDesarmada\s*=\s*false", _corpo_da_funcao(sketch, "definirOperacao"))
    assert re.search(r"estaDesarmada\s*=\s*true", _corpo_da_funcao(sketch, "desarmar"))


# --------------------------------------------------------------------------
# (d) comandos
# --------------------------------------------------------------------------

def test_sketch_trata_exatamente_os_comandos_do_servidor(sketch, constantes):
    corpo = _corpo_da_funcao(sketch, "tratarComando")
    comparados = {
        _resolver(args[1], constantes)
        for args in _argumentos_das_chamadas(corpo, "strcmp")
        if args[0] == "nome"
    }
    assert comparados == set(COMANDOS)


def test_comando_le_id_expiracao_e_parametros_do_payload(sketch, constantes):
    corpo = _corpo_da_funcao(sketch, "tratarComando")
    lidas = {
        _resolver(arg, constantes)
        for arg in re.findall(rf"\bdoc\s*\[\s*({_ARG})\s*\]", corpo)
    }
    assert {"comando", "id", "expira_em", "parametros"} <= lidas
    assert re.search(r"tempoSincronizado\s*\(\s*\)", corpo), \
        "expira_em só pode ser comparado com o relógio se ele estiver sincronizado"


def test_start_le_apenas_voltagem_velocidade_e_temperatura(sketch, constantes):
    corpo = _corpo_da_funcao(sketch, "executarStart")
    lidos = {
        _resolver(arg, constantes)
        for arg in re.findall(rf"\bparams\s*\[\s*({_ARG})\s*\]", corpo)
    }
    assert lidos == PARAMETROS_ESPERADOS


def test_comandos_chegam_pelo_topico_de_comandos_com_qos1(sketch):
    inscricoes = _argumentos_das_chamadas(sketch, "mqtt.subscribe")
    assert inscricoes == [["topicoComandos", "1"]]
    assert "subscribe" in _corpo_da_funcao(sketch, "aoConectarMqtt")


# --------------------------------------------------------------------------
# (e) last will e heartbeat
# --------------------------------------------------------------------------

def test_sketch_registra_last_will_offline_retido_no_status(sketch, constantes):
    conexoes = _argumentos_das_chamadas(sketch, "mqtt.connect")
    assert len(conexoes) == 1, "deve haver exatamente uma chamada mqtt.connect(...)"
    args = conexoes[0]
    assert len(args) == 7, "connect(id, usuário, senha, willTopic, willQos, willRetain, willMessage)"
    _, usuario, senha, topico_will, qos_will, retain_will, mensagem_will = args
    assert usuario == "MACHINE_ID" and senha == "DEVICE_TOKEN"
    assert topico_will == "topicoStatus"
    assert qos_will == "1" and retain_will == "true"
    assert json.loads(_resolver(mensagem_will, constantes)) == {"state": "offline"}


def test_login_recusado_e_explicado_e_nao_insiste(sketch):
    """The broker refuses a rotated token or a removed machine: say so, and wait the longest interval."""
    cuidar = _corpo_da_funcao(sketch, "cuidarMqtt")
    recusa = re.search(r"MQTT_CONNECT_BAD_CREDENTIALS\s*\|\|\s*mqtt\.state\(\)\s*==\s*MQTT_CONNECT_UNAUTHORIZED\)\s*\{(.*?)\}",
                       cuidar, re.S)
    assert recusa, "o sketch não trata o login recusado (estados 4 e 5 do PubSubClient)"
    assert "DEVICE_TOKEN" in recusa.group(1) and "mqttBackoff = MQTT_BACKOFF_MAXIMO_MS" in recusa.group(1)


def test_heartbeat_de_status_e_mais_curto_que_o_timeout_do_servidor(sketch):
    definicao = re.search(r"\bINTERVALO_HEARTBEAT_MS\s*=\s*(\d+)\s*[uUlL]*\s*;", sketch)
    assert definicao, "INTERVALO_HEARTBEAT_MS não definido"
    intervalo = int(definicao.group(1))
    assert 0 < intervalo < TIMEOUT_HEARTBEAT_SERVIDOR_MS
    laco = _corpo_da_funcao(sketch, "loop")
    assert "INTERVALO_HEARTBEAT_MS" in laco and "publicarEstadoOperacional" in laco


def test_laco_principal_nao_bloqueia_com_delay_longo(sketch):
    for args in _argumentos_das_chamadas(sketch, "delay"):
        assert args[0].isdigit() and int(args[0]) <= 10, f"delay({args[0]}) bloqueia o laço"


# --------------------------------------------------------------------------
# (f) arquivos do projeto Wokwi e segredos
# --------------------------------------------------------------------------

def test_diagrama_do_wokwi_tem_um_esp32():
    diagrama = json.loads((FIRMWARE / "diagram.json").read_text(encoding="utf-8"))
    tipos = [parte["type"] for parte in diagrama["parts"]]
    assert any("esp32" in tipo for tipo in tipos), tipos


def test_bibliotecas_incluem_pubsubclient_e_arduinojson():
    linhas = {
        linha.split("@")[0].strip()
        for linha in (FIRMWARE / "libraries.txt").read_text(encoding="utf-8").splitlines()
        if linha.strip() and not linha.lstrip().startswith("#")
    }
    assert {"PubSubClient", "ArduinoJson"} <= linhas


def _parece_segredo(valor: str) -> bool:
    if valor == TOKEN_MARCADOR or re.fullmatch(r"0+", valor):
        return False
    if valor.startswith("eyJ"):  # JWT
        return True
    if re.fullmatch(r"[0-9a-fA-F]{32,}", valor):  # token_hex
        return True
    return bool(
        len(valor) >= 16
        and re.fullmatch(r"[A-Za-z0-9_\-+/=.]+", valor)
        and re.search(r"[a-z]", valor)
        and re.search(r"[A-Z]", valor)
        and re.search(r"\d", valor)
    )


def test_config_nao_traz_segredo_real(config_h, constantes):
    assert constantes.get("DEVICE_TOKEN") == TOKEN_MARCADOR
    assert constantes.get("WIFI_SSID") == "Wokwi-GUEST"
    assert constantes.get("WIFI_PASSWORD") == ""
    literais = [_decodificar_literal(l) for l in re.findall(_LITERAL, config_h)]
    suspeitos = [valor for valor in literais if _parece_segredo(valor)]
    assert not suspeitos, f"config.h parece conter segredo real: {suspeitos}"
