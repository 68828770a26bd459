"""Commands refused before reaching any broker: offline machines, no broker, bad parameters."""
from datetime import timedelta

from conftest import assert_envelope
from MongoDB.gerencia_BD import agora_utc
from nucleo import validacao


def test_maquina_nunca_vista_ou_sem_heartbeat_recente_da_409(client, atores, servicos):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    url = f"/api/machines/{maquina['id']}"
    assert_envelope(client.post(f"{url}/stop", headers=dono["headers"]), 409)
    antigo = agora_utc() - timedelta(seconds=46)
    servicos.maquinas.registrar_estado(maquina["id"], "parada", antigo)
    assert_envelope(client.post(f"{url}/start", headers=dono["headers"],
                                json={"voltagem": 220, "velocidade": 600, "temperatura": 50}), 409)
    assert_envelope(client.post(f"{url}/reset", headers=dono["headers"]), 409)


def test_sem_broker_conectado_da_503(client, atores, servicos):
    dono = atores.usuario()
    maquina = atores.maquina_de(dono)
    servicos.maquinas.registrar_estado(maquina["id"], "parada")
    assert_envelope(client.post(f"/api/machines/{maquina['id']}/stop", headers=dono["headers"]), 503)


def test_comando_em_maquina_alheia_da_404(client, atores, servicos):
    dono, intruso = atores.usuario(), atores.usuario()
    maquina = atores.maquina_de(dono)
    servicos.maquinas.registrar_estado(maquina["id"], "parada")
    assert_envelope(client.post(f"/api/machines/{maquina['id']}/stop", headers=intruso["headers"]), 404)
    assert_envelope(client.get(f"/api/machines/{maquina['id']}/commands", headers=intruso["headers"]), 404)
