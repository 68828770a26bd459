"""Domain exceptions raised by the managers; the web layer maps each to an HTTP status."""


class ErroDominio(Exception):
    """Base of every expected, user-facing failure."""

    status = 400

    def __init__(self, mensagem, campo=None):
        super().__init__(mensagem)
        self.mensagem = mensagem
        self.campo = campo


class DadosInvalidos(ErroDominio):
    status = 400


class NaoEncontrado(ErroDominio):
    status = 404


class MaquinaNaoEncontrada(NaoEncontrado):
    def __init__(self, mensagem="Máquina não encontrada"):
        super().__init__(mensagem)


class UsuarioNaoEncontrado(NaoEncontrado):
    def __init__(self, mensagem="Usuário não encontrado"):
        super().__init__(mensagem)


class Conflito(ErroDominio):
    status = 409


class UsuarioDuplicado(Conflito):
    pass


class MaquinaDeOutroUsuario(Conflito):
    def __init__(self, mensagem="Esta máquina já pertence a outro usuário"):
        super().__init__(mensagem)


class MaquinaOffline(Conflito):
    def __init__(self, mensagem="Máquina offline: nenhum sinal dentro do tempo limite"):
        super().__init__(mensagem)


class AcessoNegado(ErroDominio):
    status = 403


class SegredoInvalido(AcessoNegado):
    def __init__(self, mensagem="Segredo de associação inválido"):
        super().__init__(mensagem)


class TokenDispositivoInvalido(AcessoNegado):
    def __init__(self, mensagem="Token do dispositivo não corresponde a esta máquina"):
        super().__init__(mensagem)


class BancoEmbutidoIndisponivel(RuntimeError):
    """The embedded database server could not be started (port taken, binary missing)."""
