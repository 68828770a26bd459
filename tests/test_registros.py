"""Manual maintenance log: owner only, bounded, newest first."""
from conftest import assert_envelope


def test_registro_manual_fica_na_lista_mais_recente_primeiro(client, atores):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    for texto in ("Lubrificação", "Troca de correia"):
        resposta = client.post("/api/manual-log", headers=dono["headers"], json={"maquina_id": maquina["id"], "descricao": texto})
        assert resposta.status_code == 201 and resposta.get_json()["timestamp"].endswith("+00:00")
    registros = client.get(f"/api/manual-log/{maquina['id']}", headers=dono["headers"]).get_json()["registros"]
    assert [r["descricao"] for r in registros] == ["Troca de correia", "Lubrificação"]


def test_registro_vazio_longo_ou_em_maquina_alheia_e_recusado(client, atores):
    dono, intruso = atores.usuario(), atores.usuario()
    maquina = atores.maquina_de(dono)
    for descricao in ("", "   ", "x" * 2001, 12):
        resposta = client.post("/api/manual-log", headers=dono["headers"], json={"maquina_id": maquina["id"], "descricao": descricao})
        assert assert_envelope(resposta, 400)["campo"] == "descricao"
    assert_envelope(client.post("/api/manual-log", headers=intruso["headers"],
                                json={"maquina_id": maquina["id"], "descricao": "invasão"}), 404)
    assert_envelope(client.get(f"/api/manual-log/{maquina['id']}", headers=intruso["headers"]), 404)
