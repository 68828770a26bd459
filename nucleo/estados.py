"""What a status message does: record the machine's state and confirm the commands it satisfies."""
from MongoDB.gerencia_BD import agora_utc


def aplicar_estado(maquinas, comandos, maquina_id, estado, agora=None) -> bool:
    """Apply `estado` (iniciada, parada, online, offline) now; False for an unknown machine.

    Called by the writer thread, in order with the machine's readings.
    """
    agora = agora or agora_utc()
    if not maquinas.registrar_estado(maquina_id, estado, agora):
        return False
    comandos.confirmar_por_estado(maquina_id, estado, agora)
    return True
