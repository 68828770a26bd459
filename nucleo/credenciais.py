"""The broker's device logins as the use cases see them: a port that the entry points fill in.

A device logs in to the broker with username = machine id and password = device token. The
token exists in clear only when it is created or rotated (only its hash is stored), so the use
cases hand it to `servicos.credenciais` at that moment:

    definir(maquina_id, token)   the device's login, created or with a new password
    remover(maquina_id)          the login is gone (connected devices are dropped)
    fechar()                     at shutdown

Both raise MongoDB.erros.CredenciaisDoBrokerIndisponiveis when the broker does not confirm.
With mosquitto's dynamic security plugin (MQTT_DYNSEC=true) app.py and main.py pass the client
in mqtt/dynsec.py; otherwise this no-op stands in: the embedded broker checks the stored hashes
itself, and a password-file mosquitto is the admin's to edit.
"""


class SemCredenciaisNoBroker:
    """The port when no broker keeps its own list of logins."""

    def definir(self, maquina_id, token):
        """Nothing to do: the embedded broker checks the token hash in the database."""

    def remover(self, maquina_id):
        """Nothing to do: a removed machine's token no longer matches anything."""

    def fechar(self):
        """Nothing to close."""
