"""The product's contract constants, each defined once: sensors, states, commands, limits, batches, zone.

Everything that speaks to devices or draws a reading reads them from here: validation, the
writer, the MQTT contract, the simulator, the firmware contract test, and the pages (which
hand them to the scripts through `data-` attributes, see rotas/paginas.py).
"""

# The sensors of a reading, in the order every table, CSV and chart shows them:
# physical bounds (anything outside is a broken sensor or a forged message), unit, decimals shown.
SENSORES_INFO = {
    "tensao": {"limites": (0.0, 1000.0), "unidade": "V", "casas": 1},
    "vibracao": {"limites": (0.0, 100.0), "unidade": "mm/s", "casas": 2},  # velocity RMS
    "temperatura": {"limites": (-50.0, 300.0), "unidade": "°C", "casas": 1},
    "rpm": {"limites": (0.0, 20000.0), "unidade": "rpm", "casas": 0},
}
SENSORES = tuple(SENSORES_INFO)
LIMITES_SENSORES = {sensor: info["limites"] for sensor, info in SENSORES_INFO.items()}
UNIDADES_SENSORES = {sensor: info["unidade"] for sensor, info in SENSORES_INFO.items()}

# Operating states a device reports, and the connection states of its Last Will / birth message.
# `desarmada` is a stop the machine made itself (a trip), reported with its `motivo`, `valor` and `limite`.
ESTADOS_OPERACAO = ("iniciada", "parada", "desarmada")
ESTADOS_CONEXAO = ("online", "offline")
ESTADOS_ACEITOS = ESTADOS_OPERACAO + ESTADOS_CONEXAO
# The states a machine is stopped in: downtime (offline is not: nobody knows whether it ran).
ESTADOS_PARADA = ("parada", "desarmada")
# What a status payload may carry: {"state", "ts"?, "motivo"?, "valor"?, "limite"?, "parametros"?}.
CHAVES_STATUS = ("state", "ts", "motivo", "valor", "limite", "parametros")
# Trip reasons the firmware and the simulator report, each with the sensor whose unit `valor`/`limite` are in.
# Devices may report others (a lower-case word of up to 64 letters, digits and '_'): they are stored as sent.
MOTIVOS_DESARME = {"temperatura_acima_do_limite": "temperatura"}

# Commands and the machine state that proves the device carried one out.
ESTADO_ESPERADO = {"start": "iniciada", "stop": "parada", "reset": "parada"}
COMANDOS = tuple(ESTADO_ESPERADO)

# Start parameters: defaults of the original project (the firmware enforces the same ranges),
# narrowed per machine by admins. A reset restores CONFIGURACAO_RESET, which means "no limit chosen".
LIMITES_PARTIDA_PADRAO = {
    "voltagem": (220, 380),
    "velocidade": (500, 3000),
    "temperatura": (20, 120),
}
UNIDADES_PARTIDA = {"voltagem": "V", "velocidade": "rpm", "temperatura": "°C"}
CONFIGURACAO_RESET = {"voltagem": 220, "velocidade": 500, "temperatura": 20}

# One batch rule on every path (HTTP and MQTT): 1 to LOTE_MAXIMO readings, each judged on its own.
LOTE_MAXIMO = 100
MAXIMO_SEQUENCIA = 2**32 - 1

# Shifts and downtime reasons an owner starts with (each owner edits theirs: /api/auth/shifts, /downtime-reasons).
# Times are wall-clock times in the operator's zone; a shift whose end is not after its start crosses midnight.
TURNOS_PADRAO = [{"nome": "A", "inicio": "06:00", "fim": "14:00"}, {"nome": "B", "inicio": "14:00", "fim": "22:00"},
                 {"nome": "C", "inicio": "22:00", "fim": "06:00"}]
MOTIVOS_PARADA_PADRAO = ["manutenção", "setup", "falta de material", "quebra", "troca de turno", "outro"]

# The zone pages use when neither the user nor TIMEZONE chose one.
FUSO_PADRAO = "America/Sao_Paulo"
IDIOMA_PADRAO = "pt-BR"
IDIOMAS = ("pt-BR", "en")

# Alarm severities, most severe first: one order everywhere (API, pages, sorting, notifications), ISA-18.2 style.
SEVERIDADES = ("critica", "alta", "media", "baixa")

# The rules a machine has when neither its owner nor the admins (per model) chose any.
REGRAS_PADRAO = [
    {"sensor": "temperatura", "maximo": 80.0, "minimo": None, "duracao_s": 10, "leituras_seguidas": None,
     "histerese": 5.0, "severidade": "alta"},
]

# ISO 10816-3 vibration zones (velocity RMS, mm/s): the upper edges of zones A, B and C per machine
# class; above C is zone D. Published tables differ (ISO 20816 superseded it), so these are settings
# (VIBRACAO_ZONAS) and each machine may name its class.
ZONAS_VIBRACAO_PADRAO = {
    "media_rigida": (1.4, 2.8, 4.5),     # group 2 (15–300 kW), rigid foundation: the default
    "media_flexivel": (2.3, 4.5, 7.1),   # group 2, flexible foundation
    "grande_rigida": (2.3, 4.5, 7.1),    # group 1 (300 kW–50 MW), rigid foundation
    "grande_flexivel": (3.5, 7.1, 11.0),  # group 1, flexible foundation
}
CLASSE_VIBRACAO_PADRAO = "media_rigida"
# Zone C raises `media`, zone D `critica`; a zone alarm needs 10 s in the zone and clears 0.2 mm/s below its edge.
SEVERIDADE_ZONA = {"c": "media", "d": "critica"}
DURACAO_ZONA_S = 10
HISTERESE_ZONA = 0.2
SEVERIDADE_OFFLINE = "alta"

# Alarm notifications (nucleo/notificacoes.py): what a transition is called on the wire, the channels a user
# may turn on, and the header that carries a webhook's HMAC-SHA256 signature of the exact body bytes.
EVENTO_ALARME_ATIVADO, EVENTO_ALARME_NORMALIZADO = "alarme.ativado", "alarme.normalizado"
CANAIS_NOTIFICACAO = ("webhook", "email")
CABECALHO_ASSINATURA = "X-DataButcher-Assinatura"
CABECALHO_ID_NOTIFICACAO = "X-DataButcher-Notificacao"
