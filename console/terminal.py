"""What every console command needs: the services, the settings, and where to read and write."""
import getpass
import json

from MongoDB.erros import DadosInvalidos
from nucleo import mensagens


def sim_ou_nao(valor) -> str:
    return "sim" if valor else "não"


class Console:
    def __init__(self, servicos, cfg, entrada, saida):
        self.servicos = servicos
        self.cfg = cfg
        self.entrada = entrada
        self.saida = saida

    def escrever(self, texto=""):
        print(texto, file=self.saida)

    def escrever_json(self, dados):
        self.escrever(json.dumps(dados, ensure_ascii=False, indent=2))

    def escrever_erro(self, erro):
        """A refused operation, worded in pt-BR."""
        self.escrever(f"Erro: {mensagens.texto(erro)}")

    def perguntar(self, rotulo) -> str:
        return self.entrada(rotulo).strip()

    def perguntar_senha(self, rotulo) -> str:
        """getpass on a real terminal (nothing echoed); the injected `entrada` otherwise."""
        return getpass.getpass(rotulo) if self.entrada is input else self.entrada(rotulo)

    def nova_senha(self) -> str:
        senha = self.perguntar_senha("Senha (mínimo 8 caracteres): ")
        if self.perguntar_senha("Repita a senha: ") != senha:
            raise DadosInvalidos("senhas_nao_conferem", "senha")
        return senha

    def confirmar(self, pergunta) -> bool:
        try:
            return self.perguntar(f"{pergunta} [s/N] ").lower() in {"s", "sim"}
        except EOFError:
            return False

    def mostrar_maquina_criada(self, criada):
        self.escrever(f"Máquina criada: {criada['id']} ({criada['fabricante']} {criada['modelo']})")
        self.mostrar_etiqueta(criada["id"], criada["link"], criada["qrcode"])
        self.mostrar_token(criada["id"], criada["token_dispositivo"])

    def mostrar_etiqueta(self, maquina_id, link, qrcode):
        self.escrever(f"  Link de associação: {link}")
        self.escrever(f"  QR code: {qrcode}")
        # The admins' label sheet shows that PNG ready to print, with the code under it.
        self.escrever(f"  Etiqueta para imprimir (admins): {self.cfg.get('PUBLIC_URL', '')}/admin/etiquetas?ids={maquina_id}")

    def mostrar_token(self, maquina_id, token):
        self.escrever(f"  Token do dispositivo (mostrado só esta vez, guarde-o agora): {token}")
        self.escrever(f"  Login MQTT do dispositivo: usuário {maquina_id}, senha = este token")
        if self.cfg.get("MQTT_DYNSEC"):
            self.escrever("  Login já cadastrado no mosquitto (segurança dinâmica).")
        else:  # the embedded broker needs nothing; a password-file mosquitto needs this line
            self.escrever(f"  Num mosquitto com arquivo de senhas: mosquitto_passwd -b <arquivo> {maquina_id} {token}")

    def tabela(self, cabecalho, linhas, vazio):
        """Left-aligned columns sized to their widest cell."""
        if not linhas:
            self.escrever(vazio)
            return
        linhas = [[str(celula) for celula in linha] for linha in linhas]
        larguras = [max(len(linha[i]) for linha in [cabecalho, *linhas]) for i in range(len(cabecalho))]
        for linha in [cabecalho, *linhas]:
            self.escrever("  ".join(celula.ljust(largura) for celula, largura in zip(linha, larguras)).rstrip())
