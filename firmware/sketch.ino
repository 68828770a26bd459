// DataButcher — firmware de monitoramento de máquina (ESP32, Arduino).
//
// Simula quatro sensores (tensão, vibração, temperatura, rpm), publica a
// telemetria via MQTT e obedece aos comandos start / stop / reset enviados
// pelo servidor. O laço principal nunca bloqueia: tudo é agendado com millis().
//
// Bibliotecas: PubSubClient e ArduinoJson v7 (ver libraries.txt).

#define ARDUINOJSON_USE_LONG_LONG 1

#include <WiFi.h>
#include <PubSubClient.h>
#include <ArduinoJson.h>
#include <time.h>
#include <sys/time.h>
#include <math.h>
#include <string.h>

#include "config.h"

// ============================================================================
// Contrato com o servidor (verificado por tests/test_firmware_contrato.py).
// Tópicos, chaves JSON, estados e comandos ficam todos aqui, como constantes.
// ============================================================================

// Tópicos: databutcher/<MACHINE_ID>/<sufixo> (sem barra inicial).
static const char TOPICO_PREFIXO[] = "databutcher/";
static const char SUFIXO_TELEMETRIA[] = "telemetria";
static const char SUFIXO_STATUS[] = "status";
static const char SUFIXO_COMANDOS[] = "comandos";

// Chaves da telemetria.
static const char CHAVE_TENSAO[] = "tensao";
static const char CHAVE_VIBRACAO[] = "vibracao";
static const char CHAVE_TEMPERATURA[] = "temperatura";
static const char CHAVE_RPM[] = "rpm";
static const char CHAVE_SEQ[] = "seq";
static const char CHAVE_TS[] = "ts";

// Status (publicado com retain): estado, hora do dispositivo, parâmetros com que roda e, num
// desarme, o motivo, o valor que desarmou e o limite que ele passou.
static const char CHAVE_STATUS_ESTADO[] = "state";
static const char CHAVE_STATUS_TS[] = "ts";
static const char CHAVE_STATUS_PARAMETROS[] = "parametros";
static const char CHAVE_MOTIVO[] = "motivo";
static const char CHAVE_VALOR[] = "valor";
static const char CHAVE_LIMITE[] = "limite";
static const char ESTADO_INICIADA[] = "iniciada";
static const char ESTADO_PARADA[] = "parada";
static const char ESTADO_DESARMADA[] = "desarmada";
static const char ESTADO_ONLINE[] = "online";
static const char MOTIVO_TEMPERATURA[] = "temperatura_acima_do_limite";
// Last Will: o broker publica isto em .../status se a conexão cair.
static const char PAYLOAD_LWT[] = "{\"state\":\"offline\"}";

// Comandos recebidos em .../comandos.
static const char CHAVE_COMANDO[] = "comando";
static const char CHAVE_ID[] = "id";
static const char CHAVE_EXPIRA_EM[] = "expira_em";
static const char CHAVE_PARAMETROS[] = "parametros";
static const char COMANDO_START[] = "start";
static const char COMANDO_STOP[] = "stop";
static const char COMANDO_RESET[] = "reset";
static const char PARAM_VOLTAGEM[] = "voltagem";
static const char PARAM_VELOCIDADE[] = "velocidade";
static const char PARAM_TEMPERATURA[] = "temperatura";

// Faixas aceitas nos parâmetros do comando start.
static const float VOLTAGEM_MIN = 220.0f, VOLTAGEM_MAX = 380.0f;
static const float VELOCIDADE_MIN = 500.0f, VELOCIDADE_MAX = 3000.0f;
static const float TEMPERATURA_MIN = 20.0f, TEMPERATURA_MAX = 120.0f;

// Valores padrão (iguais aos do reset no servidor).
static const float VOLTAGEM_PADRAO = 220.0f;
static const float VELOCIDADE_PADRAO = 500.0f;
static const float TEMPERATURA_PADRAO = 20.0f;

// Heartbeat de status: o servidor considera o dispositivo offline após 45 s.
static const unsigned long INTERVALO_HEARTBEAT_MS = 15000UL;

// ============================================================================
// Hardware e tempos internos
// ============================================================================

static const int PINO_LED_OPERACAO = 2;  // LED aceso = máquina iniciada

static const unsigned long INTERVALO_SIMULACAO_MS = 200UL;
static const unsigned long WIFI_BACKOFF_INICIAL_MS = 5000UL;
static const unsigned long WIFI_BACKOFF_MAXIMO_MS = 60000UL;
static const unsigned long MQTT_BACKOFF_INICIAL_MS = 1000UL;
static const unsigned long MQTT_BACKOFF_MAXIMO_MS = 30000UL;
static const uint16_t MQTT_TAMANHO_BUFFER = 512;
static const uint16_t MQTT_KEEPALIVE_S = 15;
static const uint16_t MQTT_TIMEOUT_SOCKET_S = 5;

// Qualquer data anterior a 2023-11 indica relógio ainda não sincronizado.
static const time_t EPOCA_MINIMA_VALIDA = 1700000000;

static const float TEMPERATURA_AMBIENTE = 25.0f;

// ============================================================================
// Estado
// ============================================================================

struct Parametros {
  float voltagem;
  float velocidade;
  float temperatura;  // temperatura máxima permitida (°C)
};

struct Sensores {
  float tensao;       // V
  float vibracao;     // mm/s RMS
  float temperatura;  // °C
  float rpm;          // rotações por minuto
};

WiFiClient clienteWifi;
PubSubClient mqtt(clienteWifi);

static char topicoTelemetria[64];
static char topicoStatus[64];
static char topicoComandos[64];
static char idCliente[48];

static Parametros parametros = {VOLTAGEM_PADRAO, VELOCIDADE_PADRAO, TEMPERATURA_PADRAO};
static Sensores sensores = {0.0f, 0.1f, TEMPERATURA_AMBIENTE, 0.0f};
static bool emOperacao = false;
// Desarme: a máquina parou sozinha e diz por quê em cada status até o próximo comando.
static bool estaDesarmada = false;
static float valorDesarme = 0.0f;
static float limiteDesarme = 0.0f;
static uint32_t seq = 0;
static char ultimoIdComando[40] = "";

static bool wifiConectado = false;
static bool ntpConfigurado = false;
static unsigned long wifiUltimaTentativa = 0;
static unsigned long wifiBackoff = WIFI_BACKOFF_INICIAL_MS;
static unsigned long mqttUltimaTentativa = 0;
static unsigned long mqttBackoff = MQTT_BACKOFF_INICIAL_MS;
static bool mqttJaTentou = false;

static unsigned long ultimaSimulacao = 0;
static unsigned long ultimaTelemetria = 0;
static unsigned long ultimoHeartbeat = 0;

// ============================================================================
// Utilitários
// ============================================================================

static void montarTopico(char* destino, size_t tamanho, const char* sufixo) {
  snprintf(destino, tamanho, "%s%s/%s", TOPICO_PREFIXO, MACHINE_ID, sufixo);
}

static bool tempoSincronizado() {
  return time(nullptr) > EPOCA_MINIMA_VALIDA;
}

static uint64_t agoraEpochMs() {
  struct timeval tv;
  gettimeofday(&tv, nullptr);
  return (uint64_t)tv.tv_sec * 1000ULL + (uint64_t)(tv.tv_usec / 1000);
}

// Ruído aproximadamente gaussiano em [-1, 1] (soma de uniformes).
static float ruido() {
  long soma = random(-1000, 1001) + random(-1000, 1001) + random(-1000, 1001);
  return (float)soma / 3000.0f;
}

// Passo de passeio aleatório com reversão à média (Ornstein-Uhlenbeck simples).
static float passoComReversao(float atual, float alvo, float taxa, float amplitude, float dt) {
  return atual + taxa * (alvo - atual) * dt + amplitude * sqrtf(dt) * ruido();
}

static float arredondar(float valor, int casas) {
  float fator = powf(10.0f, (float)casas);
  return roundf(valor * fator) / fator;
}

// Aceita qualquer número JSON (inteiro ou real) dentro da faixa.
static bool lerNumeroNaFaixa(JsonVariantConst valor, float minimo, float maximo, float& saida) {
  if (!valor.is<float>()) {
    return false;
  }
  float v = valor.as<float>();
  if (isnan(v) || v < minimo || v > maximo) {
    return false;
  }
  saida = v;
  return true;
}

// ============================================================================
// Publicação
// ============================================================================

static void publicarStatus(const char* estado) {
  if (!mqtt.connected()) {
    return;
  }
  JsonDocument doc;
  doc[CHAVE_STATUS_ESTADO] = estado;
  // O servidor guarda o histórico na hora que o dispositivo diz (sem NTP, na hora em que recebe).
  if (tempoSincronizado()) {
    doc[CHAVE_STATUS_TS] = agoraEpochMs();
  }
  if (strcmp(estado, ESTADO_ONLINE) != 0) {
    JsonObject params = doc[CHAVE_STATUS_PARAMETROS].to<JsonObject>();
    params[PARAM_VOLTAGEM] = parametros.voltagem;
    params[PARAM_VELOCIDADE] = parametros.velocidade;
    params[PARAM_TEMPERATURA] = parametros.temperatura;
  }
  if (strcmp(estado, ESTADO_DESARMADA) == 0) {
    doc[CHAVE_MOTIVO] = MOTIVO_TEMPERATURA;
    doc[CHAVE_VALOR] = arredondar(valorDesarme, 1);
    doc[CHAVE_LIMITE] = limiteDesarme;
  }
  char buffer[256];
  serializeJson(doc, buffer, sizeof(buffer));
  if (!mqtt.publish(topicoStatus, buffer, true)) {
    Serial.println(F("[mqtt] falha ao publicar status"));
  }
}

static void publicarEstadoOperacional() {
  publicarStatus(estaDesarmada ? ESTADO_DESARMADA : (emOperacao ? ESTADO_INICIADA : ESTADO_PARADA));
  ultimoHeartbeat = millis();
}

static void publicarTelemetria() {
  if (!mqtt.connected()) {
    return;
  }
  JsonDocument doc;
  doc[CHAVE_TENSAO] = arredondar(sensores.tensao, 1);
  doc[CHAVE_VIBRACAO] = arredondar(sensores.vibracao, 2);
  doc[CHAVE_TEMPERATURA] = arredondar(sensores.temperatura, 1);
  doc[CHAVE_RPM] = arredondar(sensores.rpm, 0);
  doc[CHAVE_SEQ] = ++seq;
  if (tempoSincronizado()) {
    doc[CHAVE_TS] = agoraEpochMs();
  }
  char buffer[256];
  serializeJson(doc, buffer, sizeof(buffer));
  // QoS 0, sem retain.
  if (!mqtt.publish(topicoTelemetria, buffer, false)) {
    Serial.println(F("[mqtt] falha ao publicar telemetria"));
  }
}

// ============================================================================
// Controle da máquina
// ============================================================================

// Um comando (start, stop, reset) define o estado e encerra um desarme.
static void definirOperacao(bool ligada) {
  bool mudou = (emOperacao != ligada) || estaDesarmada;
  emOperacao = ligada;
  estaDesarmada = false;
  digitalWrite(PINO_LED_OPERACAO, ligada ? HIGH : LOW);
  if (mudou) {
    Serial.printf("[maquina] %s\n", ligada ? ESTADO_INICIADA : ESTADO_PARADA);
  }
  // Publica sempre que um comando define o estado.
  publicarEstadoOperacional();
}

// Desarme por sobretemperatura: para sozinha e guarda o valor e o limite para o status.
static void desarmar(float valor, float limite) {
  emOperacao = false;
  estaDesarmada = true;
  valorDesarme = valor;
  limiteDesarme = limite;
  digitalWrite(PINO_LED_OPERACAO, LOW);
  Serial.printf("[maquina] %s: temperatura %.1f acima do limite %.1f\n", ESTADO_DESARMADA, valor, limite);
  publicarEstadoOperacional();
}

static void executarStart(JsonVariantConst params) {
  Parametros novos = parametros;
  if (!params.isNull()) {
    if (!params.is<JsonObjectConst>()) {
      Serial.println(F("[comando] start rejeitado: parametros não é objeto"));
      return;
    }
    JsonVariantConst voltagem = params[PARAM_VOLTAGEM];
    JsonVariantConst velocidade = params[PARAM_VELOCIDADE];
    JsonVariantConst temperatura = params[PARAM_TEMPERATURA];
    if (!voltagem.isNull() &&
        !lerNumeroNaFaixa(voltagem, VOLTAGEM_MIN, VOLTAGEM_MAX, novos.voltagem)) {
      Serial.println(F("[comando] start rejeitado: voltagem fora de 220-380"));
      return;
    }
    if (!velocidade.isNull() &&
        !lerNumeroNaFaixa(velocidade, VELOCIDADE_MIN, VELOCIDADE_MAX, novos.velocidade)) {
      Serial.println(F("[comando] start rejeitado: velocidade fora de 500-3000"));
      return;
    }
    if (!temperatura.isNull() &&
        !lerNumeroNaFaixa(temperatura, TEMPERATURA_MIN, TEMPERATURA_MAX, novos.temperatura)) {
      Serial.println(F("[comando] start rejeitado: temperatura fora de 20-120"));
      return;
    }
  }
  parametros = novos;
  Serial.printf("[comando] start: voltagem=%.0f velocidade=%.0f temperatura_max=%.0f\n",
                parametros.voltagem, parametros.velocidade, parametros.temperatura);
  definirOperacao(true);
}

static void executarStop() {
  Serial.println(F("[comando] stop"));
  definirOperacao(false);
}

static void executarReset() {
  Serial.println(F("[comando] reset: parâmetros padrão restaurados"));
  parametros.voltagem = VOLTAGEM_PADRAO;
  parametros.velocidade = VELOCIDADE_PADRAO;
  parametros.temperatura = TEMPERATURA_PADRAO;
  definirOperacao(false);
}

static void tratarComando(const byte* payload, unsigned int tamanho) {
  JsonDocument doc;
  DeserializationError erro = deserializeJson(doc, payload, tamanho);
  if (erro) {
    Serial.printf("[comando] JSON inválido: %s\n", erro.c_str());
    return;
  }

  const char* nomeLido = doc[CHAVE_COMANDO] | "";
  char nome[16];
  strncpy(nome, nomeLido, sizeof(nome) - 1);
  nome[sizeof(nome) - 1] = '\0';

  const char* id = doc[CHAVE_ID] | "";

  // Comando vencido: só dá para saber se o relógio foi sincronizado via NTP.
  if (doc[CHAVE_EXPIRA_EM].is<double>() && tempoSincronizado()) {
    double expiraEm = doc[CHAVE_EXPIRA_EM].as<double>();
    if (expiraEm < (double)agoraEpochMs()) {
      Serial.printf("[comando] ignorado (expirado): %s id=%s\n", nome, id);
      return;
    }
  }

  // QoS 1 pode reentregar a mesma mensagem: ignora o id repetido.
  if (id[0] != '\0' && strcmp(id, ultimoIdComando) == 0) {
    Serial.printf("[comando] ignorado (repetido): id=%s\n", id);
    return;
  }
  strncpy(ultimoIdComando, id, sizeof(ultimoIdComando) - 1);
  ultimoIdComando[sizeof(ultimoIdComando) - 1] = '\0';

  if (strcmp(nome, COMANDO_START) == 0) {
    executarStart(doc[CHAVE_PARAMETROS]);
  } else if (strcmp(nome, COMANDO_STOP) == 0) {
    executarStop();
  } else if (strcmp(nome, COMANDO_RESET) == 0) {
    executarReset();
  } else {
    Serial.printf("[comando] desconhecido: '%s'\n", nome);
  }
}

static void aoReceberMensagem(char* topico, byte* payload, unsigned int tamanho) {
  if (strcmp(topico, topicoComandos) != 0) {
    return;
  }
  tratarComando(payload, tamanho);
}

// ============================================================================
// Simulação dos sensores
// ============================================================================

static void atualizarSensores(float dt) {
  if (emOperacao) {
    // rpm sobe em rampa (aceleração limitada) até a velocidade comandada.
    float aceleracao = 600.0f * dt;
    float diferenca = parametros.velocidade - sensores.rpm;
    if (diferenca > aceleracao) diferenca = aceleracao;
    if (diferenca < -aceleracao) diferenca = -aceleracao;
    sensores.rpm += diferenca + 4.0f * ruido();

    float carga = sensores.rpm / VELOCIDADE_MAX;  // 0..1
    sensores.tensao = passoComReversao(sensores.tensao, parametros.voltagem, 2.0f, 3.0f, dt);
    sensores.vibracao = passoComReversao(sensores.vibracao, 1.0f + 1.5f * carga, 0.8f, 0.15f, dt);
    // Aquece devagar rumo a ~60-70 °C, conforme a velocidade.
    sensores.temperatura =
        passoComReversao(sensores.temperatura, 60.0f + 10.0f * carga, 0.03f, 0.3f, dt);
  } else {
    float desaceleracao = 900.0f * dt;
    sensores.rpm = (sensores.rpm > desaceleracao) ? sensores.rpm - desaceleracao : 0.0f;
    sensores.tensao = passoComReversao(sensores.tensao, 0.0f, 3.0f, 0.3f, dt);
    sensores.vibracao = passoComReversao(sensores.vibracao, 0.1f, 0.8f, 0.02f, dt);
    // Esfria até a temperatura ambiente.
    sensores.temperatura =
        passoComReversao(sensores.temperatura, TEMPERATURA_AMBIENTE, 0.02f, 0.1f, dt);
  }

  if (sensores.rpm < 0.0f) sensores.rpm = 0.0f;
  if (sensores.tensao < 0.0f) sensores.tensao = 0.0f;
  if (sensores.vibracao < 0.0f) sensores.vibracao = 0.0f;

  // Desarme por sobretemperatura: a máquina para sozinha e diz por quê.
  if (emOperacao && sensores.temperatura > parametros.temperatura) {
    desarmar(sensores.temperatura, parametros.temperatura);
  }
}

// ============================================================================
// Conectividade (sem bloquear o laço)
// ============================================================================

static void cuidarWifi(unsigned long agora) {
  if (WiFi.status() == WL_CONNECTED) {
    if (!wifiConectado) {
      wifiConectado = true;
      wifiBackoff = WIFI_BACKOFF_INICIAL_MS;
      Serial.print(F("[wifi] conectado, IP "));
      Serial.println(WiFi.localIP());
      if (!ntpConfigurado) {
        configTime(0, 0, NTP_SERVIDOR);
        ntpConfigurado = true;
      }
    }
    return;
  }

  if (wifiConectado) {
    wifiConectado = false;
    wifiUltimaTentativa = agora;
    Serial.println(F("[wifi] conexão perdida"));
  }

  if (agora - wifiUltimaTentativa >= wifiBackoff) {
    wifiUltimaTentativa = agora;
    Serial.printf("[wifi] reconectando a %s (próxima em %lu ms)\n", WIFI_SSID, wifiBackoff * 2);
    WiFi.disconnect();
    WiFi.begin(WIFI_SSID, WIFI_PASSWORD, WIFI_CHANNEL);
    wifiBackoff = (wifiBackoff * 2 > WIFI_BACKOFF_MAXIMO_MS) ? WIFI_BACKOFF_MAXIMO_MS : wifiBackoff * 2;
  }
}

static void aoConectarMqtt() {
  Serial.println(F("[mqtt] conectado"));
  mqtt.subscribe(topicoComandos, 1);
  publicarStatus(ESTADO_ONLINE);
  publicarEstadoOperacional();
}

static void cuidarMqtt(unsigned long agora) {
  if (mqtt.connected()) {
    mqtt.loop();
    return;
  }
  if (!wifiConectado) {
    return;
  }
  if (mqttJaTentou && agora - mqttUltimaTentativa < mqttBackoff) {
    return;
  }
  mqttJaTentou = true;
  mqttUltimaTentativa = agora;

  Serial.printf("[mqtt] conectando a %s:%d como %s\n", MQTT_HOST, MQTT_PORT, idCliente);
  // Uma única tentativa por vez (limitada por MQTT_TIMEOUT_SOCKET_S); o
  // intervalo entre tentativas dobra até MQTT_BACKOFF_MAXIMO_MS.
  bool ok = mqtt.connect(idCliente, MACHINE_ID, DEVICE_TOKEN,
                         topicoStatus, 1, true, PAYLOAD_LWT);
  if (ok) {
    mqttBackoff = MQTT_BACKOFF_INICIAL_MS;
    aoConectarMqtt();
  } else if (mqtt.state() == MQTT_CONNECT_BAD_CREDENTIALS || mqtt.state() == MQTT_CONNECT_UNAUTHORIZED) {
    // Login recusado: token trocado (`main.py maquina token`), máquina removida ou
    // config.h errado. Tentar de novo logo não muda a resposta: espera o intervalo máximo.
    Serial.println(F("[mqtt] login recusado: confira MACHINE_ID e DEVICE_TOKEN em config.h"));
    mqttBackoff = MQTT_BACKOFF_MAXIMO_MS;
  } else {
    Serial.printf("[mqtt] falhou (estado %d), nova tentativa em %lu ms\n", mqtt.state(), mqttBackoff);
    unsigned long proximo = mqttBackoff * 2 + (unsigned long)random(0, 500);
    mqttBackoff = (proximo > MQTT_BACKOFF_MAXIMO_MS) ? MQTT_BACKOFF_MAXIMO_MS : proximo;
  }
}

// ============================================================================
// setup / loop
// ============================================================================

void setup() {
  Serial.begin(115200);
  pinMode(PINO_LED_OPERACAO, OUTPUT);
  digitalWrite(PINO_LED_OPERACAO, LOW);

  montarTopico(topicoTelemetria, sizeof(topicoTelemetria), SUFIXO_TELEMETRIA);
  montarTopico(topicoStatus, sizeof(topicoStatus), SUFIXO_STATUS);
  montarTopico(topicoComandos, sizeof(topicoComandos), SUFIXO_COMANDOS);
  snprintf(idCliente, sizeof(idCliente), "databutcher-%s", MACHINE_ID);

  Serial.println(F("DataButcher firmware"));
  Serial.printf("maquina: %s\n", MACHINE_ID);

  WiFi.mode(WIFI_STA);
  WiFi.setAutoReconnect(true);
  WiFi.begin(WIFI_SSID, WIFI_PASSWORD, WIFI_CHANNEL);
  wifiUltimaTentativa = millis();

  mqtt.setServer(MQTT_HOST, MQTT_PORT);
  mqtt.setCallback(aoReceberMensagem);
  mqtt.setBufferSize(MQTT_TAMANHO_BUFFER);
  mqtt.setKeepAlive(MQTT_KEEPALIVE_S);
  mqtt.setSocketTimeout(MQTT_TIMEOUT_SOCKET_S);

  ultimaSimulacao = millis();
}

void loop() {
  unsigned long agora = millis();

  cuidarWifi(agora);
  cuidarMqtt(agora);

  if (agora - ultimaSimulacao >= INTERVALO_SIMULACAO_MS) {
    float dt = (float)(agora - ultimaSimulacao) / 1000.0f;
    ultimaSimulacao = agora;
    atualizarSensores(dt);
  }

  if (agora - ultimaTelemetria >= INTERVALO_PUBLICACAO_MS) {
    ultimaTelemetria = agora;
    publicarTelemetria();
  }

  if (mqtt.connected() && agora - ultimoHeartbeat >= INTERVALO_HEARTBEAT_MS) {
    publicarEstadoOperacional();
  }

  delay(1);  // cede tempo ao Wi-Fi/RTOS
}
