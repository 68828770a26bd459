// The machine page's commands: the start form (pre-filled with what the machine runs with, a warning when a
// limit is below the current reading, a confirmation before sending), stop and reset, every control disabled
// while the machine is offline, and the commands table with relative and absolute times.
import { api } from "./api.js";
import {
  MOTIVOS_DESARME, badge, formatarHora, formatarLeitura, idioma, linha, mostrarMensagem, tempoDesde, texto, valoresDoDesarme,
} from "./ui.js";

const secao = document.getElementById("secao-comandos");
const formPartida = document.getElementById("form-partida");
const confirmacao = document.getElementById("confirmar-partida");
const pergunta = document.getElementById("pergunta-partida");
const alertaConfirmacao = document.getElementById("alerta-confirmacao");
const mensagemComando = document.getElementById("mensagem-comando");
const estadoComando = document.getElementById("estado-comando");
const corpoTabela = document.getElementById("lista-comandos");
const avisoOffline = document.getElementById("aviso-offline");
const CAMPOS = [...formPartida.querySelectorAll("input[name]")].map((campo) => campo.name);
// Start parameters that are trip limits: the device trips when the sensor of the same name goes above them.
const LIMITES = CAMPOS.filter((campo) => Object.values(MOTIVOS_DESARME).includes(campo));
const UNIDADES = Object.fromEntries(CAMPOS.map((campo) => [campo, formPartida.elements[campo].dataset.unidade]));
const NUMERO = new Intl.NumberFormat(idioma, { maximumFractionDigits: 1 });
// "1.963 rpm", as rotas/apresentacao.py formatar_parametro writes it.
const parametro = (campo, valor) => `${NUMERO.format(valor)} ${UNIDADES[campo]}`;

const nomeDoComando = (comando) => texto(`comando_${comando}`);

// "Partiu e desarmou: 27,8 °C > 20,0 °C" for a start that tripped; the state's words otherwise.
function estadoDoComando(comando, prefixo = "") {
  const partes = [prefixo, badge(comando.estado, texto(`estado_${comando.estado}`))].filter(Boolean);
  const valores = valoresDoDesarme(comando.desarme);
  if (valores) {
    const motivo = document.createElement("span");
    motivo.className = "motivo-desarme";
    motivo.textContent = `: ${valores}`;
    partes.push(motivo);
  }
  return partes;
}

function quando(iso) {
  const fragmento = document.createDocumentFragment();
  const relativo = document.createElement("time");
  relativo.dateTime = iso;
  relativo.dataset.relativo = "";
  relativo.title = formatarHora(iso);
  relativo.textContent = tempoDesde(iso);
  const absoluto = document.createElement("small");
  absoluto.className = "discreto quando__absoluto";
  absoluto.textContent = formatarHora(iso);
  fragmento.append(relativo, " ", absoluto);
  return fragmento;
}

function mostrarUltimoComando(comando) {
  estadoComando.hidden = !comando;
  if (!comando) return;
  estadoComando.dataset.estado = comando.estado;
  estadoComando.dataset.comandoId = comando.comando_id;
  estadoComando.replaceChildren(...estadoDoComando(comando, texto("ultimo_comando", nomeDoComando(comando.comando))));
}

export async function atualizarComandos(id) {
  const { comandos } = await api("GET", `/api/machines/${id}/commands?limit=10`);
  const linhas = comandos.map((c) => {
    const celulaEstado = document.createElement("span");
    celulaEstado.append(...estadoDoComando(c));
    return linha([nomeDoComando(c.comando), celulaEstado, quando(c.criado_em)]);
  });
  if (!linhas.length) {
    const vazio = linha([texto("sem_comandos")]);
    vazio.firstChild.colSpan = 3;
    linhas.push(vazio);
  }
  corpoTabela.replaceChildren(...linhas);
  mostrarUltimoComando(comandos[0]);
  return comandos[0];
}

// "há 3 min" keeps counting without asking the server.
export function atualizarTemposRelativos() {
  secao.querySelectorAll("time[data-relativo]").forEach((el) => { el.textContent = tempoDesde(el.dateTime); });
}

// ---- what the machine runs with, and limits below the current reading ------------------------------
let maquinaAtual = null;

function alertaDoLimite(campo) {
  const valor = Number(formPartida.elements[campo].value);
  const atual = maquinaAtual?.ultima_leitura?.[campo];
  if (atual === undefined || atual === null || !Number.isFinite(valor) || valor >= atual) return "";
  return texto("alerta_limite_abaixo", formatarLeitura(valor, campo), formatarLeitura(atual, campo));
}

function mostrarAlertasDeLimite() {
  LIMITES.forEach((campo) => {
    const caixa = document.getElementById(`alerta-${campo}`);
    const alerta = alertaDoLimite(campo);
    caixa.textContent = alerta;
    caixa.hidden = !alerta;
  });
}

function mostrarParametrosAtuais(configuracoes) {
  CAMPOS.forEach((campo) => {
    const el = formPartida.querySelector(`[data-parametro="${campo}"]`);
    if (el && configuracoes && configuracoes[campo] !== undefined) el.textContent = parametro(campo, configuracoes[campo]);
  });
}

// A machine as the stream or GET /api/machines/<id> gives it: offline disables every control (the warning says why).
export function mostrarMaquinaNosComandos(maquina) {
  const mudouConfiguracao = JSON.stringify(maquina.configuracoes) !== JSON.stringify(maquinaAtual?.configuracoes);
  maquinaAtual = maquina;
  const offline = !maquina.online;
  avisoOffline.hidden = !offline;
  secao.querySelectorAll("#form-partida input, #form-partida button, .acoes button").forEach((el) => { el.disabled = offline; });
  if (offline) confirmacao.hidden = true;
  if (mudouConfiguracao) {
    mostrarParametrosAtuais(maquina.configuracoes);
    // The form follows what the machine reports, unless the operator is editing it.
    if (!formPartida.contains(document.activeElement) && confirmacao.hidden) {
      CAMPOS.forEach((campo) => {
        if (maquina.configuracoes?.[campo] !== undefined) formPartida.elements[campo].value = maquina.configuracoes[campo];
      });
    }
  }
  mostrarAlertasDeLimite();
}

// ---- sending ---------------------------------------------------------------------------------
export function prepararComandos(id, aoEnviar) {
  async function enviarComando(acao, corpo) {
    mostrarMensagem(mensagemComando, texto("enviando"), "info");
    formPartida.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    try {
      const resposta = await api("POST", `/api/machines/${id}/${acao}`, corpo || {});
      mostrarMensagem(mensagemComando, resposta.message, "sucesso");
    } catch (erro) {
      mostrarMensagem(mensagemComando, erro.message, "erro");
      const campo = erro.campo && formPartida.elements[erro.campo];
      if (campo) {
        campo.setAttribute("aria-invalid", "true");
        campo.focus();
      }
    }
    aoEnviar();
  }

  function parametrosDoFormulario() {
    return Object.fromEntries(CAMPOS.map((campo) => [campo, Number(formPartida.elements[campo].value)]));
  }

  formPartida.addEventListener("input", mostrarAlertasDeLimite);
  formPartida.addEventListener("submit", (evento) => {
    evento.preventDefault();
    const parametros = parametrosDoFormulario();
    const lista = new Intl.ListFormat(idioma, { type: "conjunction" }).format(CAMPOS.map((campo) => parametro(campo, parametros[campo])));
    const nome = document.querySelector('#painel-maquina h1[data-campo="nome"]').textContent.trim();
    pergunta.firstElementChild.textContent = texto("pergunta_partida", nome, lista);
    const alertas = LIMITES.map(alertaDoLimite).filter(Boolean);
    alertaConfirmacao.textContent = alertas.join(" ");
    alertaConfirmacao.hidden = alertas.length === 0;
    confirmacao.hidden = false;
    confirmacao.dataset.parametros = JSON.stringify(parametros);
    pergunta.focus();
  });
  document.getElementById("botao-confirmar-partida").addEventListener("click", () => {
    confirmacao.hidden = true;
    enviarComando("start", JSON.parse(confirmacao.dataset.parametros));
    document.getElementById("botao-partida").focus();
  });
  document.getElementById("botao-cancelar-partida").addEventListener("click", () => {
    confirmacao.hidden = true;
    document.getElementById("botao-partida").focus();
  });
  document.getElementById("botao-parar").addEventListener("click", () => enviarComando("stop"));
  document.getElementById("botao-resetar").addEventListener("click", () => enviarComando("reset"));
}
