"""Secrets: production refuses guessable or shared keys and never uses the development key file;
every file holding a secret is the owner's alone from its first byte."""
import json
import os
import stat
from datetime import datetime, timedelta, timezone

import jwt
import mongomock
import pytest

from app import create_app
from config import ARQUIVO_SEGREDOS_DEV, ConfiguracaoInvalida, ler_configuracao
from nucleo import etiquetas
from simulador.cadastro import ARQUIVO_MAQUINAS, preparar_maquinas

from conftest import CONFIG_TESTE, assert_envelope
from test_config import CHAVE_FORTE, OUTRA_CHAVE_FORTE


def producao(pasta, **chaves):
    return {"DATABUTCHER_ENV": "production", "EMBUTIDOS_EM_PRODUCAO": "true", "DATA_DIR": str(pasta), **chaves}


@pytest.mark.parametrize("fraca", [
    "a" * 32, "changeme" * 4, "abcdefghijklmnop" * 2, "Senha123" * 5, "s" * 40,
    "chave-de-producao-" + "x" * 30,  # long, but one character is most of it
])
def test_producao_recusa_chave_longa_mas_adivinhavel(tmp_path, fraca):
    with pytest.raises(ConfiguracaoInvalida, match="SECRET_KEY fraco"):
        ler_configuracao(producao(tmp_path, SECRET_KEY=fraca, JWT_SECRET_KEY=OUTRA_CHAVE_FORTE))
    with pytest.raises(ConfiguracaoInvalida, match="JWT_SECRET_KEY fraco"):
        ler_configuracao(producao(tmp_path, SECRET_KEY=CHAVE_FORTE, JWT_SECRET_KEY=fraca))


def test_producao_recusa_a_mesma_chave_para_sessao_e_jwt(tmp_path):
    with pytest.raises(ConfiguracaoInvalida, match="diferentes"):
        ler_configuracao(producao(tmp_path, SECRET_KEY=CHAVE_FORTE, JWT_SECRET_KEY=CHAVE_FORTE))


def test_producao_aceita_chaves_como_o_env_example_manda_gerar(tmp_path):
    import secrets
    for _ in range(50):
        ler_configuracao(producao(tmp_path, SECRET_KEY=secrets.token_hex(32), JWT_SECRET_KEY=secrets.token_hex(32)))


def test_producao_sem_chaves_nao_cai_no_arquivo_de_desenvolvimento(tmp_path):
    ler_configuracao({"DATA_DIR": str(tmp_path)})  # a developer ran it here once: the dev key file exists
    assert (tmp_path / ARQUIVO_SEGREDOS_DEV).exists()
    with pytest.raises(ConfiguracaoInvalida, match="SECRET_KEY"):
        ler_configuracao(producao(tmp_path))


def test_jwt_assinado_com_a_chave_de_desenvolvimento_nao_entra_em_producao(tmp_path):
    chave_dev = ler_configuracao({"DATA_DIR": str(tmp_path)})["JWT_SECRET_KEY"]
    cfg = ler_configuracao(producao(tmp_path, SECRET_KEY=CHAVE_FORTE, JWT_SECRET_KEY=OUTRA_CHAVE_FORTE))
    app = create_app(dict(cfg, **CONFIG_TESTE), mongo_client=mongomock.MongoClient(tz_aware=True))
    try:
        servicos = app.extensions["databutcher"]
        usuario = servicos.usuarios.criar("ana", "senha-forte-123", "Frigo", "ana@x.com")
        expira = datetime.now(timezone.utc) + timedelta(hours=1)
        sessao = servicos.sessoes.abrir(usuario["id"], datetime.now(timezone.utc), expira)
        carga = {"sub": usuario["id"], "nome_usuario": "ana", "ver": 0, "sid": sessao, "exp": expira}
        client = app.test_client()
        forjado = jwt.encode(carga, chave_dev, algorithm="HS256")
        assert_envelope(client.get("/api/auth/me", headers={"Authorization": f"Bearer {forjado}"}), 401)
        legitimo = jwt.encode(carga, OUTRA_CHAVE_FORTE, algorithm="HS256")
        assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {legitimo}"}).status_code == 200
    finally:
        app.extensions["databutcher"].encerrar()


# ---- files with secrets: 0600 from the first byte ------------------------------------------
@pytest.fixture
def sem_chmod_e_umask_aberta(monkeypatch):
    """umask 000 (nothing masks a careless mode) and no chmod: a file is born 0600 or the test sees it."""
    def proibido(*_):
        raise AssertionError("chmod depois de criar: o conteúdo já esteve legível por outros")
    monkeypatch.setattr(os, "chmod", proibido)
    monkeypatch.setattr(os, "fchmod", proibido)
    anterior = os.umask(0)
    yield
    os.umask(anterior)


def modo(caminho):
    return stat.S_IMODE(os.stat(caminho).st_mode)


def test_chaves_de_desenvolvimento_nascem_so_do_dono(tmp_path, sem_chmod_e_umask_aberta):
    cfg = ler_configuracao({"DATA_DIR": str(tmp_path / "dados")})
    arquivo = tmp_path / "dados" / ARQUIVO_SEGREDOS_DEV
    assert modo(arquivo) == 0o600 and modo(arquivo.parent) == 0o700
    assert json.loads(arquivo.read_text())["JWT_SECRET_KEY"] == cfg["JWT_SECRET_KEY"]
    assert [p.name for p in arquivo.parent.iterdir()] == [ARQUIVO_SEGREDOS_DEV]  # no temporary left behind


def test_etiqueta_qr_nasce_so_do_dono_mesmo_com_restos_de_versoes_antigas(tmp_path, sem_chmod_e_umask_aberta):
    maquina_id = "0123456789abcdef01234567"
    velha = tmp_path / etiquetas.arquivo_qrcode(maquina_id)
    for resto in (velha, velha.with_suffix(".tmp")):  # an old label and an old temporary, both world-readable
        os.close(os.open(resto, os.O_WRONLY | os.O_CREAT, 0o644))
        assert modo(resto) == 0o644
    caminho = etiquetas.gravar_qrcode("http://x/maquinas/adicionar?codigo=c&segredo=s", tmp_path, maquina_id)
    assert caminho == velha and modo(caminho) == 0o600
    assert caminho.read_bytes().startswith(b"\x89PNG")


def test_arquivo_de_tokens_do_simulador_nasce_so_do_dono(tmp_path, servicos, sem_chmod_e_umask_aberta):
    preparar_maquinas(servicos, tmp_path, 2)
    arquivo = tmp_path / ARQUIVO_MAQUINAS
    assert modo(arquivo) == 0o600 and len(json.loads(arquivo.read_text())["maquinas"]) == 2
