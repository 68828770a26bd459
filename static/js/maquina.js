// /maquinas/<id>: charts, live status and alarms (the dashboard's event stream), commands with their state,
// readings, manual log and release, all through the API. The rules editor is static/js/regras.js.
import { api } from "./api.js";
import { limitesDasRegras, mostrarAlarmes, periodosDeAlarme } from "./alarmes_maquina.js";
import { acompanharMaquinas } from "./eventos.js";
import { instanteParaParede, paredeParaInstante } from "./fuso.js";
import { criarGraficos } from "./graficos.js";
import {
  GRANDEZAS, badge, formatarHora, formatarLeitura, fuso, linha, mostrarMensagem, preencherMaquina,
  repetirEnquantoVisivel, texto,
} from "./ui.js";

const painel = document.getElementById("painel-maquina");
const id = encodeURIComponent(painel.dataset.maquinaId);
const estado = document.getElementById("estado-atualizacao");

// "Partida", "Enviado, aguardando a máquina"… (the keys comando_* and estado_* of rotas/textos.py).
const nomeDoComando = (comando) => texto(`comando_${comando}`);
const nomeDoEstado = (estado) => texto(`estado_${estado}`);

function substituirLinhas(corpo, linhas, textoVazio, colunas) {
  if (linhas.length === 0) {
    const vazio = linha([textoVazio]);
    vazio.firstChild.colSpan = colunas;
    linhas = [vazio];
  }
  corpo.replaceChildren(...linhas);
}

// ---- status and alarms, live ------------------------------------------------------------
function mostrarMaquina(maquina) {
  preencherMaquina(painel, maquina);
  document.getElementById("aviso-offline").hidden = maquina.online;
  const zona = painel.querySelector('[data-campo="zona"]');
  if (zona) zona.textContent = maquina.zona_vibracao ? texto("zona", maquina.zona_vibracao.toUpperCase()) : "";
  mostrarAlarmes(maquina);
}

let alarmesVistos = null;
acompanharMaquinas({
  maquinaId: painel.dataset.maquinaId,
  aoReceber: ({ maquinas }) => {
    if (!maquinas.length) return;
    mostrarMaquina(maquinas[0]);
    // An alarm raised or cleared: the shaded periods change with it.
    const agora = JSON.stringify((maquinas[0].alarmes || []).map((a) => [a.alarme_id, a.estado]));
    if (alarmesVistos !== null && agora !== alarmesVistos) marcarAlarmes();
    alarmesVistos = agora;
  },
  aoEstado: (mensagem, tipo) => mostrarMensagem(estado, mensagem, tipo),
});

// ---- commands, readings ----------------------------------------------------------------

const estadoComando = document.getElementById("estado-comando");

// "Último comando: Partida — Enviado, aguardando a máquina" (→ Confirmado / Expirado / Falhou).
function mostrarUltimoComando(comando) {
  estadoComando.hidden = !comando;
  if (!comando) return;
  estadoComando.dataset.estado = comando.estado;
  estadoComando.dataset.comandoId = comando.comando_id;
  estadoComando.replaceChildren(
    texto("ultimo_comando", nomeDoComando(comando.comando)),
    badge(comando.estado, nomeDoEstado(comando.estado)),
  );
}

async function atualizarComandos() {
  const { comandos } = await api("GET", `/api/machines/${id}/commands?limit=10`);
  const linhas = comandos.map((c) => linha([
    nomeDoComando(c.comando),
    badge(c.estado, nomeDoEstado(c.estado)),
    formatarHora(c.criado_em),
  ]));
  substituirLinhas(document.getElementById("lista-comandos"), linhas, texto("sem_comandos"), 3);
  mostrarUltimoComando(comandos[0]);
  return comandos[0];
}

// While the newest command is 'enviado', look again every 2 s until the device confirms or it expires.
let acompanhando = null;
function acompanharComando() {
  if (acompanhando) return;
  acompanhando = setInterval(async () => {
    try {
      const ultimo = await atualizarComandos();
      if (!ultimo || ultimo.estado !== "enviado") {
        clearInterval(acompanhando);
        acompanhando = null;
      }
    } catch {
      // a network blip: try again on the next tick
    }
  }, 2000);
}

async function atualizarLeituras() {
  const { leituras } = await api("GET", `/api/sensor-data/${id}?limit=20`);
  const linhas = leituras.map((l) => linha([
    formatarHora(l.timestamp),
    ...GRANDEZAS.map(([grandeza]) => formatarLeitura(l.dados_sensor[grandeza], grandeza)),
  ]));
  substituirLinhas(document.getElementById("lista-leituras"), linhas, texto("sem_leituras"), 5);
}

const mensagemComando = document.getElementById("mensagem-comando");
const formPartida = document.getElementById("form-partida");

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
  const ultimo = await atualizarComandos().catch(() => null);
  if (ultimo && ultimo.estado === "enviado") acompanharComando();
}

formPartida.addEventListener("submit", (evento) => {
  evento.preventDefault();
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

// ---- charts, export -----------------------------------------------------------------------
const DURACOES = { "1h": 3600e3, "24h": 86400e3, "7d": 7 * 86400e3, "30d": 30 * 86400e3 };
const graficos = window.uPlot ? criarGraficos(document.getElementById("graficos"), GRANDEZAS, fuso) : null;
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

function atualizarLinkExportar() {
  const { desde, ate } = periodoAtual();
  const consulta = new URLSearchParams({ desde: desde.toISOString(), ate: ate.toISOString(), format: "csv" });
  linkExportar.href = `/api/sensor-data/${id}/export?${consulta}`;
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
  await marcarAlarmes();
  const resolucao = serie.largura_s >= 3600 ? `${serie.largura_s / 3600} h` : serie.largura_s >= 60
    ? `${serie.largura_s / 60} min` : `${serie.largura_s} s`;
  mostrarMensagem(estadoGraficos, texto("graficos_periodo", formatarHora(desde.toISOString()), formatarHora(ate.toISOString()), resolucao));
  atualizarLinkExportar();
}

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

// A relative range ("last hour") keeps ending now: the link is rebuilt at the moment of the click.
linkExportar.addEventListener("click", atualizarLinkExportar);
carregarGraficosComAviso();
setInterval(() => {
  if (document.visibilityState === "visible" && intervalo !== "personalizado") carregarGraficosComAviso();
}, 60000);

// ---- polling of readings and commands (the stream carries the machine, not its tables) -----------
async function atualizarTabelas() {
  const [, ultimo] = await Promise.all([atualizarLeituras(), atualizarComandos()]);
  if (ultimo && ultimo.estado === "enviado") acompanharComando();
}
if (estadoComando.dataset.estado === "enviado") acompanharComando();
repetirEnquantoVisivel(atualizarTabelas, 5000, (erro) => {
  mostrarMensagem(estado, texto("nao_atualizou", erro.message), "erro");
});
