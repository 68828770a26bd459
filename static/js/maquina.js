// /maquinas/<id>: live status, values, alarms and chart points from the event stream (the dashboard's), the
// state strip, commands (static/js/comandos_maquina.js), manual log and release, all through the API.
// The rules editor is static/js/regras.js. Nothing here polls: the stream says when something changed.
import { api } from "./api.js";
import { limitesDasRegras, mostrarAlarmes, periodosDeAlarme } from "./alarmes_maquina.js";
import {
  atualizarComandos, atualizarTemposRelativos, mostrarMaquinaNosComandos, prepararComandos,
} from "./comandos_maquina.js";
import { acompanharMaquinas } from "./eventos.js";
import { criarFaixa } from "./faixa_estados.js";
import { instanteParaParede, paredeParaInstante } from "./fuso.js";
import { criarGraficos } from "./graficos.js";
import {
  GRANDEZAS, formatarHora, formatarLeitura, fuso, linha, mostrarMensagem, preencherMaquina, texto,
} from "./ui.js";

const painel = document.getElementById("painel-maquina");
const id = encodeURIComponent(painel.dataset.maquinaId);
const estado = document.getElementById("estado-atualizacao");

function substituirLinhas(corpo, linhas, textoVazio, colunas) {
  if (linhas.length === 0) {
    const vazio = linha([textoVazio]);
    vazio.firstChild.colSpan = colunas;
    linhas = [vazio];
  }
  corpo.replaceChildren(...linhas);
}

// ---- commands --------------------------------------------------------------------------------
// While the newest command is 'enviado', look again every 2 s until the device confirms, trips or it expires.
let acompanhando = null;
async function atualizarEAcompanhar() {
  const ultimo = await atualizarComandos(id);
  if (!ultimo || ultimo.estado !== "enviado" || acompanhando) return;
  acompanhando = setInterval(async () => {
    try {
      const atual = await atualizarComandos(id);
      if (!atual || atual.estado !== "enviado") {
        clearInterval(acompanhando);
        acompanhando = null;
      }
    } catch {
      // a network blip: try again on the next tick
    }
  }, 2000);
}
prepararComandos(id, () => atualizarEAcompanhar().catch(() => null));
if (document.getElementById("estado-comando").dataset.estado === "enviado") atualizarEAcompanhar().catch(() => null);
setInterval(atualizarTemposRelativos, 15000);

// ---- readings: the table is read again when the stream brings a new one (at most every 5 s) ---------
let leiturasPedidasEm = 0;
let leiturasPendentes = null;
async function atualizarLeituras() {
  leiturasPedidasEm = Date.now();
  const { leituras } = await api("GET", `/api/sensor-data/${id}?limit=20`);
  const linhas = leituras.map((l) => linha([
    formatarHora(l.timestamp),
    ...GRANDEZAS.map(([grandeza]) => formatarLeitura(l.dados_sensor[grandeza], grandeza)),
  ]));
  substituirLinhas(document.getElementById("lista-leituras"), linhas, texto("sem_leituras"), 5);
}
function pedirLeituras() {
  if (leiturasPendentes) return;
  const espera = Math.max(0, 5000 - (Date.now() - leiturasPedidasEm));
  leiturasPendentes = setTimeout(() => {
    leiturasPendentes = null;
    atualizarLeituras().catch((erro) => mostrarMensagem(estado, texto("nao_atualizou", erro.message), "erro"));
  }, espera);
}

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
  const descricaoItem = document.createElement("p");
  descricaoItem.textContent = registro.descricao;
  item.append(hora, descricaoItem);
  return item;
}

async function atualizarRegistros() {
  const { registros } = await api("GET", `/api/manual-log/${id}`);
  const lista = document.getElementById("lista-registros");
  if (registros.length === 0) {
    const vazio = document.createElement("li");
    vazio.className = "discreto";
    vazio.textContent = texto("sem_anotacoes");
    lista.replaceChildren(vazio);
  } else {
    lista.replaceChildren(...registros.map(itemRegistro));
  }
}

descricao.addEventListener("input", () => {
  contador.textContent = texto("contador_caracteres", descricao.value.length, descricao.maxLength);
});

formRegistro.addEventListener("submit", async (evento) => {
  evento.preventDefault();
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
    mostrarMensagem(mensagem, texto("maquina_liberada"), "sucesso");
    window.location.assign("/maquinas");
  } catch (erro) {
    mostrarMensagem(mensagem, erro.message, "erro");
  }
});

// ---- charts, state strip, export -----------------------------------------------------------------
const DURACOES = { "1h": 3600e3, "24h": 86400e3, "7d": 7 * 86400e3, "30d": 30 * 86400e3 };
const faixa = criarFaixa(document.getElementById("faixa-maquina"), painel.dataset.maquinaId);
const graficos = window.uPlot
  ? criarGraficos(document.getElementById("graficos"), GRANDEZAS, fuso, () => faixa.alinhar(graficos.areaDoGrafico()))
  : null;
const estadoGraficos = document.getElementById("estado-graficos");
const formPeriodo = document.getElementById("form-periodo");
const linkExportar = document.getElementById("link-exportar");
let intervalo = "1h";
let personalizado = null; // {desde, ate} of the custom range
let periodoMostrado = null; // what the charts show now: the custom form starts from it

function periodoAtual() {
  if (intervalo === "personalizado" && personalizado) return personalizado;
  const ate = new Date();
  return { desde: new Date(ate.getTime() - DURACOES[intervalo === "personalizado" ? "1h" : intervalo]), ate };
}
const aoVivo = () => intervalo !== "personalizado" && periodoMostrado !== null;

function atualizarLinkExportar() {
  const { desde, ate } = periodoAtual();
  const consulta = new URLSearchParams({ desde: desde.toISOString(), ate: ate.toISOString(), format: "csv" });
  linkExportar.href = `/api/sensor-data/${id}/export?${consulta}`;
}

function carregarFaixa() {
  // Live, the window ends now: a state that just began is inside it (and the charts slide along).
  if (aoVivo()) {
    periodoMostrado = periodoAtual();
    graficos?.deslizar(periodoMostrado.desde.getTime() / 1000, periodoMostrado.ate.getTime() / 1000);
  }
  const { desde, ate } = periodoMostrado || periodoAtual();
  faixa.carregar(desde, ate).catch(() => null);
}

async function carregarGraficos() {
  if (!graficos) {
    mostrarMensagem(estadoGraficos, texto("graficos_nao_carregaram"), "erro");
    return;
  }
  const { desde, ate } = periodoAtual();
  const consulta = new URLSearchParams({ desde: desde.toISOString(), ate: ate.toISOString(), pontos: "600" });
  const serie = await api("GET", `/api/sensor-data/${id}/serie?${consulta}`);
  graficos.mostrar(serie, desde.getTime() / 1000, ate.getTime() / 1000);
  periodoMostrado = { desde, ate };
  carregarFaixa();
  faixa.alinhar(graficos.areaDoGrafico());
  await marcarAlarmes();
  const resolucao = serie.largura_s >= 3600 ? `${serie.largura_s / 3600} h` : serie.largura_s >= 60
    ? `${serie.largura_s / 60} min` : `${serie.largura_s} s`;
  mostrarMensagem(estadoGraficos, texto("graficos_periodo", formatarHora(desde.toISOString()), formatarHora(ate.toISOString()), resolucao));
  atualizarLinkExportar();
}

// A relative range keeps ending now: a reading from the stream is appended and the window slides with it.
function acrescentarAoGrafico(leitura) {
  if (!graficos || !aoVivo()) return;
  periodoMostrado = periodoAtual();
  const { desde, ate } = periodoMostrado;
  graficos.acrescentar(new Date(leitura.timestamp).getTime() / 1000, leitura, desde.getTime() / 1000, ate.getTime() / 1000);
  faixa.deslizar(desde, ate);
}
// A silent machine: nothing arrives, but the window still moves on (no request).
setInterval(() => {
  if (!graficos || !aoVivo() || document.visibilityState !== "visible") return;
  periodoMostrado = periodoAtual();
  graficos.deslizar(periodoMostrado.desde.getTime() / 1000, periodoMostrado.ate.getTime() / 1000);
  faixa.deslizar(periodoMostrado.desde, periodoMostrado.ate);
}, 30000);

// The rules' limits and the alarms' active periods over the charts (regras.js announces saved rules).
let regrasAtuais = JSON.parse(document.getElementById("secao-regras").dataset.regras);
async function marcarAlarmes() {
  if (!graficos || !periodoMostrado) return;
  const periodos = await periodosDeAlarme(painel.dataset.maquinaId, periodoMostrado.desde, periodoMostrado.ate).catch(() => []);
  graficos.marcar(limitesDasRegras(regrasAtuais), periodos);
}
document.addEventListener("regras:salvas", (evento) => {
  regrasAtuais = evento.detail;
  marcarAlarmes();
});

function carregarGraficosComAviso() {
  carregarGraficos().catch((erro) => mostrarMensagem(estadoGraficos, texto("graficos_erro", erro.message), "erro"));
}

document.getElementById("intervalos").addEventListener("change", (evento) => {
  intervalo = evento.target.value;
  formPeriodo.hidden = intervalo !== "personalizado";
  if (intervalo === "personalizado") {
    const { desde, ate } = personalizado || periodoMostrado || periodoAtual();
    formPeriodo.elements.desde.value = instanteParaParede(desde, fuso);
    formPeriodo.elements.ate.value = instanteParaParede(ate, fuso);
    return;
  }
  carregarGraficosComAviso();
});

formPeriodo.addEventListener("submit", (evento) => {
  evento.preventDefault();
  const desde = paredeParaInstante(formPeriodo.elements.desde.value, fuso);
  const ate = paredeParaInstante(formPeriodo.elements.ate.value, fuso);
  if (!desde || !ate || desde >= ate) {
    mostrarMensagem(estadoGraficos, texto("escolha_inicio_antes_fim"), "erro");
    formPeriodo.elements.desde.setAttribute("aria-invalid", "true");
    return;
  }
  formPeriodo.elements.desde.removeAttribute("aria-invalid");
  personalizado = { desde, ate };
  carregarGraficosComAviso();
});

// ---- the machine, live ----------------------------------------------------------------------------
let anterior = null; // the last machine the stream gave
function mostrarMaquina(maquina) {
  preencherMaquina(painel, maquina);
  const zona = painel.querySelector('[data-campo="zona"]');
  if (zona) zona.textContent = maquina.zona_vibracao ? texto("zona", maquina.zona_vibracao.toUpperCase()) : "";
  mostrarAlarmes(maquina);
  mostrarMaquinaNosComandos(maquina);
  const antes = anterior;
  anterior = maquina;
  if (!antes) return;
  // A new state: the device answered a command (or tripped), and the strip has a new interval.
  if (maquina.status !== antes.status || maquina.online !== antes.online) {
    atualizarEAcompanhar().catch(() => null);
    carregarFaixa();
  }
  // An alarm raised or cleared: the shaded periods change with it.
  const alarmes = (m) => JSON.stringify((m.alarmes || []).map((a) => [a.alarme_id, a.estado]));
  if (alarmes(maquina) !== alarmes(antes)) marcarAlarmes();
  const leitura = maquina.ultima_leitura;
  if (leitura?.timestamp && leitura.timestamp !== antes.ultima_leitura?.timestamp) {
    acrescentarAoGrafico(leitura);
    pedirLeituras();
  }
}

acompanharMaquinas({
  maquinaId: painel.dataset.maquinaId,
  aoReceber: ({ maquinas }) => {
    if (maquinas.length) mostrarMaquina(maquinas[0]);
  },
  aoEstado: (mensagem, tipo, modo) => {
    mostrarMensagem(estado, mensagem, tipo);
    estado.dataset.modo = modo;
  },
});

// A relative range ("last hour") keeps ending now: the link is rebuilt at the moment of the click.
linkExportar.addEventListener("click", atualizarLinkExportar);
carregarGraficosComAviso();
