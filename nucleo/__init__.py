"""Use cases and the write pipeline, shared by HTTP (rotas/), MQTT (mqtt/) and the console (console/).

Receiving readings (`leituras`), claiming and creating machines with their labels (`maquinas`),
commands (`comandos`), accounts (`contas`), status messages (`estados`), the writer (`gravador`),
the contract constants (`contrato`), validation (`validacao`) and the words of every error
(`mensagens`). No Flask request objects here: callers pass plain values and get plain dicts.
"""
