"""What the dashboard, the machine page and the live stream show of a user's machines: each machine's
view with its open alarms (most severe first), its severity and its vibration zone, sorted the way
an operator reads a plant: most severe first, then the longest-standing, then by name."""
from .alarmes import abertos_por_maquina
from .contrato import CLASSE_VIBRACAO_PADRAO, SEVERIDADES
from .regras import zona_vibracao

CAMPOS_DO_ALARME = ("alarme_id", "tipo", "sensor", "severidade", "estado", "reconhecido", "inicio", "fim",
                    "ultimo_valor", "valor_pico", "limite")


def _com_alarmes(servicos, maquina, abertos):
    zonas = servicos.motor_alarmes.zonas_por_classe
    classe = maquina.get("classe_vibracao") or CLASSE_VIBRACAO_PADRAO
    ultima = maquina.get("ultima_leitura") or {}
    alarmes = [{campo: alarme[campo] for campo in CAMPOS_DO_ALARME} for alarme in abertos.get(maquina["id"], [])]
    ativos = [alarme for alarme in alarmes if alarme["estado"] == "ativo"]
    return maquina | {
        "alarmes": alarmes,
        "severidade": ativos[0]["severidade"] if ativos else None,
        "zona_vibracao": zona_vibracao(ultima.get("vibracao"), zonas.get(classe) or zonas[CLASSE_VIBRACAO_PADRAO]),
    }


def ordem_no_painel(maquina):
    """Most severe active alarm first, then the one standing the longest, then the name."""
    ativos = [alarme for alarme in maquina["alarmes"] if alarme["estado"] == "ativo"]
    if not ativos:
        return (len(SEVERIDADES), 0.0, (maquina.get("nome_maquina") or "").casefold())
    pior = ativos[0]
    return (SEVERIDADES.index(pior["severidade"]), pior["inicio"].timestamp(), (maquina.get("nome_maquina") or "").casefold())


def maquinas_do_usuario(servicos, usuario_id) -> list:
    """Every machine of the user with its alarms, in dashboard order (two queries, whatever the plant size)."""
    abertos = abertos_por_maquina(servicos, usuario_id)
    vistas = [_com_alarmes(servicos, maquina, abertos) for maquina in servicos.maquinas.listar_do_usuario(usuario_id)]
    return sorted(vistas, key=ordem_no_painel)


def maquina_do_usuario(servicos, maquina_id, usuario_id) -> dict:
    """One machine of the user with its alarms (another user's is 'not found')."""
    doc = servicos.maquinas.buscar_do_usuario(maquina_id, usuario_id)
    abertos = {maquina_id: [a for a in abertos_por_maquina(servicos, usuario_id).get(maquina_id, [])]}
    return _com_alarmes(servicos, servicos.maquinas.publico(doc), abertos)
