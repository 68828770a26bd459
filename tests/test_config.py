"""Settings: one place, safe defaults in development, refusals in production."""
import stat

import pytest

from config import ConfiguracaoInvalida, RAIZ, credenciais_mqtt_do_app, ler_configuracao

# Two keys as `secrets.token_hex(32)` makes them (fixed here so the tests are the same every run).
CHAVE_FORTE = "8bcc11d6945580063e0b197678a5ba92e4013adb389e79b21de5dbadf8627c8a"
OUTRA_CHAVE_FORTE = "da647e98d544888fde6c4a519f68458ffcf56e02ea42a671140a07637ee06099"


def test_desenvolvimento_gera_segredos_aleatorios_e_os_mantem(tmp_path):
    ambiente = {"DATA_DIR": str(tmp_path)}
    primeira, segunda = ler_configuracao(ambiente), ler_configuracao(ambiente)
    assert len(primeira["SECRET_KEY"]) >= 32 and primeira["SECRET_KEY"] != primeira["JWT_SECRET_KEY"]
    assert (primeira["SECRET_KEY"], primeira["JWT_SECRET_KEY"]) == (segunda["SECRET_KEY"], segunda["JWT_SECRET_KEY"])
    assert ler_configuracao({"DATA_DIR": str(tmp_path / "outra")})["SECRET_KEY"] != primeira["SECRET_KEY"]


@pytest.mark.parametrize("segredo", [None, "sua_chave_secreta_flask", "curta-demais"])
def test_producao_recusa_segredo_ausente_padrao_ou_curto(tmp_path, segredo):
    ambiente = {"DATABUTCHER_ENV": "production", "DATA_DIR": str(tmp_path), "JWT_SECRET_KEY": OUTRA_CHAVE_FORTE}
    if segredo:
        ambiente["SECRET_KEY"] = segredo
    with pytest.raises(ConfiguracaoInvalida, match="SECRET_KEY"):
        ler_configuracao(ambiente)


def test_producao_com_segredos_fortes_liga_cookie_seguro(tmp_path):
    cfg = ler_configuracao({"DATABUTCHER_ENV": "production", "EMBUTIDOS_EM_PRODUCAO": "true", "DATA_DIR": str(tmp_path),
                            "SECRET_KEY": CHAVE_FORTE, "JWT_SECRET_KEY": OUTRA_CHAVE_FORTE})
    assert cfg["DATABUTCHER_ENV"] == "production" and cfg["SESSION_COOKIE_SECURE"]


def test_usuario_e_senha_do_mongo_sao_escapados_na_uri(tmp_path):
    cfg = ler_configuracao({"DATA_DIR": str(tmp_path), "MONGO_USER": "ana@frigo", "MONGO_PASS": "p@ss:/w",
                            "MONGO_HOST": "cluster0.exemplo.net"})
    assert cfg["MONGO_URI"] == "mongodb+srv://ana%40frigo:p%40ss%3A%2Fw@cluster0.exemplo.net/?retryWrites=true&w=majority"
    assert ler_configuracao({"DATA_DIR": str(tmp_path), "MONGO_URI": "mongodb://db:27017"})["MONGO_URI"] == "mongodb://db:27017"


def test_pastas_relativas_sao_relativas_ao_projeto_e_numeros_invalidos_sao_recusados(tmp_path):
    cfg = ler_configuracao({"DATA_DIR": "dados-x", "SECRET_KEY": "s" * 40, "JWT_SECRET_KEY": "j" * 40})
    assert cfg["DATA_DIR"] == str(RAIZ / "dados-x")
    with pytest.raises(ConfiguracaoInvalida, match="PORT"):
        ler_configuracao({"DATA_DIR": str(tmp_path), "PORT": "cinco mil"})


def test_limites_de_tentativas_vem_das_configuracoes_e_sao_conferidos_na_partida(tmp_path):
    cfg = ler_configuracao({"DATA_DIR": str(tmp_path)})
    assert cfg["RATELIMIT_STORAGE_URI"] == "memory://" and cfg["LIMITE_LOGIN_USUARIO"] == "5 per minute"
    cfg = ler_configuracao({"DATA_DIR": str(tmp_path), "RATELIMIT_STORAGE_URI": "redis://cache:6379",
                            "LIMITE_LOGIN_IP": "30/minute;200/hour"})
    assert cfg["RATELIMIT_STORAGE_URI"] == "redis://cache:6379" and cfg["LIMITE_LOGIN_IP"] == "30/minute;200/hour"
    with pytest.raises(ConfiguracaoInvalida, match="LIMITE_LOGIN_IP"):
        ler_configuracao({"DATA_DIR": str(tmp_path), "LIMITE_LOGIN_IP": "muitos"})
    with pytest.raises(ConfiguracaoInvalida, match="LOG_FORMAT"):
        ler_configuracao({"DATA_DIR": str(tmp_path), "LOG_FORMAT": "xml"})


def test_broker_embutido_ouve_so_no_loopback_por_padrao(tmp_path):
    cfg = ler_configuracao({"DATA_DIR": str(tmp_path)})
    assert cfg["MQTT_BIND"] == "127.0.0.1" and cfg["MQTT_DYNSEC"] is False
    assert ler_configuracao({"DATA_DIR": str(tmp_path), "MQTT_BIND": "0.0.0.0"})["MQTT_BIND"] == "0.0.0.0"


def test_login_do_app_no_broker_embutido_e_gerado_uma_vez_so_para_o_dono(tmp_path):
    cfg = {"DATA_DIR": str(tmp_path)}
    usuario, senha = credenciais_mqtt_do_app(cfg)
    assert usuario == "databutcher-app" and len(senha) >= 32
    assert credenciais_mqtt_do_app(cfg) == (usuario, senha)
    assert stat.S_IMODE((tmp_path / "mqtt-app.json").stat().st_mode) == 0o600
    assert credenciais_mqtt_do_app(dict(cfg, MQTT_USERNAME="app-da-planta", MQTT_PASSWORD="p" * 40)) == ("app-da-planta", "p" * 40)


def test_producao_recusa_broker_externo_sem_login_e_dynsec_sem_admin(tmp_path):
    producao = {"DATABUTCHER_ENV": "production", "EMBUTIDOS_EM_PRODUCAO": "true", "DATA_DIR": str(tmp_path), "SECRET_KEY": CHAVE_FORTE, "JWT_SECRET_KEY": OUTRA_CHAVE_FORTE}
    with pytest.raises(ConfiguracaoInvalida, match="MQTT_USERNAME"):
        ler_configuracao(dict(producao, MQTT_BROKER_URL="mosquitto.planta"))
    with pytest.raises(ConfiguracaoInvalida, match="MQTT_DYNSEC"):
        ler_configuracao({"DATA_DIR": str(tmp_path), "MQTT_DYNSEC": "true", "MQTT_BROKER_URL": "mosquitto.planta"})
    cfg = ler_configuracao(dict(producao, MQTT_BROKER_URL="mosquitto.planta", MQTT_USERNAME="app", MQTT_PASSWORD="p" * 20,
                                MQTT_DYNSEC="true", MQTT_DYNSEC_PASSWORD="a" * 20))
    assert cfg["MQTT_DYNSEC"] and cfg["MQTT_DYNSEC_USERNAME"] == "admin"


def test_producao_recusa_banco_e_broker_embutidos_sem_pedir(tmp_path):
    producao = {"DATABUTCHER_ENV": "production", "DATA_DIR": str(tmp_path), "SECRET_KEY": CHAVE_FORTE,
                "JWT_SECRET_KEY": OUTRA_CHAVE_FORTE}
    with pytest.raises(ConfiguracaoInvalida, match="MONGO_URI"):
        ler_configuracao(producao)
    with pytest.raises(ConfiguracaoInvalida, match="MQTT_BROKER_URL"):
        ler_configuracao(dict(producao, MONGO_URI="mongodb://db:27017"))
    assert ler_configuracao(dict(producao, EMBUTIDOS_EM_PRODUCAO="true"))["EMBUTIDOS_EM_PRODUCAO"] is True
