// Configuração do firmware DataButcher (ESP32 / Wokwi).
// Edite estes valores antes de simular. NUNCA faça commit de um token real:
// o DEVICE_TOKEN abaixo é apenas um marcador de posição.
#pragma once

// ---- Wi-Fi ----
// "Wokwi-GUEST" é o ponto de acesso aberto do simulador (sem senha).
#define WIFI_SSID "Wokwi-GUEST"
#define WIFI_PASSWORD ""
// Canal fixo do Wokwi-GUEST: pula a varredura e conecta mais rápido.
// Use 0 numa rede real (varredura automática).
#define WIFI_CHANNEL 6

// ---- Broker MQTT ----
// "host.wokwi.internal" aponta para a máquina que roda o gateway IoT privado
// do Wokwi (wokwigw). Sem o gateway, use um hostname público do seu broker.
#define MQTT_HOST "host.wokwi.internal"
#define MQTT_PORT 1883

// ---- Identidade do dispositivo ----
// MACHINE_ID: ObjectId (24 caracteres hexadecimais) da máquina cadastrada.
// DEVICE_TOKEN: token do dispositivo gerado na criação da máquina.
// Obtenha ambos com:
//   python main.py maquina criar --fabricante F --modelo M --json
// No broker: usuário = MACHINE_ID, senha = DEVICE_TOKEN (o broker embutido e o
// mosquitto de produção recusam quem entra sem login). Depois de
// `python main.py maquina token --id <MACHINE_ID>` o token antigo deixa de valer:
// atualize-o aqui.
#define MACHINE_ID "000000000000000000000000"
#define DEVICE_TOKEN "COLE_AQUI_O_TOKEN_DO_DISPOSITIVO"

// ---- Tempos ----
// Intervalo entre publicações de telemetria (ms).
#define INTERVALO_PUBLICACAO_MS 2000UL

// ---- Relógio (NTP) ----
#define NTP_SERVIDOR "pool.ntp.org"
