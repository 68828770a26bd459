// /maquinas/<id>: live status, commands, readings history, manual log and release, all through the API.
import { api } from "./api.js";
import {
  GRANDEZAS, badge, formatarHora, formatarLeitura, linha, mostrarMensagem, preencherMaquina, repetirEnquantoVisivel,
} from "./ui.js";

const painel = document.getElementById("painel-maquina");
const id = encodeURIComponent(painel.dataset.maquinaId);
const estado = document.getElementById("estado-atualizacao");

const NOMES_COMANDO = { start: "Partida", stop: "Parada", reset: "Reset" };
const ESTADOS_COMANDO = {
  enviado: "Enviado, aguardando a máquina",
  confirmado: "Confirmado",
  expirado: "Expirado sem confirmação",
  falhou: "Falhou",
};

function substituirLinhas(corpo, linhas, textoVazio, colunas) {
  if (linhas.length === 0) {
    const vazio = linha([textoVazio]);
    vazio.firstChild.colSpan = colunas;
    linhas = [vazio];
  }
  corpo.replaceChildren(...linhas);
}

// ---- status, commands, readings ----------------------------------------------------
async function atualizarMaquina() {
  const { maquina } = await api("GET", `/api/machines/${id}`);
  preencherMaquina(painel, maquina);
  document.getElementById("aviso-offline").hidden = maquina.online;
}

async function atualizarComandos() {
  const { comandos } = await api("GET", `/api/machines/${id}/commands?limit=10`);
  const linhas = comandos.map((c) => linha([
    NOMES_COMANDO[c.comando] || c.comando,
    badge(c.estado, ESTADOS_COMANDO[c.estado] || c.estado),
    formatarHora(c.criado_em),
  ]));
  substituirLinhas(document.getElementById("lista-comandos"), linhas, "Nenhum comando enviado ainda.", 3);
}

async function atualizarLeituras() {
  const { leituras } = await api("GET", `/api/sensor-data/${id}?limit=20`);
  const linhas = leituras.map((l) => linha([
    formatarHora(l.timestamp),
    ...GRANDEZAS.map(([grandeza]) => formatarLeitura(l.dados_sensor[grandeza], grandeza)),
  ]));
  substituirLinhas(document.getElementById("lista-leituras"), linhas, "Nenhuma leitura recebida ainda.", 5);
}

const mensagemComando = document.getElementById("mensagem-comando");
const formPartida = document.getElementById("form-partida");

async function enviarComando(acao, corpo) {
  mostrarMensagem(mensagemComando, "Enviando…", "info");
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
  await atualizarComandos().catch(() => {});
  // The device usually confirms within a second or two: look again soon.
  setTimeout(() => atualizarComandos().catch(() => {}), 2000);
}

formPartida.addEventListener("submit", (evento) => {
  evento.preventDefault();
  if (!formPartida.reportValidity()) return;
  const corpo = {};
  ["voltagem", "velocidade", "temperatura"].forEach((campo) => {
    corpo[campo] = Number(formPartida.elements[campo].value);
  });
  enviarComando("start", corpo);
});
document.getElementById("botao-parar").addEventListener("click", () => enviarComando("stop"));
document.getElementById("botao-resetar").addEventListener("click", () => enviarComando("reset"));

// ---- manual log ---------------------------------------------------------------------
const formRegistro = document.getElementById("form-registro");
const descricao = document.getElementById("descricao");
const contador = document.getElementById("contador-descricao");
const mensagemRegistro = document.getElementById("mensagem-registro");

function itemRegistro(registro) {
  const item = document.createElement("li");
  const hora = document.createElement("time");
  hora.dateTime = registro.timestamp;
  hora.textContent = formatarHora(registro.timestamp);
  const texto = document.createElement("p");
  texto.textContent = registro.descricao;
  item.append(hora, texto);
  return item;
}

async function atualizarRegistros() {
  const { registros } = await api("GET", `/api/manual-log/${id}`);
  const lista = document.getElementById("lista-registros");
  if (registros.length === 0) {
    const vazio = document.createElement("li");
    vazio.className = "discreto";
    vazio.textContent = "Nenhuma anotação ainda.";
    lista.replaceChildren(vazio);
  } else {
    lista.replaceChildren(...registros.map(itemRegistro));
  }
}

descricao.addEventListener("input", () => {
  contador.textContent = `${descricao.value.length} de ${descricao.maxLength} caracteres`;
});

formRegistro.addEventListener("submit", async (evento) => {
  evento.preventDefault();
  if (!formRegistro.reportValidity()) return;
  try {
    const resposta = await api("POST", "/api/manual-log", { maquina_id: painel.dataset.maquinaId, descricao: descricao.value });
    mostrarMensagem(mensagemRegistro, resposta.message, "sucesso");
    descricao.value = "";
    descricao.dispatchEvent(new Event("input"));
    await atualizarRegistros();
  } catch (erro) {
    mostrarMensagem(mensagemRegistro, erro.message, "erro");
  }
});

// ---- release --------------------------------------------------------------------------
const botaoLiberar = document.getElementById("botao-liberar");
const confirmacao = document.getElementById("confirmar-liberacao");

function mostrarConfirmacao(visivel) {
  confirmacao.hidden = !visivel;
  botaoLiberar.setAttribute("aria-expanded", String(visivel));
  (visivel ? document.getElementById("pergunta-liberacao") : botaoLiberar).focus();
}

botaoLiberar.addEventListener("click", () => mostrarConfirmacao(confirmacao.hidden));
document.getElementById("botao-cancelar-liberacao").addEventListener("click", () => mostrarConfirmacao(false));
document.getElementById("botao-confirmar-liberacao").addEventListener("click", async () => {
  const mensagem = document.getElementById("mensagem-liberar");
  try {
    await api("DELETE", `/api/machines/${id}`);
    mostrarMensagem(mensagem, "Máquina liberada. Voltando para a lista…", "sucesso");
    window.location.assign("/maquinas");
  } catch (erro) {
    mostrarMensagem(mensagem, erro.message, "erro");
  }
});

// ---- polling (live updates via SSE come later) ----------------------------------------
async function atualizarTudo() {
  await Promise.all([atualizarMaquina(), atualizarComandos(), atualizarLeituras()]);
  mostrarMensagem(estado, "Atualiza sozinho a cada 5 segundos.");
}
repetirEnquantoVisivel(atualizarTudo, 5000, (erro) => {
  mostrarMensagem(estado, `Não foi possível atualizar: ${erro.message}`, "erro");
});
