"""Every user-visible text of the pages and of their scripts, per language (data only).

Keys are snake_case pt-BR; `{}` is filled in order by `traduzir` (rotas/apresentacao.py) and by
`texto` (static/js/ui.js, which gets the user's table in <body data-textos>). Both languages must
have the same keys (tests/test_paginas.py checks). Error messages are not here: they are the
domain's, in nucleo/mensagens.py, shared with the API and the console.
"""

TEXTOS = {
    "pt-BR": {
        # ---- every page (base.html, erro.html)
        "pular": "Pular para o conteúdo", "nav_principal": "Principal", "nav_maquinas": "Máquinas",
        "nav_conta": "Conta", "nav_etiquetas": "Etiquetas", "sair": "Sair", "usuario_conectado": "Usuário conectado",
        "erro_status": "Erro {}", "voltar_inicio": "Voltar ao início",
        "sem_conexao_rede": "Sem conexão com o servidor. Verifique a rede e tente de novo.",

        # ---- login and registration
        "entrar": "Entrar", "usuario": "Usuário", "senha": "Senha", "sem_conta": "Ainda não tem conta?",
        "cadastre_se": "Cadastre-se",
        "aviso_senha_alterada": "Senha alterada. Entre novamente com a nova senha.",
        "cadastrar": "Cadastrar", "criar_conta": "Criar conta", "rotulo_usuario_novo": "Usuário (3 a 40 letras, números, . _ -)",
        "rotulo_senha_nova": "Senha (mínimo 8 caracteres)", "empresa": "Empresa", "email": "E-mail",
        "ja_tem_conta": "Já tem conta?",

        # ---- machines: dashboard, cards and badges
        "minhas_maquinas": "Minhas máquinas", "adicionar_maquina": "Adicionar máquina",
        "sem_maquinas": "Você ainda não tem máquinas. Adicione uma com o código e o segredo da etiqueta, "
                        "ou lendo o QR code.",
        "tensao": "Tensão", "vibracao": "Vibração", "temperatura": "Temperatura", "rpm": "Rotação",
        "iniciada": "Iniciada", "parada": "Parada", "online": "Online", "offline": "Offline", "alertas": "Alertas",
        "superaquecimento": "Superaquecimento", "vibracao_alta": "Vibração alta", "vibracao_elevada": "Vibração elevada",
        "ultima_mensagem": "Última mensagem", "ha": "há {}", "nunca": "nunca", "sem_nome": "Sem nome",
        "ultima_leitura": "Última leitura", "nenhuma_ainda": "nenhuma ainda",
        "ao_vivo": "Ao vivo: atualiza sozinho.", "consultando": "Atualiza sozinho a cada 5 segundos.",
        "sem_conexao": "Sem conexão com o servidor; tentando de novo…", "tendencia": "Últimos 10 minutos",
        "resumo_alertas": "{} máquina(s) pedem atenção.", "tudo_normal": "Todas as máquinas em funcionamento normal.",

        # ---- adding a machine and the QR reader
        "nome_da_maquina": "Nome da máquina", "exemplo_nome_maquina": "Ex.: Moedor da linha 2",
        "codigo_da_maquina": "Código da máquina", "ajuda_codigo": "24 caracteres (0-9, a-f), impressos na etiqueta",
        "segredo_associacao": "Segredo de associação", "ler_etiqueta_qr": "Ler a etiqueta QR",
        "ajuda_qr": "Aponte a câmera do celular para a etiqueta da máquina ou escolha uma foto dela: "
                    "o código e o segredo são preenchidos sozinhos.",
        "usar_camera": "Usar a câmera", "parar_camera": "Parar a câmera", "escolher_imagem": "Escolher imagem",
        "etiqueta_reconhecida": "Etiqueta reconhecida. Dê um nome à máquina e confirme.",
        "voltar_minhas_maquinas": "Voltar para minhas máquinas", "associando": "Associando a máquina…",
        "qr_nao_e_etiqueta": "Este QR code não é uma etiqueta de máquina do DataButcher.",
        "qr_etiqueta_lida": "Etiqueta lida: código e segredo preenchidos. Dê um nome à máquina e confirme.",
        "qr_nao_carregou": "O leitor de QR não carregou. Recarregue a página.",
        "camera_sem_https": "Este navegador não libera a câmera nesta página (é preciso HTTPS). Use “Escolher imagem”.",
        "camera_negada": "Acesso à câmera negado. Libere a câmera no navegador ou use “Escolher imagem”.",
        "camera_falhou": "Não foi possível abrir a câmera. Use “Escolher imagem”.",
        "aponte_camera": "Aponte a câmera para o QR code da etiqueta.", "lendo_imagem": "Lendo a imagem…",
        "imagem_ilegivel": "Não consegui abrir esta imagem. Escolha uma foto (JPG ou PNG).",
        "qr_nao_encontrado": "Nenhum QR code encontrado na imagem. Tente uma foto mais próxima e nítida da etiqueta.",

        # ---- one machine's page
        "maquina": "Máquina", "codigo": "Código", "ultimo_sinal": "Último sinal", "nao_atualizou": "Não foi possível atualizar: {}",
        "graficos": "Gráficos", "exportar_csv": "Exportar CSV do período", "periodo": "Período",
        "horas": "{} h", "dias": "{} dias", "personalizado": "Personalizado", "periodo_de": "De ({})",
        "periodo_ate": "Até ({})", "mostrar_periodo": "Mostrar período", "carregando_graficos": "Carregando gráficos…",
        "sem_leituras_periodo": "Nenhuma leitura neste período.",
        "legenda_graficos": "Linha: média de cada intervalo. Faixa sombreada: do mínimo ao máximo, para que um pico "
                            "nunca suma na média. Quando a máquina ficou sem enviar dados, a linha é interrompida. "
                            "Horários em {}.",
        "graficos_nao_carregaram": "Os gráficos não carregaram. Recarregue a página.",
        "graficos_periodo": "De {} a {} · um ponto a cada {}.", "graficos_erro": "Gráficos: {}",
        "escolha_inicio_antes_fim": "Escolha um início anterior ao fim.",
        "grafico_hora": "Hora", "grafico_minimo": "Mín", "grafico_media": "Média", "grafico_maximo": "Máx",
        "ultimas_leituras": "Últimas leituras", "leituras_recentes": "Leituras recentes", "data_hora": "Data e hora",
        "sem_leituras": "Nenhuma leitura recebida ainda.",
        "comandos": "Comandos", "aviso_offline": "Máquina offline: os comandos serão recusados até ela voltar a dar sinal.",
        "voltagem": "Voltagem", "velocidade": "Velocidade", "faixa_entre": "Entre {} e {}",
        "dar_partida": "Dar partida", "parar": "Parar", "resetar": "Resetar (220 V, 500 rpm, 20 °C)",
        "enviando": "Enviando…", "ultimo_comando": "Último comando: {} — ", "ultimos_comandos": "Últimos comandos",
        "comando": "Comando", "situacao": "Situação", "enviado_em": "Enviado em", "sem_comandos": "Nenhum comando enviado ainda.",
        "comando_start": "Partida", "comando_stop": "Parada", "comando_reset": "Reset",
        "estado_enviado": "Enviado, aguardando a máquina", "estado_confirmado": "Confirmado",
        "estado_expirado": "Expirado sem confirmação", "estado_falhou": "Falhou",
        "registro_manual": "Registro manual", "nova_anotacao": "Nova anotação (manutenção, ajuste, ocorrência)",
        "contador_caracteres": "{} de {} caracteres", "salvar_anotacao": "Salvar anotação",
        "sem_anotacoes": "Nenhuma anotação ainda.",
        "liberar_maquina": "Liberar máquina", "liberar_maquina_botao": "Liberar máquina…",
        "liberar_explicacao": "A máquina sai da sua lista e poderá ser associada por quem tiver a etiqueta. "
                              "Suas anotações deixam de aparecer.",
        "liberar_pergunta": "Liberar “{}”? Isto não pode ser desfeito por aqui.", "sim_liberar": "Sim, liberar",
        "cancelar": "Cancelar", "maquina_liberada": "Máquina liberada. Voltando para a lista…",

        # ---- account
        "conectado_como": "Conectado como", "preferencias": "Preferências", "fuso_horario": "Fuso horário",
        "fuso_outro_opcao": "Outro (digitar o nome IANA)", "ajuda_fuso": "Datas e gráficos aparecem neste fuso. Agora: {}.",
        "fuso_outro": "Outro fuso (ex.: America/Araguaina)", "idioma": "Idioma", "tema": "Tema",
        "tema_claro": "Claro", "tema_escuro": "Escuro", "salvar_preferencias": "Salvar preferências",
        "preferencias_salvas": "Preferências salvas.", "trocar_senha": "Trocar senha",
        "ajuda_trocar_senha": "Depois da troca, todas as sessões são encerradas e você entra de novo com a senha nova.",
        "senha_atual": "Senha atual", "senha_nova_rotulo": "Nova senha (mínimo 8 caracteres)",
        "repita_senha": "Repita a nova senha", "confirmacao_diferente": "A confirmação não é igual à nova senha.",
        "sessao": "Sessão", "ajuda_sessao": "Sair encerra esta sessão e todas as outras abertas com a sua conta "
                                            "(celular, outro computador).",
        "sair_de_todos": "Sair de todos os dispositivos",

        # ---- admins' QR label sheet
        "etiquetas_qr": "Etiquetas QR", "imprimir": "Imprimir",
        "etiquetas_escolhidas": "Máquinas escolhidas pelo endereço ({}).",
        "etiquetas_livres": "Todas as máquinas livres (sem dono). Para escolher, use {}.",
        "exemplo_ids": "código1,código2",
        "etiquetas_folha": "Folha A4; cada etiqueta leva o QR de associação, o código e o fabricante/modelo. "
                           "O QR contém o segredo de associação: guarde as folhas impressas com cuidado.",
        "etiquetas_novo_segredo": "Etiqueta indisponível ou segredo vazado? Gere um novo segredo e QR pelo console: "
                                  "{} (a etiqueta antiga deixa de valer).",
        "maquina_nao_encontrada": "Máquina não encontrada: {}", "sem_etiquetas": "Nenhuma máquina para etiquetar.",
        "alt_qr": "QR code de associação da máquina {}",
        "etiqueta_indisponivel": "etiqueta indisponível — gere um novo segredo pelo console",
    },
    "en": {
        # ---- every page (base.html, erro.html)
        "pular": "Skip to content", "nav_principal": "Main", "nav_maquinas": "Machines",
        "nav_conta": "Account", "nav_etiquetas": "Labels", "sair": "Log out", "usuario_conectado": "Logged-in user",
        "erro_status": "Error {}", "voltar_inicio": "Back to the start page",
        "sem_conexao_rede": "No connection to the server. Check the network and try again.",

        # ---- login and registration
        "entrar": "Log in", "usuario": "Username", "senha": "Password", "sem_conta": "No account yet?",
        "cadastre_se": "Sign up",
        "aviso_senha_alterada": "Password changed. Log in again with the new password.",
        "cadastrar": "Sign up", "criar_conta": "Create account", "rotulo_usuario_novo": "Username (3 to 40 letters, digits, . _ -)",
        "rotulo_senha_nova": "Password (at least 8 characters)", "empresa": "Company", "email": "Email",
        "ja_tem_conta": "Already have an account?",

        # ---- machines: dashboard, cards and badges
        "minhas_maquinas": "My machines", "adicionar_maquina": "Add machine",
        "sem_maquinas": "You have no machines yet. Add one with the code and secret on its label, or by scanning the QR code.",
        "tensao": "Voltage", "vibracao": "Vibration", "temperatura": "Temperature", "rpm": "Speed",
        "iniciada": "Running", "parada": "Stopped", "online": "Online", "offline": "Offline", "alertas": "Alerts",
        "superaquecimento": "Overheating", "vibracao_alta": "High vibration", "vibracao_elevada": "Elevated vibration",
        "ultima_mensagem": "Last message", "ha": "{} ago", "nunca": "never", "sem_nome": "Unnamed",
        "ultima_leitura": "Last reading", "nenhuma_ainda": "none yet",
        "ao_vivo": "Live: updates by itself.", "consultando": "Updates by itself every 5 seconds.",
        "sem_conexao": "No connection to the server; retrying…", "tendencia": "Last 10 minutes",
        "resumo_alertas": "{} machine(s) need attention.", "tudo_normal": "All machines running normally.",

        # ---- adding a machine and the QR reader
        "nome_da_maquina": "Machine name", "exemplo_nome_maquina": "E.g. Line 2 grinder",
        "codigo_da_maquina": "Machine code", "ajuda_codigo": "24 characters (0-9, a-f), printed on the label",
        "segredo_associacao": "Pairing secret", "ler_etiqueta_qr": "Scan the QR label",
        "ajuda_qr": "Point your phone's camera at the machine's label or choose a photo of it: "
                    "the code and secret are filled in for you.",
        "usar_camera": "Use the camera", "parar_camera": "Stop the camera", "escolher_imagem": "Choose image",
        "etiqueta_reconhecida": "Label recognised. Give the machine a name and confirm.",
        "voltar_minhas_maquinas": "Back to my machines", "associando": "Pairing the machine…",
        "qr_nao_e_etiqueta": "This QR code is not a DataButcher machine label.",
        "qr_etiqueta_lida": "Label read: code and secret filled in. Give the machine a name and confirm.",
        "qr_nao_carregou": "The QR reader did not load. Reload the page.",
        "camera_sem_https": "This browser does not allow the camera on this page (HTTPS is required). Use “Choose image”.",
        "camera_negada": "Camera access denied. Allow the camera in the browser or use “Choose image”.",
        "camera_falhou": "Could not open the camera. Use “Choose image”.",
        "aponte_camera": "Point the camera at the label's QR code.", "lendo_imagem": "Reading the image…",
        "imagem_ilegivel": "Could not open this image. Choose a photo (JPG or PNG).",
        "qr_nao_encontrado": "No QR code found in the image. Try a closer, sharper photo of the label.",

        # ---- one machine's page
        "maquina": "Machine", "codigo": "Code", "ultimo_sinal": "Last signal", "nao_atualizou": "Could not update: {}",
        "graficos": "Charts", "exportar_csv": "Export CSV of the period", "periodo": "Period",
        "horas": "{} h", "dias": "{} days", "personalizado": "Custom", "periodo_de": "From ({})",
        "periodo_ate": "To ({})", "mostrar_periodo": "Show period", "carregando_graficos": "Loading charts…",
        "sem_leituras_periodo": "No readings in this period.",
        "legenda_graficos": "Line: average of each interval. Shaded band: from minimum to maximum, so a peak never "
                            "disappears in the average. Where the machine sent no data, the line is broken. "
                            "Times in {}.",
        "graficos_nao_carregaram": "The charts did not load. Reload the page.",
        "graficos_periodo": "From {} to {} · one point every {}.", "graficos_erro": "Charts: {}",
        "escolha_inicio_antes_fim": "Choose a start before the end.",
        "grafico_hora": "Time", "grafico_minimo": "Min", "grafico_media": "Average", "grafico_maximo": "Max",
        "ultimas_leituras": "Latest readings", "leituras_recentes": "Recent readings", "data_hora": "Date and time",
        "sem_leituras": "No readings received yet.",
        "comandos": "Commands", "aviso_offline": "Machine offline: commands will be refused until it sends a signal again.",
        "voltagem": "Voltage", "velocidade": "Speed", "faixa_entre": "Between {} and {}",
        "dar_partida": "Start", "parar": "Stop", "resetar": "Reset (220 V, 500 rpm, 20 °C)",
        "enviando": "Sending…", "ultimo_comando": "Last command: {} — ", "ultimos_comandos": "Latest commands",
        "comando": "Command", "situacao": "Status", "enviado_em": "Sent at", "sem_comandos": "No commands sent yet.",
        "comando_start": "Start", "comando_stop": "Stop", "comando_reset": "Reset",
        "estado_enviado": "Sent, waiting for the machine", "estado_confirmado": "Confirmed",
        "estado_expirado": "Expired without confirmation", "estado_falhou": "Failed",
        "registro_manual": "Manual log", "nova_anotacao": "New note (maintenance, adjustment, incident)",
        "contador_caracteres": "{} of {} characters", "salvar_anotacao": "Save note",
        "sem_anotacoes": "No notes yet.",
        "liberar_maquina": "Release machine", "liberar_maquina_botao": "Release machine…",
        "liberar_explicacao": "The machine leaves your list and can be paired by anyone holding its label. "
                              "Your notes will no longer be shown.",
        "liberar_pergunta": "Release “{}”? This cannot be undone from here.", "sim_liberar": "Yes, release",
        "cancelar": "Cancel", "maquina_liberada": "Machine released. Going back to the list…",

        # ---- account
        "conectado_como": "Logged in as", "preferencias": "Preferences", "fuso_horario": "Time zone",
        "fuso_outro_opcao": "Other (type the IANA name)", "ajuda_fuso": "Dates and charts are shown in this zone. Now: {}.",
        "fuso_outro": "Other zone (e.g. America/Araguaina)", "idioma": "Language", "tema": "Theme",
        "tema_claro": "Light", "tema_escuro": "Dark", "salvar_preferencias": "Save preferences",
        "preferencias_salvas": "Preferences saved.", "trocar_senha": "Change password",
        "ajuda_trocar_senha": "After the change, every session is closed and you log in again with the new password.",
        "senha_atual": "Current password", "senha_nova_rotulo": "New password (at least 8 characters)",
        "repita_senha": "Repeat the new password", "confirmacao_diferente": "The confirmation does not match the new password.",
        "sessao": "Session", "ajuda_sessao": "Logging out closes this session and every other one open with your account "
                                            "(phone, another computer).",
        "sair_de_todos": "Log out of all devices",

        # ---- admins' QR label sheet
        "etiquetas_qr": "QR labels", "imprimir": "Print",
        "etiquetas_escolhidas": "Machines chosen in the address ({}).",
        "etiquetas_livres": "Every free machine (no owner). To choose, use {}.",
        "exemplo_ids": "code1,code2",
        "etiquetas_folha": "A4 sheet; each label carries the pairing QR, the code and the maker/model. "
                           "The QR holds the pairing secret: keep printed sheets safe.",
        "etiquetas_novo_segredo": "Label unavailable or secret leaked? Create a new secret and QR from the console: "
                                  "{} (the old label stops working).",
        "maquina_nao_encontrada": "Machine not found: {}", "sem_etiquetas": "No machines to label.",
        "alt_qr": "Pairing QR code of machine {}",
        "etiqueta_indisponivel": "label unavailable — create a new secret from the console",
    },
}
