"""The alarm e-mail: a pt-BR subject and body (machine, alarm in words, value, limit, time in the user's zone),
and one SMTP delivery with the settings in SMTP_* (SMTP_TLS: `starttls`, `ssl` or `nenhum`).

The words of alarm types and severities are the pages' (rotas/textos.py, pt-BR); tests/test_notificacoes.py
keeps the two tables equal. A re-sent notification keeps its Message-ID, so mail clients can drop the copy.
"""
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate
from zoneinfo import ZoneInfo

from .contrato import EVENTO_ALARME_ATIVADO, FUSO_PADRAO, SENSORES_INFO
from .entregador import FalhaDeEntrega

NOMES_SENSOR = {"tensao": "Tensão", "vibracao": "Vibração", "temperatura": "Temperatura", "rpm": "Rotação"}
NOMES_TIPO = {
    **{f"{sensor}_{lado}": f"{nome} {lado}" for sensor, nome in NOMES_SENSOR.items() for lado in ("alta", "baixa")},
    "vibracao_zona_c": "Vibração na zona C", "vibracao_zona_d": "Vibração na zona D", "offline": "Sem comunicação",
}
NOMES_SEVERIDADE = {"critica": "Crítica", "alta": "Alta", "media": "Média", "baixa": "Baixa"}


def _numero(valor, sensor) -> str:
    """95.0 → "95,0 °C": the sensor's decimals and unit, with a decimal comma."""
    if valor is None:
        return "—"
    info = SENSORES_INFO.get(sensor, {"casas": 1, "unidade": ""})
    return f"{valor:.{info['casas']}f}".replace(".", ",") + f" {info['unidade']}".rstrip()


def _quando(momento, fuso) -> str:
    if momento is None:
        return "—"
    return momento.astimezone(ZoneInfo(fuso)).strftime("%d/%m/%Y %H:%M:%S") + f" ({fuso})"


def compor(evento, alarme, contexto, remetente, para, id_notificacao, url_publica="") -> EmailMessage:
    """The message of one alarm transition, for the user whose zone and machine name `contexto` carries."""
    fuso = contexto.get("fuso_horario") or FUSO_PADRAO
    maquina = contexto.get("nome_maquina") or alarme["maquina_id"]
    titulo = "Alarme ativado" if evento == EVENTO_ALARME_ATIVADO else "Alarme normalizado"
    tipo = NOMES_TIPO.get(alarme["tipo"], alarme["tipo"].replace("_", " "))
    sensor = alarme.get("sensor")
    if alarme["tipo"] == "offline":
        valor, limite = "sem mensagens", f"{alarme.get('limite') or 0:g} s sem comunicação"
    else:
        valor = _numero(alarme.get("ultimo_valor"), sensor)
        if alarme.get("valor_pico") is not None and alarme.get("valor_pico") != alarme.get("ultimo_valor"):
            valor += f" (pico {_numero(alarme['valor_pico'], sensor)})"
        limite = _numero(alarme.get("limite"), sensor)
    linhas = [f"{titulo} em {maquina}.", "",
              f"Alarme: {tipo}", f"Severidade: {NOMES_SEVERIDADE.get(alarme['severidade'], alarme['severidade'])}",
              f"Valor: {valor}", f"Limite: {limite}", f"Início: {_quando(alarme.get('inicio'), fuso)}"]
    if alarme.get("fim") is not None:
        linhas.append(f"Fim: {_quando(alarme['fim'], fuso)}")
    linhas += [f"Ocorrências: {alarme.get('contagem', 1)}", ""]
    if url_publica:
        linhas.append(f"Veja a máquina: {url_publica}/maquinas/{alarme['maquina_id']}")
    linhas.append("Você recebe este e-mail porque ativou as notificações por e-mail na sua conta do DataButcher.")
    mensagem = EmailMessage()
    mensagem["Subject"] = f"[DataButcher] {titulo}: {tipo} em {maquina}"
    mensagem["From"], mensagem["To"] = remetente, para
    mensagem["Date"] = formatdate(localtime=False)
    mensagem["Message-ID"] = f"<{id_notificacao.replace(':', '.')}@databutcher>"
    mensagem.set_content("\n".join(linhas))
    return mensagem


class EnvioEmail:
    """SMTP with the settings of one process; `disponivel` is False without SMTP_HOST."""

    def __init__(self, cfg):
        self.cfg = cfg  # read at each send: the settings of the running process

    @property
    def disponivel(self) -> bool:
        return bool(self.cfg.get("SMTP_HOST"))

    @staticmethod
    def ativo(ajustes) -> bool:
        return ajustes["email"]

    def enviar(self, item, ajustes):
        """Send one outbox item to the user's address as it is now; raises FalhaDeEntrega with the reason."""
        if not self.disponivel:
            raise FalhaDeEntrega("SMTP não configurado")
        cfg, para = self.cfg, ajustes["endereco_email"]
        host, porta, tls, timeout_s = cfg["SMTP_HOST"], cfg.get("SMTP_PORT", 587), cfg.get("SMTP_TLS", "starttls"), \
            cfg.get("SMTP_TIMEOUT_S", 20)
        mensagem = compor(item["evento"], item["alarme"], item["contexto"], cfg.get("SMTP_REMETENTE"), para,
                          item["_id"], cfg.get("PUBLIC_URL", ""))
        try:
            if tls == "ssl":
                conexao = smtplib.SMTP_SSL(host, porta, timeout=timeout_s, context=ssl.create_default_context())
            else:
                conexao = smtplib.SMTP(host, porta, timeout=timeout_s)
            with conexao:
                if tls == "starttls":
                    conexao.starttls(context=ssl.create_default_context())
                if cfg.get("SMTP_USUARIO"):
                    conexao.login(cfg["SMTP_USUARIO"], cfg.get("SMTP_SENHA") or "")
                conexao.send_message(mensagem)
        except smtplib.SMTPResponseException as erro:
            raise FalhaDeEntrega(f"SMTP {erro.smtp_code}: {_texto(erro.smtp_error)}") from None
        except smtplib.SMTPRecipientsRefused:
            raise FalhaDeEntrega(f"Destinatário recusado pelo servidor SMTP: {para}") from None
        except (smtplib.SMTPException, OSError) as erro:
            raise FalhaDeEntrega(f"Sem conexão com o servidor SMTP {host}:{porta}: "
                                 f"{getattr(erro, 'strerror', None) or erro or type(erro).__name__}") from None


def _texto(valor) -> str:
    return valor.decode(errors="replace") if isinstance(valor, bytes) else str(valor)
