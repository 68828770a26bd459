"""The house rules, checked on the source: which way the imports go, and what each room may hold."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parent.parent
PACOTES_DO_PRODUTO = ("MongoDB", "nucleo", "rotas", "mqtt", "console", "simulador")


def _importados(arquivo: Path) -> set:
    """Top-level names of every module `arquivo` imports (relative imports resolved to its package)."""
    arvore = ast.parse(arquivo.read_text())
    pacote = arquivo.parent.name
    nomes = set()
    for no in ast.walk(arvore):
        if isinstance(no, ast.Import):
            nomes |= {alias.name.split(".")[0] for alias in no.names}
        elif isinstance(no, ast.ImportFrom):
            nomes.add(pacote if no.level else no.module.split(".")[0])
    return nomes


def _modulos(*pacotes):
    for pacote in pacotes:
        yield from sorted((RAIZ / pacote).glob("*.py"))


@pytest.mark.parametrize("arquivo", list(_modulos(*PACOTES_DO_PRODUTO)) + [RAIZ / "app.py", RAIZ / "main.py", RAIZ / "config.py"],
                         ids=lambda caminho: str(caminho.relative_to(RAIZ)))
def test_produto_nao_importa_bench_nem_tests(arquivo):
    assert not _importados(arquivo) & {"bench", "tests"}


@pytest.mark.parametrize("arquivo", list(_modulos(*PACOTES_DO_PRODUTO)) + [RAIZ / "main.py", RAIZ / "config.py"],
                         ids=lambda caminho: str(caminho.relative_to(RAIZ)))
def test_so_os_pontos_de_entrada_importam_o_app(arquivo):
    assert "app" not in _importados(arquivo)


@pytest.mark.parametrize("arquivo", list(_modulos("MongoDB")), ids=lambda caminho: caminho.name)
def test_camada_de_dados_nao_tem_web_mqtt_threads_imagens_nem_casos_de_uso(arquivo):
    proibidos = {"flask", "flask_mqtt", "paho", "werkzeug", "threading", "qrcode", "PIL",
                 "nucleo", "rotas", "mqtt", "console", "simulador", "config"}
    assert not _importados(arquivo) & proibidos


@pytest.mark.parametrize("arquivo", list(_modulos("nucleo")), ids=lambda caminho: caminho.name)
def test_casos_de_uso_nao_conhecem_http_nem_mqtt(arquivo):
    assert not _importados(arquivo) & {"flask", "werkzeug", "flask_mqtt", "paho", "rotas", "mqtt", "console"}


@pytest.mark.parametrize("pacote", PACOTES_DO_PRODUTO)
def test_importar_um_pacote_nao_traz_o_app_web(pacote):
    codigo = (f"import sys, {pacote}; "
              "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'flask_mqtt', 'app', 'paho'}))")
    resultado = subprocess.run([sys.executable, "-c", codigo], cwd=RAIZ, capture_output=True, text=True, timeout=30)
    assert resultado.returncode == 0 and resultado.stdout.strip() == "[]", resultado.stderr
