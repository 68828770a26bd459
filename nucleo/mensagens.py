"""The words of every domain error, per language: the API envelope, the pages and the console render here.

An error carries a key and its values (MongoDB/erros.py); `texto(erro, idioma)` writes the sentence.
pt-BR is the product's language (the API answers in it unless the caller chose English); each key
holds both sentences side by side, so neither can be forgotten.
"""
from .contrato import IDIOMA_PADRAO

# key: (pt-BR, English). `{campo}` and the other names are filled from the error's values.
MENSAGENS = {
    # ---- generic, one per HTTP status
    "erro_generico": ("Erro",
                      "Error"),
    "dados_invalidos": ("Requisição inválida",
                        "Bad request"),
    "autenticacao_necessaria": ("Autenticação necessária",
                                "Authentication required"),
    "acesso_negado": ("Acesso negado",
                      "Access denied"),
    "nao_encontrado": ("Recurso não encontrado",
                       "Not found"),
    "metodo_nao_permitido": ("Método não permitido",
                             "Method not allowed"),
    "conflito": ("Conflito",
                 "Conflict"),
    "corpo_grande_demais": ("Corpo da requisição grande demais",
                            "Request body too large"),
    "corpo_nao_json": ("Envie o corpo como JSON (Content-Type: application/json)",
                       "Send the body as JSON (Content-Type: application/json)"),
    "requisicoes_demais": ("Requisições demais",
                           "Too many requests"),
    "muitas_tentativas": ("Tentativas demais; tente de novo em {segundos} s",
                          "Too many attempts; try again in {segundos} s"),
    "erro_interno": ("Erro interno do servidor",
                     "Internal server error"),
    "servico_indisponivel": ("Serviço indisponível",
                             "Service unavailable"),

    # ---- request bodies and parameters
    "json_malformado": ("JSON malformado ou vazio",
                        "Malformed or empty JSON"),
    "json_aninhado_demais": ("JSON aninhado demais (máximo de {maximo} níveis)",
                             "JSON nested too deep (at most {maximo} levels)"),
    "corpo_nao_objeto": ("O corpo deve ser um objeto JSON",
                         "The body must be a JSON object"),
    "parametro_inteiro": ("O parâmetro '{campo}' deve ser um número inteiro",
                          "The parameter '{campo}' must be a whole number"),
    "parametro_fora_da_faixa": ("O parâmetro '{campo}' deve estar entre {minimo} e {maximo}",
                                "The parameter '{campo}' must be between {minimo} and {maximo}"),
    "desde_depois_de_ate": ("'desde' deve ser anterior a 'ate'",
                            "'desde' must be before 'ate'"),
    "intervalo_grafico_maximo": ("O intervalo máximo de um gráfico é de {dias} dias",
                                 "A chart spans at most {dias} days"),
    "intervalo_exportacao_maximo": ("A exportação cobre no máximo {dias} dias",
                                    "An export spans at most {dias} days"),
    "formato_csv": ("Formato suportado: csv",
                    "Supported format: csv"),

    # ---- fields
    "identificador_invalido": ("O campo '{campo}' não é um identificador válido",
                               "The field '{campo}' is not a valid identifier"),
    "campo_numerico": ("O campo '{campo}' deve ser numérico",
                       "The field '{campo}' must be a number"),
    "campo_finito": ("O campo '{campo}' deve ser um número finito",
                     "The field '{campo}' must be a finite number"),
    "campo_fora_da_faixa": ("O campo '{campo}' deve estar entre {minimo:g} e {maximo:g}",
                            "The field '{campo}' must be between {minimo:g} and {maximo:g}"),
    "campo_inteiro": ("O campo '{campo}' deve ser um inteiro entre {minimo} e {maximo}",
                      "The field '{campo}' must be a whole number from {minimo} to {maximo}"),
    "campo_texto": ("O campo '{campo}' deve ser um texto",
                    "The field '{campo}' must be text"),
    "campo_obrigatorio": ("O campo '{campo}' é obrigatório",
                          "The field '{campo}' is required"),
    "campo_longo": ("O campo '{campo}' deve ter no máximo {maximo} caracteres",
                    "The field '{campo}' must be at most {maximo} characters"),
    "campo_um_de": ("O campo '{campo}' deve ser um de: {aceitos}",
                    "The field '{campo}' must be one of: {aceitos}"),
    "instante_formato": ("O campo '{campo}' deve ser ISO 8601 ou epoch em ms",
                         "The field '{campo}' must be ISO 8601 or epoch milliseconds"),
    "instante_fora_do_alcance": ("O campo '{campo}' está fora das datas aceitas (de 1970 a 9999, em UTC)",
                                 "The field '{campo}' is outside the accepted dates (1970 to 9999, in UTC)"),
    "instante_sem_fuso": ("O campo '{campo}' precisa de fuso horário (ex.: Z ou -03:00)",
                          "The field '{campo}' needs a time zone offset (e.g. Z or -03:00)"),
    "instante_futuro": ("O campo '{campo}' está no futuro",
                        "The field '{campo}' is in the future"),
    "instante_antigo": ("O campo '{campo}' é anterior a {ano}: relógio do dispositivo não sincronizado?",
                        "The field '{campo}' is before {ano}: is the device clock set?"),

    # ---- readings and batches
    "leitura_nao_objeto": ("A leitura deve ser um objeto JSON",
                           "A reading must be a JSON object"),
    "lote_tamanho": ("'leituras' deve ser uma lista de 1 a {maximo} leituras",
                     "'leituras' must be a list of 1 to {maximo} readings"),
    "leitura_do_lote": ("leituras[{posicao}]: {mensagem}",
                        "leituras[{posicao}]: {mensagem}"),
    "fila_cheia": ("Servidor sobrecarregado: fila de gravação cheia, tente de novo",
                   "Server overloaded: the write queue is full, try again"),
    "banco_indisponivel": ("Banco de dados indisponível no momento, tente de novo em instantes",
                           "The database is unavailable right now, try again in a moment"),
    "gravacao_nao_confirmada": ("Gravação não confirmada a tempo, tente de novo",
                                "The write was not confirmed in time, try again"),

    # ---- live dashboards (/api/eventos)
    "fluxos_demais_usuario": ("Painéis ao vivo demais abertos com a sua conta (máximo {maximo}): "
                              "feche uma aba ou aguarde",
                              "Too many live dashboards open with your account (at most {maximo}): "
                              "close a tab or wait"),
    "fluxos_esgotados": ("O servidor está no limite de painéis ao vivo ({maximo}); tente de novo em instantes",
                         "The server is at its limit of live dashboards ({maximo}); try again shortly"),

    # ---- machines, labels and commands
    "maquina_nao_encontrada": ("Máquina não encontrada",
                               "Machine not found"),
    "maquina_de_outro_usuario": ("Esta máquina já pertence a outro usuário",
                                 "This machine already belongs to another user"),
    "maquina_offline": ("Máquina offline: nenhum sinal dentro do tempo limite",
                        "Machine offline: no signal within the time limit"),
    "segredo_invalido": ("Segredo de associação inválido",
                         "Invalid claim secret"),
    "link_invalido": ("O link não é um link de associação do DataButcher",
                      "This is not a DataButcher claim link"),
    "token_dispositivo_invalido": ("Token do dispositivo não corresponde a esta máquina",
                                   "The device token does not match this machine"),
    "token_dispositivo_ausente": ("Token do dispositivo ausente (Authorization: Bearer <token>)",
                                  "Device token missing (Authorization: Bearer <token>)"),
    "limites_vazios": ("Informe ao menos um limite: voltagem, velocidade ou temperatura",
                       "Give at least one limit: voltagem, velocidade or temperatura"),
    "limite_desconhecido": ("Limite desconhecido: '{campo}'",
                            "Unknown limit: '{campo}'"),
    "limite_formato": ("O limite '{campo}' deve ser [mínimo, máximo]",
                       "The limit '{campo}' must be [minimum, maximum]"),
    "limite_invertido": ("O limite '{campo}' tem o mínimo acima do máximo",
                         "The limit '{campo}' has its minimum above its maximum"),
    "parametros_nao_objeto": ("Os parâmetros devem ser um objeto JSON",
                              "The parameters must be a JSON object"),
    "motivo_desarme": ("'motivo' de um desarme: até 64 letras minúsculas, dígitos ou '_'",
                       "A trip's 'motivo': up to 64 lower-case letters, digits or '_'"),
    "broker_desconectado": ("Broker MQTT desconectado: comando não enviado",
                            "MQTT broker disconnected: command not sent"),
    "etiqueta_nao_gravada": ("Não foi possível gravar o QR code em {pasta}: {motivo}",
                             "Could not write the QR code in {pasta}: {motivo}"),
    "credenciais_broker_indisponiveis": (
        "O broker MQTT não confirmou o login do dispositivo ({motivo}); nada foi alterado",
        "The MQTT broker did not confirm the device login ({motivo}); nothing was changed"),
    "token_trocado_broker_pendente": (
        "O token foi trocado no servidor, mas o broker MQTT não confirmou ({motivo}): no MQTT ainda vale "
        "o token anterior. Rode o comando de novo",
        "The token was replaced on the server, but the MQTT broker did not confirm ({motivo}): over MQTT "
        "the previous token still works. Run the command again"),
    "remocao_broker_pendente": (
        "O broker MQTT não confirmou a remoção do login do dispositivo ({motivo}); a máquina não foi removida",
        "The MQTT broker did not confirm removing the device login ({motivo}); the machine was not removed"),
    "etiqueta_nao_gravada_segredo_trocado": (
        "Não foi possível gravar o QR code em {pasta}: {motivo}. "
        "O segredo anterior já não vale: rode o comando de novo",
        "Could not write the QR code in {pasta}: {motivo}. The old secret no longer works: run the command again"),
    "segredo_maquina_com_dono": (
        "A máquina {maquina_id} está associada ao usuário {dono}; use --forcar para trocar o segredo mesmo assim "
        "(ela continua com o dono)",
        "Machine {maquina_id} belongs to user {dono}; use --forcar to change its secret anyway (the owner keeps it)"),

    # ---- alarms
    "alarme_nao_encontrado": ("Alarme não encontrado",
                              "Alarm not found"),
    "regras_lista": ("'regras' deve ser uma lista de até {maximo} regras",
                     "'regras' must be a list of up to {maximo} rules"),
    "regra_nao_objeto": ("A regra deve ser um objeto JSON",
                         "A rule must be a JSON object"),
    "regras_json": ("As regras devem ser uma lista JSON (ou @arquivo.json com ela)",
                    "The rules must be a JSON list (or @file.json holding one)"),
    "regra_repetida": ("Já existe uma regra para este sensor",
                       "There is already a rule for this sensor"),
    "regra_sem_limite": ("Informe 'maximo', 'minimo' ou ambos",
                         "Give 'maximo', 'minimo' or both"),
    "regra_limites_invertidos": ("'minimo' deve ser menor que 'maximo'",
                                 "'minimo' must be below 'maximo'"),
    "regra_duracao_ou_leituras": ("Use 'duracao_s' ou 'leituras_seguidas', não os dois",
                                  "Use 'duracao_s' or 'leituras_seguidas', not both"),
    "campo_desconhecido": ("Campo desconhecido: '{campo}'",
                           "Unknown field: '{campo}'"),
    "nada_a_ajustar": ("Informe ao menos um campo: {aceitos}",
                       "Give at least one field: {aceitos}"),

    # ---- alarm notifications
    "campo_booleano": ("O campo '{campo}' deve ser true ou false",
                       "The field '{campo}' must be true or false"),
    "email_indisponivel": ("O envio de e-mail não está configurado neste servidor (SMTP_HOST); use o webhook ou "
                           "peça ao administrador",
                           "E-mail is not set up on this server (SMTP_HOST); use the webhook or ask the administrator"),
    "webhook_url_formato": ("O campo 'webhook_url' deve ser uma URL completa com http:// ou https://",
                            "The field 'webhook_url' must be a full http:// or https:// URL"),
    "webhook_url_credenciais": ("A URL do webhook não pode levar usuário e senha; o DataButcher assina cada envio",
                                "The webhook URL cannot carry a user and password; DataButcher signs every delivery"),
    "webhook_url_nao_resolve": ("O endereço {host} não foi encontrado (DNS)",
                                "The host {host} was not found (DNS)"),
    "webhook_url_rede_local": ("O endereço {host} aponta para uma rede local, privada ou reservada ({endereco}); "
                               "webhooks só vão para endereços públicos",
                               "The host {host} points to a local, private or reserved network ({endereco}); "
                               "webhooks only go to public addresses"),

    # ---- state history, shifts and downtimes
    "intervalo_historico_maximo": ("O período cobre no máximo {dias} dias",
                                   "A period spans at most {dias} days"),
    "hora_formato": ("O campo '{campo}' deve ser uma hora HH:MM (00:00 a 23:59)",
                     "The field '{campo}' must be a time HH:MM (00:00 to 23:59)"),
    "turnos_lista": ("'turnos' deve ser uma lista de 1 a {maximo} turnos",
                     "'turnos' must be a list of 1 to {maximo} shifts"),
    "turno_nao_objeto": ("Cada turno deve ser um objeto {{nome, inicio, fim}}",
                         "Each shift must be an object {{nome, inicio, fim}}"),
    "turno_repetido": ("Já existe um turno com este nome",
                       "There is already a shift with this name"),
    "turno_sem_duracao": ("O turno deve terminar em outra hora que não a do início",
                          "A shift must end at another time than it starts"),
    "motivos_lista": ("'motivos' deve ser uma lista de 1 a {maximo} motivos",
                      "'motivos' must be a list of 1 to {maximo} reasons"),
    "motivo_repetido": ("A lista tem um motivo repetido",
                        "The list has a reason twice"),
    "parada_nao_encontrada": ("Parada não encontrada",
                              "Downtime not found"),
    "registro_nao_encontrado": ("Registro de manutenção não encontrado para esta máquina",
                                "Maintenance log entry not found for this machine"),

    # ---- accounts and sessions
    "usuario_nao_encontrado": ("Usuário não encontrado",
                               "User not found"),
    "usuario_duplicado_nome_usuario": ("Já existe um usuário com este nome de usuário",
                                       "A user with this user name already exists"),
    "usuario_duplicado_email": ("Já existe um usuário com este e-mail",
                                "A user with this e-mail already exists"),
    "nome_usuario_formato": ("nome_usuario: 3 a 40 letras, números, '.', '_' ou '-'",
                             "nome_usuario: 3 to 40 letters, digits, '.', '_' or '-'"),
    "email_invalido": ("O campo 'email' não é um e-mail válido",
                       "The field 'email' is not a valid e-mail address"),
    "senha_curta": ("O campo '{campo}' deve ter pelo menos {minimo} caracteres",
                    "The field '{campo}' must have at least {minimo} characters"),
    "senha_longa": ("O campo '{campo}' deve ter no máximo {maximo} bytes",
                    "The field '{campo}' must be at most {maximo} bytes"),
    "senhas_nao_conferem": ("As senhas não conferem",
                            "The passwords do not match"),
    "login_invalido": ("Usuário ou senha inválidos",
                       "Invalid user name or password"),
    "senha_atual_incorreta": ("Senha atual incorreta",
                              "Current password is wrong"),
    "fuso_desconhecido": ("Fuso horário desconhecido (use um nome IANA, ex.: America/Sao_Paulo)",
                          "Unknown time zone (use an IANA name, e.g. America/Sao_Paulo)"),
    "token_ausente": ("Token ausente, inválido ou expirado",
                      "Token missing, invalid or expired"),
    "csrf_invalido": ("Token CSRF ausente ou inválido",
                      "CSRF token missing or invalid"),
    "so_administradores": ("Apenas administradores",
                           "Administrators only"),
    "formulario_expirado": ("O formulário expirou. Recarregue a página e tente de novo.",
                            "The form has expired. Reload the page and try again."),

    # ---- console
    "entre_primeiro": ("Entre na sua conta primeiro (opção 2)",
                       "Log in first (option 2)"),
    "conta_nao_existe": ("Sua conta não existe mais; entre com outra (opção 2)",
                         "Your account no longer exists; log in with another (option 2)"),
    "usuario_ou_senha_incorretos": ("Usuário ou senha incorretos",
                                    "Wrong user name or password"),
    "so_admin_cria_maquinas": ("Apenas administradores criam máquinas",
                               "Only administrators create machines"),
    "remocao_cancelada": ("Remoção cancelada: nada foi apagado",
                          "Removal cancelled: nothing was deleted"),
    "usuario_desconhecido": ("Usuário {usuario} não encontrado (nome de usuário ou e-mail de uma conta; "
                             "main.py usuario listar mostra as contas)",
                             "User {usuario} not found (a user name or an account's e-mail; "
                             "main.py usuario listar lists the accounts)"),
    "simulador_maquina_desconhecida": ("Máquina {maquina_id} não encontrada (main.py maquina listar mostra os ids)",
                                       "Machine {maquina_id} not found (main.py maquina listar lists the ids)"),
    "simulador_maquina_online": ("A máquina {maquina_id} está online: um dispositivo fala com ela agora, com um token "
                                 "que o simulador não tem. Simulá-la troca o token e desconecta esse dispositivo; "
                                 "use --trocar-token se é isso que quer",
                                 "Machine {maquina_id} is online: a device is talking to it now, with a token the "
                                 "simulator does not have. Simulating it rotates the token and disconnects that "
                                 "device; add --trocar-token if that is what you want"),
    "simulador_usuario_sem_maquinas": ("{usuario} não tem máquinas: associe uma no navegador (código e segredo, ou o "
                                       "QR code) ou crie máquinas simuladas com --maquinas N",
                                       "{usuario} has no machines: claim one in the browser (code and secret, or the "
                                       "QR code) or create simulated ones with --maquinas N"),
    "demo_sem_usuario": ("Nenhum usuário cadastrado: crie sua conta no navegador (Cadastre-se) ou com main.py usuario "
                         "criar, e rode main.py demo --usuario <seu e-mail>",
                         "No users yet: create your account in the browser (Cadastre-se) or with main.py usuario "
                         "criar, then run main.py demo --usuario <your e-mail>"),
    "demo_qual_usuario": ("Há {quantos} usuários: diga de quem são as máquinas com --usuario <nome ou e-mail>",
                          "There are {quantos} users: say whose machines these are with --usuario <name or e-mail>"),
}
IDIOMA_INGLES = "en"

# The generic message of each HTTP status, for errors that carry no key of their own.
POR_STATUS = {400: "dados_invalidos", 401: "autenticacao_necessaria", 403: "acesso_negado", 404: "nao_encontrado",
              405: "metodo_nao_permitido", 409: "conflito", 413: "corpo_grande_demais", 415: "corpo_nao_json",
              429: "requisicoes_demais", 500: "erro_interno", 503: "servico_indisponivel"}


def traduzir(chave, idioma=IDIOMA_PADRAO, **valores) -> str:
    """The message `chave` in `idioma` (pt-BR for any other language), filled with `valores`."""
    portugues, ingles = MENSAGENS.get(chave) or MENSAGENS["erro_generico"]
    modelo = ingles if idioma == IDIOMA_INGLES else portugues
    try:
        return modelo.format(**valores)
    except (KeyError, IndexError, ValueError):
        return modelo


def texto(erro, idioma=IDIOMA_PADRAO) -> str:
    """The sentence of a domain error (MongoDB.erros.ErroDominio) in `idioma`."""
    return traduzir(erro.chave, idioma, campo=erro.campo, **erro.valores)


def do_status(status, idioma=IDIOMA_PADRAO) -> str:
    """The generic message of an HTTP status."""
    return traduzir(POR_STATUS.get(status, "erro_generico"), idioma)
