"""The admin console (main.py): subcommands, the interactive menu, and one run on the embedded store."""
import ast
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import mongomock
import pytest

import main
from nucleo import etiquetas
from MongoDB.erros import SegredoInvalido, TokenDispositivoInvalido
from MongoDB.gerencia_BD import GerenciadorBD
from nucleo.servicos import criar_servicos

RAIZ = Path(__file__).resolve().parent.parent
SENHA = "senha-forte-123"


@pytest.fixture
def cfg(tmp_path):
    return {"PUBLIC_URL": "http://databutcher.test", "QRCODE_DIR": str(tmp_path / "qr"), "BCRYPT_ROUNDS": 4}


@pytest.fixture
def servicos(cfg):
    bd = GerenciadorBD(mongomock.MongoClient(tz_aware=True), "teste")
    bd.criar_indices()
    return criar_servicos(bd, cfg)


class Roteiro:
    """Scripted answers for `entrada`; a callable answer reads what the console printed so far."""

    def __init__(self, saida, respostas):
        self.saida = saida
        self.respostas = list(respostas)
        self.perguntas = []

    def __call__(self, pergunta=""):
        self.perguntas.append(pergunta)
        if not self.respostas:
            raise EOFError
        resposta = self.respostas.pop(0)
        return resposta(self.saida.getvalue()) if callable(resposta) else resposta


@pytest.fixture
def console(servicos, cfg):
    """Run `main.executar(argv)` in-process; returns (exit code, stdout text)."""
    def rodar(*argv, respostas=()):
        saida = io.StringIO()
        codigo = main.executar(list(argv), servicos=servicos, cfg=cfg, entrada=Roteiro(saida, respostas), saida=saida)
        return codigo, saida.getvalue()
    return rodar


def _usuario(servicos, nome="ana", papel="operador"):
    return servicos.usuarios.criar(nome, SENHA, "Frigorífico Teste", f"{nome}@exemplo.com", papel)


def test_maquina_criar_json_entrega_token_que_autentica_e_link_que_reivindica(console, servicos):
    codigo, saida = console("maquina", "criar", "--fabricante", "WEG", "--modelo", "W22", "--json")

    assert codigo == 0
    etiqueta = json.loads(saida)
    assert set(etiqueta) == {"id", "fabricante", "modelo", "link", "segredo", "token_dispositivo", "qrcode"}
    assert (etiqueta["fabricante"], etiqueta["modelo"]) == ("WEG", "W22")
    servicos.maquinas.autenticar_dispositivo(etiqueta["id"], etiqueta["token_dispositivo"])  # raises if not its token
    codigo_link, segredo_link = etiquetas.ler_link_reivindicacao(etiqueta["link"])
    assert codigo_link == etiqueta["id"] and segredo_link == etiqueta["segredo"]
    dono = _usuario(servicos)
    maquina, nova = servicos.maquinas.reivindicar(codigo_link, segredo_link, dono["id"], "Moedor 1")
    assert nova and maquina["id"] == etiqueta["id"]
    qrcode = Path(etiqueta["qrcode"])
    assert qrcode.is_absolute() and qrcode.name == f"qrcode_{etiqueta['id']}.png"
    assert qrcode.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_quantidade_3_cria_tres_maquinas_com_etiquetas_proprias(console, servicos):
    codigo, saida = console("maquina", "criar", "--fabricante", "WEG", "--modelo", "W22", "--quantidade", "3", "--json")

    assert codigo == 0
    etiquetas_criadas = json.loads(saida)
    assert isinstance(etiquetas_criadas, list) and len(etiquetas_criadas) == 3
    assert len({e["id"] for e in etiquetas_criadas}) == 3 and len({e["token_dispositivo"] for e in etiquetas_criadas}) == 3
    assert sorted(m["id"] for m in servicos.maquinas.listar_todas()) == sorted(e["id"] for e in etiquetas_criadas)
    assert all(Path(e["qrcode"]).is_file() for e in etiquetas_criadas)


def test_maquina_criar_mostra_link_token_unico_e_comando_do_mosquitto(console, servicos):
    codigo, saida = console("maquina", "criar", "--fabricante", "WEG", "--modelo", "W22")

    assert codigo == 0
    [maquina] = servicos.maquinas.listar_todas()
    token = re.search(r"mosquitto_passwd -b \S+ (\S+) (\S+)", saida)
    assert token and token.group(1) == maquina["id"]
    servicos.maquinas.autenticar_dispositivo(maquina["id"], token.group(2))
    assert "só esta vez" in saida and f"codigo={maquina['id']}" in saida


def test_usuario_criado_pedindo_senha_promovido_a_admin_e_listado(console, servicos):
    codigo, _ = console("usuario", "criar", "--nome", "ana", "--empresa", "Frigorífico", "--email", "ana@exemplo.com",
                        respostas=[SENHA, SENHA])
    assert codigo == 0
    assert servicos.usuarios.autenticar("ana", SENHA)["papel"] == "operador"

    assert console("usuario", "admin", "--nome", "ana")[0] == 0
    codigo, saida = console("usuario", "listar", "--json")

    assert codigo == 0
    [ana] = json.loads(saida)
    assert ana["nome_usuario"] == "ana" and ana["papel"] == "admin" and ana["email"] == "ana@exemplo.com"
    assert "senha" not in ana


def test_usuario_criado_com_admin_e_removido(console, servicos):
    assert console("usuario", "criar", "--nome", "chefe", "--empresa", "F", "--email", "chefe@exemplo.com",
                   "--senha", SENHA, "--admin")[0] == 0
    assert servicos.usuarios.buscar_por_nome("chefe")["papel"] == "admin"

    assert console("usuario", "remover", "--nome", "chefe")[0] == 0
    assert servicos.usuarios.buscar_por_nome("chefe") is None


def test_maquina_listar_mostra_dono_ou_livre(console, servicos):
    dono = _usuario(servicos)
    livre = servicos.maquinas.criar("WEG", "W22")
    minha = servicos.maquinas.criar("Siemens", "1LE1")
    servicos.maquinas.reivindicar(minha["maquina"]["id"], minha["segredo"], dono["id"], "Moedor 1")

    codigo, saida = console("maquina", "listar", "--json")
    assert codigo == 0
    donos = {m["id"]: m["dono"] for m in json.loads(saida)}
    assert donos == {livre["maquina"]["id"]: "livre", minha["maquina"]["id"]: dono["id"]}

    codigo, tabela = console("maquina", "listar")
    assert codigo == 0
    linha_livre = next(linha for linha in tabela.splitlines() if livre["maquina"]["id"] in linha)
    assert "livre" in linha_livre and "WEG" in linha_livre


def test_maquina_token_invalida_o_anterior(console, servicos):
    criada = servicos.maquinas.criar("WEG", "W22")
    maquina_id = criada["maquina"]["id"]

    codigo, saida = console("maquina", "token", "--id", maquina_id)

    assert codigo == 0
    novo = re.search(rf"mosquitto_passwd -b \S+ {maquina_id} (\S+)", saida).group(1)
    servicos.maquinas.autenticar_dispositivo(maquina_id, novo)
    with pytest.raises(TokenDispositivoInvalido):
        servicos.maquinas.autenticar_dispositivo(maquina_id, criada["token"])



def test_novo_segredo_invalida_o_antigo_e_o_novo_reivindica(console, servicos, cfg):
    codigo, saida = console("maquina", "criar", "--fabricante", "WEG", "--modelo", "W22", "--json")
    antiga = json.loads(saida)
    png_antigo = Path(antiga["qrcode"]).read_bytes()

    codigo, saida = console("maquina", "novo-segredo", "--id", antiga["id"], "--json")

    assert codigo == 0
    nova = json.loads(saida)
    assert nova["id"] == antiga["id"] and nova["qrcode"] == antiga["qrcode"] and nova["dono"] is None
    assert etiquetas.ler_link_reivindicacao(nova["link"]) == (antiga["id"], nova["segredo"])
    png = Path(nova["qrcode"])
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and png.read_bytes() != png_antigo
    dono = _usuario(servicos)
    with pytest.raises(SegredoInvalido):
        servicos.maquinas.reivindicar(antiga["id"], antiga["segredo"], dono["id"], "Moedor 1")
    maquina, nova_associacao = servicos.maquinas.reivindicar(antiga["id"], nova["segredo"], dono["id"], "Moedor 1")
    assert nova_associacao and maquina["id"] == antiga["id"]


def test_novo_segredo_mostra_o_link_e_o_qr_reescrito(console, servicos):
    criada = servicos.maquinas.criar("WEG", "W22")
    maquina_id = criada["maquina"]["id"]

    codigo, saida = console("maquina", "novo-segredo", "--id", maquina_id)

    assert codigo == 0 and "deixaram de valer" in saida
    codigo_link, segredo = etiquetas.ler_link_reivindicacao(_link_impresso(saida))
    assert codigo_link == maquina_id and segredo != criada["segredo"]
    png = Path(re.search(r"QR code: (\S+)", saida).group(1))
    assert png.name == etiquetas.arquivo_qrcode(maquina_id) and png.is_file()


def test_novo_segredo_recusa_maquina_com_dono_sem_forcar(console, servicos, cfg, capsys):
    dono = _usuario(servicos)
    criada = servicos.maquinas.criar("WEG", "W22")
    maquina_id = criada["maquina"]["id"]
    servicos.maquinas.reivindicar(maquina_id, criada["segredo"], dono["id"], "Moedor 1")

    codigo, saida = console("maquina", "novo-segredo", "--id", maquina_id)

    erro = capsys.readouterr().err
    assert codigo == 1 and saida == ""
    assert erro.startswith("Erro: ") and "--forcar" in erro and dono["id"] in erro
    assert not (Path(cfg["QRCODE_DIR"]) / etiquetas.arquivo_qrcode(maquina_id)).exists()
    outro = _usuario(servicos, "bruno")
    servicos.maquinas.liberar(maquina_id, dono["id"])
    assert servicos.maquinas.reivindicar(maquina_id, criada["segredo"], outro["id"], "Moedor B")[1]


def test_novo_segredo_forcado_mantem_o_dono_e_invalida_a_etiqueta(console, servicos):
    dono = _usuario(servicos)
    criada = servicos.maquinas.criar("WEG", "W22")
    maquina_id = criada["maquina"]["id"]
    servicos.maquinas.reivindicar(maquina_id, criada["segredo"], dono["id"], "Moedor 1")

    codigo, saida = console("maquina", "novo-segredo", "--id", maquina_id, "--forcar")

    assert codigo == 0 and f"continua associada ao usuário {dono['id']}" in saida
    assert [m["id"] for m in servicos.maquinas.listar_do_usuario(dono["id"])] == [maquina_id]
    servicos.maquinas.liberar(maquina_id, dono["id"])
    outro = _usuario(servicos, "bruno")
    with pytest.raises(SegredoInvalido):
        servicos.maquinas.reivindicar(maquina_id, criada["segredo"], outro["id"], "Moedor B")
    _, segredo = etiquetas.ler_link_reivindicacao(_link_impresso(saida))
    assert servicos.maquinas.reivindicar(maquina_id, segredo, outro["id"], "Moedor B")[1]

def test_maquina_liberar_solta_a_maquina_de_qualquer_dono(console, servicos):
    dono = _usuario(servicos)
    criada = servicos.maquinas.criar("WEG", "W22")
    servicos.maquinas.reivindicar(criada["maquina"]["id"], criada["segredo"], dono["id"], "Moedor 1")

    codigo, _ = console("maquina", "liberar", "--id", criada["maquina"]["id"])

    assert codigo == 0
    assert servicos.maquinas.listar_do_usuario(dono["id"]) == []
    outro = _usuario(servicos, "bruno")
    assert servicos.maquinas.reivindicar(criada["maquina"]["id"], criada["segredo"], outro["id"], "Moedor B")[1]


def test_maquina_liberar_avisa_quando_ja_estava_livre(console, servicos):
    criada = servicos.maquinas.criar("WEG", "W22")

    codigo, saida = console("maquina", "liberar", "--id", criada["maquina"]["id"])

    assert codigo == 0 and "já estava livre" in saida


def test_caminho_do_qrcode_no_json_e_absoluto_mesmo_com_pasta_relativa(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    saida = io.StringIO()
    cfg = {"PUBLIC_URL": "http://databutcher.test", "QRCODE_DIR": "Qrcode"}
    servicos = criar_servicos(GerenciadorBD(mongomock.MongoClient(tz_aware=True), "teste"), cfg)
    codigo = main.executar(["maquina", "criar", "--fabricante", "WEG", "--modelo", "W22", "--json"], servicos=servicos,
                           cfg=cfg, saida=saida)

    assert codigo == 0
    assert json.loads(saida.getvalue())["qrcode"] == str((tmp_path / "Qrcode" / f"qrcode_{servicos.maquinas.listar_todas()[0]['id']}.png").resolve())


def test_maquina_remover_so_apaga_depois_de_confirmar(console, servicos):
    codigo, saida = console("maquina", "criar", "--fabricante", "WEG", "--modelo", "W22", "--json")
    etiqueta = json.loads(saida)

    assert console("maquina", "remover", "--id", etiqueta["id"], respostas=["n"])[0] == 1
    assert servicos.maquinas.buscar(etiqueta["id"]) is not None

    assert console("maquina", "remover", "--id", etiqueta["id"], respostas=["s"])[0] == 0
    assert servicos.maquinas.buscar(etiqueta["id"]) is None
    assert not Path(etiqueta["qrcode"]).exists()


@pytest.mark.parametrize("argv, mensagem", [
    (["maquina", "token", "--id", "000000000000000000000000"], "Máquina não encontrada"),
    (["maquina", "novo-segredo", "--id", "000000000000000000000000"], "Máquina não encontrada"),
    (["maquina", "liberar", "--id", "nao-e-um-id"], "Máquina não encontrada"),
    (["maquina", "remover", "--id", "000000000000000000000000", "--sim"], "Máquina não encontrada"),
    (["usuario", "remover", "--nome", "ninguem"], "Usuário não encontrado"),
    (["usuario", "admin", "--nome", "ninguem"], "Usuário ninguem não encontrado"),
    (["usuario", "admin", "ninguem@exemplo.com"], "Usuário ninguem@exemplo.com não encontrado"),
    (["usuario", "admin"], "'usuario' é obrigatório"),
    (["usuario", "criar", "--nome", "ana", "--empresa", "F", "--email", "ana@exemplo.com", "--senha", "curta"],
     "pelo menos 8 caracteres"),
    (["maquina", "criar", "--fabricante", " ", "--modelo", "W22", "--json"], "'fabricante' é obrigatório"),
])
def test_erro_de_dominio_sai_com_1_e_mensagem_em_portugues(console, capsys, argv, mensagem):
    codigo, saida = console(*argv)

    erro = capsys.readouterr().err
    assert codigo == 1
    assert mensagem in erro and erro.startswith("Erro: ")
    assert "Traceback" not in erro and saida == ""


def test_usuario_duplicado_e_recusado_em_portugues(console, servicos, capsys):
    _usuario(servicos)
    codigo, _ = console("usuario", "criar", "--nome", "ana", "--empresa", "F", "--email", "outra@exemplo.com",
                        "--senha", SENHA)
    assert codigo == 1 and "Já existe um usuário com este nome de usuário" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["maquina", "criar", "--modelo", "W22"],
    ["maquina", "criar", "--fabricante", "WEG", "--modelo", "W22", "--quantidade", "0"],
    ["maquina", "voar"],
    ["usuario"],
])
def test_uso_incorreto_sai_com_2(console, servicos, argv):
    assert console(*argv)[0] == 2
    assert servicos.maquinas.listar_todas() == []


def _link_impresso(saida):
    return re.findall(r"Link de associação: (\S+)", saida)[-1]


def _id_impresso(saida):
    return re.findall(r"Máquina criada: (\w+)", saida)[-1]


def test_menu_do_cadastro_ao_uso_de_uma_maquina(console, servicos):
    _usuario(servicos, "chefe", papel="admin")
    codigo, saida = console(respostas=[
        "1", "ana", "Frigorífico Teste", "ana@exemplo.com", SENHA, SENHA,
        "2", "chefe", SENHA,
        "8", "WEG", "W22",
        "7",
        "2", "ana", SENHA,
        "8",  # ana is no admin: refused, the menu goes on
        "4", _link_impresso, "Moedor 1",
        "5",
        "6", _id_impresso,
        "5",
        "0",
    ])

    assert codigo == 0
    ana = servicos.usuarios.buscar_por_nome("ana")
    [maquina] = servicos.maquinas.listar_todas()
    assert "Apenas administradores criam máquinas" in saida
    assert "associada como 'Moedor 1'" in saida
    listagens = saida.split("Escolha")
    assert any("Moedor 1" in trecho and maquina["id"] in trecho for trecho in listagens)
    assert "Você ainda não tem máquinas" in saida
    assert maquina["id_usuario"] is None and servicos.maquinas.listar_do_usuario(ana["id"]) == []
    assert len(servicos.maquinas.listar_todas()) == 1 and saida.rstrip().endswith("Até logo.")


def test_menu_recusa_acoes_sem_login_e_continua(console, servicos):
    codigo, saida = console(respostas=["4", "5", "6", "9", "2", "ninguem", "errada", "0"])

    assert codigo == 0
    assert saida.count("Entre na sua conta primeiro") == 3
    assert "Opção inválida: '9'" in saida and "Usuário ou senha incorretos" in saida


def test_menu_remover_usuario_exige_a_senha_dele(console, servicos):
    _usuario(servicos, "ana")
    codigo, saida = console(respostas=["3", "ana", "senha-errada-1", "3", "ana", SENHA, "0"])

    assert codigo == 0
    assert "Usuário ou senha incorretos" in saida
    assert servicos.usuarios.buscar_por_nome("ana") is None


def test_menu_admin_remove_usuario_sem_a_senha_dele(console, servicos):
    _usuario(servicos, "chefe", papel="admin")
    _usuario(servicos, "ana")
    codigo, _ = console(respostas=["2", "chefe", SENHA, "3", "ana", "s", "0"])

    assert codigo == 0 and servicos.usuarios.buscar_por_nome("ana") is None


def test_menu_termina_limpo_no_fim_da_entrada(console):
    codigo, saida = console(respostas=["1", "ana"])  # EOF in the middle of a question

    assert codigo == 0 and "Traceback" not in saida


def test_console_nao_importa_o_app_nem_o_flask():
    carregados = subprocess.run(
        [sys.executable, "-c", "import sys, main; print(sorted({m.split('.')[0] for m in sys.modules} & "
                               "{'app', 'flask', 'flask_mqtt', 'rotas', 'mqtt'}))"],
        cwd=RAIZ, capture_output=True, text=True, check=True).stdout

    assert carregados.strip() == "[]"


def test_console_so_carrega_o_simulador_no_comando_simular():
    carregados = subprocess.run(
        [sys.executable, "-c", "import sys, main; print(sorted(m for m in sys.modules if m.startswith(('bench', 'simulador', 'paho'))))"],
        cwd=RAIZ, capture_output=True, text=True, check=True).stdout

    assert carregados.strip() == "[]"


def _processos_com(texto):
    """PIDs whose command line mentions `texto` (the embedded server carries DATA_DIR in its --db)."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if texto in cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                pids.append(cmdline.parent.name)
        except OSError:
            pass  # the process ended while we looked
    return pids


@pytest.mark.embutido
def test_maquina_criada_por_um_processo_aparece_no_seguinte_e_nenhum_servidor_fica(tmp_path):
    if not Path("/proc/self/cmdline").exists():
        pytest.skip("precisa de /proc para procurar processos órfãos")
    ambiente = {chave: valor for chave, valor in os.environ.items() if not chave.startswith("MONGO_")}
    ambiente.update(DATA_DIR=str(tmp_path), QRCODE_DIR=str(tmp_path / "qr"), MONGO_URI="",
                    SECRET_KEY="chave-de-teste-flask-" + "x" * 40, JWT_SECRET_KEY="chave-de-teste-jwt-" + "y" * 40)

    def rodar(*argv):
        return subprocess.run([sys.executable, "main.py", *argv], cwd=RAIZ, env=ambiente,
                              capture_output=True, text=True, timeout=60)

    try:
        criada = rodar("maquina", "criar", "--fabricante", "WEG", "--modelo", "W22", "--json")
        assert criada.returncode == 0, criada.stderr
        etiqueta = json.loads(criada.stdout)
        assert Path(etiqueta["qrcode"]).parent == tmp_path / "qr"

        listada = rodar("maquina", "listar", "--json")
        assert listada.returncode == 0, listada.stderr
        assert [(m["id"], m["dono"]) for m in json.loads(listada.stdout)] == [(etiqueta["id"], "livre")]
        assert (tmp_path / "databutcher.db").exists()
    finally:
        assert _processos_com(str(tmp_path)) == []


def test_banco_estimativa_diz_quanto_disco_a_planta_ocupa_e_quando_passar_ao_mongodb(console, cfg, tmp_path):
    cfg.update(DATA_DIR=str(tmp_path), RETENCAO_DIAS_BRUTOS=35, RETENCAO_DIAS_AGREGADOS=730)
    codigo, pequena = console("banco", "estimativa", "--maquinas", "10")
    assert codigo == 0 and "30,240,000 leituras guardadas" in pequena and "Cabe no banco embutido" in pequena
    codigo, grande = console("banco", "estimativa", "--maquinas", "300")
    assert codigo == 0 and "Use um MongoDB (MONGO_URI)" in grande


def test_admin_define_pelo_console_as_regras_padrao_do_modelo_e_a_maquina_as_usa(console, servicos, tmp_path):
    criada = servicos.maquinas.criar("WEG", "W22")
    arquivo = tmp_path / "regras.json"
    arquivo.write_text(json.dumps([{"sensor": "temperatura", "maximo": 85, "duracao_s": 10, "histerese": 5,
                                    "severidade": "critica"}]))
    codigo, saida = console("regras", "definir", "--fabricante", "WEG", "--modelo", "W22", "--regras", f"@{arquivo}")
    assert codigo == 0 and "1 regra(s)" in saida
    doc = servicos.maquinas.buscar(criada["maquina"]["id"])
    assert [(r["sensor"], r["maximo"], r["severidade"]) for r in servicos.motor_alarmes.regras_da_maquina(doc)] == \
        [("temperatura", 85.0, "critica")]
    codigo, saida = console("regras", "listar")
    assert codigo == 0 and re.search(r"WEG\s+W22\s+temperatura\s+> 85 por 10 s\s+critica", saida)


def test_regras_invalidas_no_console_sao_recusadas_nomeando_o_campo(console, capsys):
    codigo, _ = console("regras", "definir", "--fabricante", "WEG", "--modelo", "W22", "--regras",
                        '[{"sensor": "temperatura", "maximo": 9999, "severidade": "alta"}]')
    assert codigo == 1 and "'regras[0].maximo' deve estar entre -50 e 300" in capsys.readouterr().err
    codigo, _ = console("regras", "definir", "--fabricante", "WEG", "--modelo", "W22", "--regras", "não é json")
    assert codigo == 1 and "lista JSON" in capsys.readouterr().err
