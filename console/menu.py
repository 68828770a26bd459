"""The console's interactive menu (`python main.py` with no arguments).

It talks to the user through a `Console` (console/terminal.py) and calls the same use cases as
the API, so every refusal is a domain error printed in pt-BR.
"""
from MongoDB.erros import AcessoNegado, ErroDominio
from nucleo import contas, etiquetas, maquinas

from .comandos import id_maquina
from .terminal import sim_ou_nao


class Menu:
    """The original console's menu, with every option working and refusals explained."""

    OPCOES = [("1", "Criar usuário", "criar_usuario"), ("2", "Entrar", "entrar"),
              ("3", "Remover usuário", "remover_usuario"), ("4", "Adicionar máquina", "adicionar_maquina"),
              ("5", "Listar minhas máquinas", "listar_maquinas"), ("6", "Liberar máquina", "liberar_maquina"),
              ("7", "Sair da conta", "sair_da_conta"), ("8", "Criar máquina com QR code", "criar_maquina"),
              ("0", "Encerrar", None)]

    def __init__(self, con):
        self.con = con
        self.usuario = None
        self.acoes = {numero: metodo for numero, _, metodo in self.OPCOES}

    def executar(self) -> int:
        con = self.con
        while True:
            con.escrever()
            con.escrever(f"=== DataButcher ({self.usuario['nome_usuario'] if self.usuario else 'sem login'}) ===")
            for numero, rotulo, _ in self.OPCOES:
                con.escrever(f"{numero} - {rotulo}")
            try:
                escolha = con.perguntar("Escolha uma opção: ")
                if escolha not in self.acoes:
                    con.escrever(f"Opção inválida: {escolha!r}.")
                elif self.acoes[escolha] is None:
                    con.escrever("Até logo.")
                    return 0
                else:
                    getattr(self, self.acoes[escolha])()
            except ErroDominio as erro:
                con.escrever_erro(erro)
            except EOFError:
                con.escrever()
                return 0

    def _exigir_login(self) -> dict:
        """The logged-in user as stored now (a removed or demoted account is noticed)."""
        if self.usuario is None:
            raise AcessoNegado("entre_primeiro")
        self.usuario = self.con.servicos.usuarios.buscar_por_id(self.usuario["id"])
        if self.usuario is None:
            raise AcessoNegado("conta_nao_existe")
        return self.usuario

    def criar_usuario(self):
        con = self.con
        nome, empresa = con.perguntar("Nome de usuário: "), con.perguntar("Empresa: ")
        email, senha = con.perguntar("E-mail: "), con.nova_senha()
        usuario = contas.cadastrar(con.servicos, nome, senha, empresa, email)
        con.escrever(f"Usuário {usuario['nome_usuario']} criado. Entre com a opção 2.")

    def entrar(self):
        nome = self.con.perguntar("Nome de usuário: ")
        usuario = self.con.servicos.usuarios.autenticar(nome, self.con.perguntar_senha("Senha: "))
        if usuario is None:
            raise AcessoNegado("usuario_ou_senha_incorretos")
        self.usuario = usuario
        self.con.escrever(f"Bem-vindo, {usuario['nome_usuario']}!")

    def remover_usuario(self):
        con = self.con
        nome = con.perguntar("Nome do usuário a remover: ")
        admin = self.usuario is not None and self._exigir_login()["papel"] == "admin"
        if admin:
            if not con.confirmar(f"Remover o usuário {nome}?"):
                con.escrever("Nada foi removido.")
                return
        elif con.servicos.usuarios.autenticar(nome, con.perguntar_senha(f"Senha de {nome}: ")) is None:
            raise AcessoNegado("usuario_ou_senha_incorretos")
        contas.remover(con.servicos, nome)
        if self.usuario is not None and self.usuario["nome_usuario"] == nome:
            self.usuario = None
        con.escrever(f"Usuário {nome} removido; as máquinas dele ficaram livres.")

    def adicionar_maquina(self):
        con, usuario = self.con, self._exigir_login()
        resposta = con.perguntar("Código da máquina ou link do QR code: ")
        if etiquetas.parece_link(resposta):
            pedido = {"link": resposta}
        else:
            pedido = {"codigo": resposta, "segredo": con.perguntar("Segredo da etiqueta: ")}
        maquinas.ler_pedido_de_reivindicacao(**pedido)  # a bad code or link is refused before the name is asked
        nome = con.perguntar("Nome da máquina: ")
        maquina, nova = maquinas.reivindicar(con.servicos, usuario["id"], nome, **pedido)
        con.escrever(f"Máquina {maquina['id']} associada como {maquina['nome_maquina']!r}." if nova
                     else "Esta máquina já é sua.")

    def listar_maquinas(self):
        minhas = self.con.servicos.maquinas.listar_do_usuario(self._exigir_login()["id"])
        self.con.tabela(["ID", "NOME", "FABRICANTE", "MODELO", "STATUS", "ONLINE"],
                        [[m["id"], m["nome_maquina"], m["fabricante"], m["modelo"], m["status"],
                          sim_ou_nao(m["online"])] for m in minhas],
                        "Você ainda não tem máquinas (opção 4 para adicionar).")

    def liberar_maquina(self):
        usuario = self._exigir_login()
        maquina_id = id_maquina(self.con.perguntar("ID da máquina a liberar: "))
        self.con.servicos.maquinas.liberar(maquina_id, usuario["id"])
        self.con.escrever("Máquina liberada; ela, o histórico e o QR code continuam válidos para o próximo dono.")

    def sair_da_conta(self):
        if self.usuario is None:
            self.con.escrever("Você não está em nenhuma conta.")
        else:
            self.con.escrever(f"Até logo, {self.usuario['nome_usuario']}.")
            self.usuario = None

    def criar_maquina(self):
        if self._exigir_login()["papel"] != "admin":
            raise AcessoNegado("so_admin_cria_maquinas")
        fabricante, modelo = self.con.perguntar("Fabricante: "), self.con.perguntar("Modelo: ")
        self.con.mostrar_maquina_criada(maquinas.criar_com_etiqueta(self.con.servicos, fabricante, modelo))
