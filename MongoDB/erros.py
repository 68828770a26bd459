"""Domain exceptions: what went wrong, as a text key with its values and the HTTP status it means.

No text lives here: `nucleo/mensagens.py` turns the key into a sentence in the caller's
language (the API, the pages and the console all render through it), and the one error
handler in `rotas/erros.py` puts it in the envelope with `status` and `campo`.
"""


class ErroDominio(Exception):
    """Base of every expected, user-facing failure: `chave` names the message, `valores` fill it.

    `repetir_em` (seconds), when known, tells the client when trying again can succeed (Retry-After).
    """

    status = 400
    chave = "erro_generico"

    def __init__(self, chave=None, campo=None, repetir_em=None, **valores):
        self.chave = chave or type(self).chave
        self.campo = campo
        self.repetir_em = repetir_em
        self.valores = valores
        super().__init__(self.chave, campo, valores)

    def __str__(self):
        detalhes = ", ".join(f"{nome}={valor!r}" for nome, valor in self.valores.items())
        return f"{self.chave}({self.campo or ''}{'; ' + detalhes if detalhes else ''})"


class DadosInvalidos(ErroDominio):
    status = 400
    chave = "dados_invalidos"


class NaoAutenticado(ErroDominio):
    status = 401
    chave = "autenticacao_necessaria"


class AcessoNegado(ErroDominio):
    status = 403
    chave = "acesso_negado"


class SegredoInvalido(AcessoNegado):
    chave = "segredo_invalido"


class TokenDispositivoInvalido(AcessoNegado):
    chave = "token_dispositivo_invalido"


class NaoEncontrado(ErroDominio):
    status = 404
    chave = "nao_encontrado"


class MaquinaNaoEncontrada(NaoEncontrado):
    chave = "maquina_nao_encontrada"


class UsuarioNaoEncontrado(NaoEncontrado):
    chave = "usuario_nao_encontrado"


class Conflito(ErroDominio):
    status = 409
    chave = "conflito"


class UsuarioDuplicado(Conflito):
    chave = "usuario_duplicado"


class MaquinaDeOutroUsuario(Conflito):
    chave = "maquina_de_outro_usuario"


class MaquinaOffline(Conflito):
    chave = "maquina_offline"


class MuitasTentativas(ErroDominio):
    """Too many attempts (logins, claims, device tokens) or open streams from one caller: wait and retry."""

    status = 429
    chave = "muitas_tentativas"


class CorpoNaoJson(ErroDominio):
    status = 415
    chave = "corpo_nao_json"


class Indisponivel(ErroDominio):
    """The request is fine but a part of the product cannot serve it now: try again later."""

    status = 503
    chave = "servico_indisponivel"


class CredenciaisDoBrokerIndisponiveis(Indisponivel):
    """The MQTT broker did not confirm a change to a device login (mosquitto dynamic security)."""

    chave = "credenciais_broker_indisponiveis"


class BancoEmbutidoIndisponivel(RuntimeError):
    """The embedded database server could not be started (port taken, binary missing)."""
