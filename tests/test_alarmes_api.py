"""The alarms API as an operator uses it: rules, trying a rule, the list, acknowledging, CSV; never another's."""
import csv
import io
from datetime import timedelta

from conftest import LEITURA, assert_envelope
from MongoDB.gerencia_BD import agora_utc
from nucleo import leituras

REGRA = {"sensor": "temperatura", "maximo": 80, "minimo": None, "duracao_s": 0, "histerese": 5, "severidade": "critica"}


def _regras(client, dono, maquina, regras):
    return client.put(f"/api/machines/{maquina['id']}/alarm-rules", headers=dono["headers"], json={"regras": regras})


def _quente(servicos, maquina, valores):
    agora = agora_utc()
    for i, valor in enumerate(valores):
        momento = agora - timedelta(seconds=len(valores) - i)
        leituras.receber(servicos, maquina["id"], dict(LEITURA, temperatura=valor, ts=momento.isoformat())).aguardar()
    servicos.motor_alarmes.descarregar(forcar=True)


def test_dono_le_e_troca_as_regras_e_volta_as_do_modelo(client, atores):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    padrao = client.get(f"/api/machines/{maquina['id']}/alarm-rules", headers=dono["headers"]).get_json()
    assert padrao["origem"] == "padrao" and padrao["regras"][0]["sensor"] == "temperatura"
    assert padrao["zonas_vibracao"] == [1.4, 2.8, 4.5]
    salvas = _regras(client, dono, maquina, [REGRA, {"sensor": "tensao", "minimo": 200, "leituras_seguidas": 3,
                                                      "severidade": "media"}])
    assert salvas.status_code == 200 and salvas.get_json()["origem"] == "maquina"
    assert [r["sensor"] for r in salvas.get_json()["regras"]] == ["temperatura", "tensao"]
    assert _regras(client, dono, maquina, None).get_json()["origem"] == "padrao"


def test_regra_invalida_e_400_nomeando_o_campo(client, atores):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    corpo = assert_envelope(_regras(client, dono, maquina, [dict(REGRA, severidade="urgentissima")]), 400)
    assert corpo["campo"] == "regras[0].severidade"


def test_admin_define_as_regras_padrao_do_modelo(client, atores, servicos):
    admin = atores.usuario()
    servicos.usuarios.definir_papel(admin["nome"], "admin")
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    resposta = client.put("/api/admin/alarm-rules", headers=admin["headers"],
                          json={"fabricante": "WEG", "modelo": "W22", "regras": [dict(REGRA, maximo=95)]})
    assert resposta.status_code == 200
    lidas = client.get(f"/api/machines/{maquina['id']}/alarm-rules", headers=dono["headers"]).get_json()
    assert lidas["origem"] == "modelo" and lidas["regras"][0]["maximo"] == 95
    assert_envelope(client.put("/api/admin/alarm-rules", headers=dono["headers"],
                               json={"fabricante": "WEG", "modelo": "W22", "regras": []}), 403)


def test_alarme_aparece_na_lista_e_e_reconhecido_com_nota(client, atores, servicos):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    _regras(client, dono, maquina, [REGRA])
    _quente(servicos, maquina, [70, 95, 97, 90])
    [alarme] = client.get("/api/alarms", headers=dono["headers"]).get_json()["alarmes"]
    assert (alarme["tipo"], alarme["severidade"], alarme["estado"], alarme["valor_pico"]) == \
        ("temperatura_alta", "critica", "ativo", 97.0)
    assert alarme["contagem"] == 3 and alarme["reconhecido"] is False
    resposta = client.post(f"/api/alarms/{alarme['alarme_id']}/ack", headers=dono["headers"], json={"nota": "vendo"})
    assert resposta.get_json()["alarme"]["reconhecido"] is True and resposta.get_json()["alarme"]["nota"] == "vendo"
    filtrados = client.get("/api/alarms", headers=dono["headers"],
                           query_string={"estado": "normalizado", "maquina_id": maquina["id"]}).get_json()
    assert filtrados["alarmes"] == []
    linhas = list(csv.DictReader(io.StringIO(client.get("/api/alarms/export", headers=dono["headers"])
                                             .get_data(as_text=True).lstrip("\ufeff"))))
    assert [(l["tipo"], l["reconhecido"], l["nota"]) for l in linhas] == [("temperatura_alta", "sim", "vendo")]


def test_alarme_e_regras_de_outro_usuario_sao_404(client, atores, servicos):
    dono, vizinho = atores.usuario(), atores.usuario()
    maquina = atores.maquina_de(dono)
    _regras(client, dono, maquina, [REGRA])
    _quente(servicos, maquina, [95])
    [alarme] = client.get("/api/alarms", headers=dono["headers"]).get_json()["alarmes"]
    assert client.get("/api/alarms", headers=vizinho["headers"]).get_json()["alarmes"] == []
    assert_envelope(client.post(f"/api/alarms/{alarme['alarme_id']}/ack", headers=vizinho["headers"], json={}), 404)
    assert_envelope(client.get(f"/api/machines/{maquina['id']}/alarm-rules", headers=vizinho["headers"]), 404)
    assert_envelope(_regras(client, vizinho, maquina, [REGRA]), 404)
    assert_envelope(client.get("/api/alarms", headers=vizinho["headers"], query_string={"maquina_id": maquina["id"]}), 404)


def test_previa_conta_alarmes_e_tempo_ativo_das_ultimas_24h_e_7d(client, atores, servicos):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    agora = agora_utc().replace(second=0, microsecond=0)
    for horas, temperatura in ((30, 95.0), (29.5, 60.0), (3, 95.0), (2.9, 95.0), (2.8, 95.0), (2.7, 60.0)):
        for segundo in range(0, 60, 10):  # six readings in that minute
            momento = agora - timedelta(hours=horas) + timedelta(seconds=segundo)
            servicos.agregados.gravar(_somar(maquina["id"], temperatura, momento))
    resposta = client.post(f"/api/machines/{maquina['id']}/alarm-rules/preview", headers=dono["headers"],
                           json=dict(REGRA, duracao_s=30))
    assert resposta.status_code == 200, resposta.get_json()
    previa = resposta.get_json()
    assert previa["7d"]["alarmes"] == 2 and previa["24h"]["alarmes"] == 1
    assert previa["24h"]["ativo_s"] >= 60 and previa["7d"]["ativo_s"] > previa["24h"]["ativo_s"]
    mais_longa = client.post(f"/api/machines/{maquina['id']}/alarm-rules/preview", headers=dono["headers"],
                             json=dict(REGRA, duracao_s=3600)).get_json()
    assert mais_longa["7d"]["alarmes"] == 0  # tuned before it spams


def _somar(maquina_id, temperatura, momento):
    from nucleo.agregacao import somar
    return somar([(maquina_id, dict(LEITURA, temperatura=temperatura), momento)])


def test_dono_ajusta_o_tempo_ate_offline_e_a_classe_de_vibracao(client, atores):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    resposta = client.patch(f"/api/machines/{maquina['id']}", headers=dono["headers"],
                            json={"timeout_s": 120, "classe_vibracao": "grande_flexivel"})
    assert resposta.status_code == 200
    assert (resposta.get_json()["maquina"]["timeout_s"], resposta.get_json()["maquina"]["classe_vibracao"]) == \
        (120, "grande_flexivel")
    zonas = client.get(f"/api/machines/{maquina['id']}/alarm-rules", headers=dono["headers"]).get_json()["zonas_vibracao"]
    assert zonas == [3.5, 7.1, 11.0]
    assert assert_envelope(client.patch(f"/api/machines/{maquina['id']}", headers=dono["headers"],
                                        json={"classe_vibracao": "gigante"}), 400)["campo"] == "classe_vibracao"
