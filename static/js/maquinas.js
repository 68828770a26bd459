// /maquinas: the live dashboard. Cards follow /api/eventos (or polling): the most severe alarm first, then the
// oldest; counters per severity filter the cards; stale values are greyed with their age; "há X s" ticks
// every second and each reading has a sparkline of the last 10 minutes.
import { api } from "./api.js";
import { SEVERIDADES, chaveDoPainel, compararChaves, itemAlarme, piorAtivo } from "./alarme_ui.js";
import { acompanharMaquinas } from "./eventos.js";
import { desenharSparkline } from "./sparkline.js";
import { GRANDEZAS, mostrarMensagem, preencherMaquina, tempoDesde, texto } from "./ui.js";

const JANELA_MS = 10 * 60 * 1000;
const lista = document.getElementById("lista-maquinas");
const modelo = document.getElementById("modelo-cartao");
const semMaquinas = document.getElementById("sem-maquinas");
const filtroVazio = document.getElementById("filtro-vazio");
const estado = document.getElementById("estado-atualizacao");
const resumo = document.getElementById("resumo-alarmes");
const contadores = document.getElementById("contadores");

// Per machine: the last view received and the sparkline points {grandeza: [{t, v}]}.
const maquinas = new Map();
let filtro = null; // the severity whose counter is pressed, or null

function corDe(severidade) {
  const estilo = getComputedStyle(document.documentElement);
  return estilo.getPropertyValue(severidade ? `--sev-${severidade}` : "--primaria").trim() || "#0b5cad";
}

function desenharCartao(cartao, registro) {
  cartao.querySelectorAll("canvas[data-sparkline]").forEach((canvas) => {
    const severidade = canvas.closest(".leitura").dataset.severidade;
    desenharSparkline(canvas, registro.pontos[canvas.dataset.sparkline] || [], corDe(severidade));
  });
}

function preencherAlarmes(cartao, maquina) {
  cartao.querySelector('[data-campo="alarmes"]').replaceChildren(...(maquina.alarmes || []).map(itemAlarme));
  const ativos = (maquina.alarmes || []).filter((alarme) => alarme.estado === "ativo");
  cartao.querySelectorAll(".leitura").forEach((leitura) => {
    const sensor = leitura.querySelector("[data-leitura]").dataset.leitura;
    const doSensor = ativos.find((alarme) => alarme.sensor === sensor);
    leitura.dataset.severidade = doSensor ? doSensor.severidade : "";
  });
  const pior = piorAtivo(maquina);
  cartao.dataset.severidade = pior ? pior.severidade : "";
  const zona = cartao.querySelector('[data-campo="zona"]');
  zona.dataset.zona = maquina.zona_vibracao || "";
  zona.textContent = maquina.zona_vibracao ? texto("zona", maquina.zona_vibracao.toUpperCase()) : "";
}

// Old values never look live: greyed while the machine is stale or offline, with their age in words.
function preencherFrescor(cartao, maquina) {
  const ultima = maquina.ultima_leitura;
  cartao.dataset.semDados = String(Boolean(maquina.sem_dados_recentes));
  cartao.dataset.obsoleto = String(Boolean(ultima && (maquina.sem_dados_recentes || !maquina.online)));
  cartao.querySelector('[data-campo="sem_dados"]').hidden = !maquina.sem_dados_recentes;
  const idade = cartao.querySelector('[data-campo="ha_leitura"]');
  idade.dateTime = (ultima && ultima.timestamp) || "";
  idade.textContent = tempoDesde(idade.dateTime);
}

// Append the newest reading to the sparklines (once per reading) and forget points older than 10 minutes.
function acrescentarLeitura(registro, maquina) {
  const ultima = maquina.ultima_leitura;
  const instante = ultima && ultima.timestamp ? new Date(ultima.timestamp).getTime() : NaN;
  const limite = Date.now() - JANELA_MS;
  GRANDEZAS.forEach(([grandeza]) => {
    const pontos = (registro.pontos[grandeza] = registro.pontos[grandeza] || []);
    const ultimoPonto = pontos[pontos.length - 1];
    if (!Number.isNaN(instante) && (!ultimoPonto || instante > ultimoPonto.t)) {
      pontos.push({ t: instante, v: ultima[grandeza] });
    }
    while (pontos.length && pontos[0].t < limite) pontos.shift();
  });
}

async function carregarSerie(maquinaId, registro) {
  const desde = new Date(Date.now() - JANELA_MS).toISOString();
  const dados = await api("GET", `/api/sensor-data/${encodeURIComponent(maquinaId)}/serie?desde=${encodeURIComponent(desde)}&pontos=60`);
  const vivos = registro.pontos;
  registro.pontos = {};
  GRANDEZAS.forEach(([grandeza]) => {
    const historico = dados.pontos.map((p) => ({ t: new Date(p.t).getTime(), v: p[grandeza] ? p[grandeza].med : null }));
    const ultimo = historico.length ? historico[historico.length - 1].t : -Infinity;
    registro.pontos[grandeza] = historico.concat((vivos[grandeza] || []).filter((p) => p.t > ultimo));
  });
}

function atualizarCartao(maquina) {
  let registro = maquinas.get(maquina.id);
  let cartao = lista.querySelector(`[data-maquina-id="${CSS.escape(maquina.id)}"]`);
  if (!cartao) {
    cartao = modelo.content.firstElementChild.cloneNode(true);
    cartao.dataset.maquinaId = maquina.id;
    cartao.querySelector('[data-campo="nome"]').id = `nome-${maquina.id}`;
    cartao.setAttribute("aria-labelledby", `nome-${maquina.id}`);
    lista.append(cartao);
  }
  if (!registro) {
    registro = { pontos: {}, maquina };
    maquinas.set(maquina.id, registro);
    carregarSerie(maquina.id, registro).then(() => desenharCartao(cartao, registro)).catch(() => {});
  }
  registro.maquina = maquina;
  preencherMaquina(cartao, maquina);
  preencherAlarmes(cartao, maquina);
  preencherFrescor(cartao, maquina);
  acrescentarLeitura(registro, maquina);
  desenharCartao(cartao, registro);
}

function resumir(emAlarme) {
  if (emAlarme === 0) return texto("nenhum_alarme_ativo");
  return emAlarme === 1 ? texto("resumo_alarmes_um") : texto("resumo_alarmes_varios", emAlarme);
}

function reordenar() {
  const ordenados = [...maquinas.values()].map((r) => r.maquina)
    .sort((a, b) => compararChaves(chaveDoPainel(a), chaveDoPainel(b)));
  // Move only what is out of place, so a focused link keeps its focus.
  ordenados.forEach((maquina, posicao) => {
    const cartao = lista.querySelector(`[data-maquina-id="${CSS.escape(maquina.id)}"]`);
    if (lista.children[posicao] !== cartao) lista.insertBefore(cartao, lista.children[posicao] || null);
  });
  const contagem = Object.fromEntries(SEVERIDADES.map((s) => [s, 0]));
  ordenados.forEach((maquina) => {
    const pior = piorAtivo(maquina);
    if (pior) contagem[pior.severidade] += 1;
  });
  contadores.querySelectorAll("[data-severidade]").forEach((botao) => {
    const numero = String(contagem[botao.dataset.severidade]);
    const alvo = botao.querySelector("[data-contagem]");
    if (alvo.textContent !== numero) alvo.textContent = numero;
  });
  const emAlarme = Object.values(contagem).reduce((a, b) => a + b, 0);
  resumo.dataset.emAlarme = String(emAlarme);
  if (resumo.textContent !== resumir(emAlarme)) resumo.textContent = resumir(emAlarme);
  semMaquinas.hidden = ordenados.length > 0;
  filtrar();
}

function filtrar() {
  let visiveis = 0;
  lista.querySelectorAll("[data-maquina-id]").forEach((cartao) => {
    cartao.hidden = filtro !== null && cartao.dataset.severidade !== filtro;
    if (!cartao.hidden) visiveis += 1;
  });
  filtroVazio.hidden = filtro === null || visiveis > 0;
}

contadores.addEventListener("click", (evento) => {
  const botao = evento.target.closest("[data-severidade]");
  if (!botao) return;
  filtro = filtro === botao.dataset.severidade ? null : botao.dataset.severidade;
  contadores.querySelectorAll("[data-severidade]").forEach((b) => {
    b.setAttribute("aria-pressed", String(b.dataset.severidade === filtro));
  });
  filtrar();
});

function receber({ maquinas: novas, removidas, completo }) {
  novas.forEach(atualizarCartao);
  const presentes = new Set(novas.map((m) => m.id));
  const sairam = completo ? [...maquinas.keys()].filter((id) => !presentes.has(id)) : removidas || [];
  sairam.forEach((id) => {
    maquinas.delete(id);
    const cartao = lista.querySelector(`[data-maquina-id="${CSS.escape(id)}"]`);
    if (cartao) cartao.remove();
  });
  reordenar();
}

// "há X s" ticks on its own; a card whose machine went silent changes only when the server says so.
setInterval(() => {
  lista.querySelectorAll("time[data-tique]").forEach((el) => { el.textContent = tempoDesde(el.dateTime); });
}, 1000);

let redesenho = null;
window.addEventListener("resize", () => {
  clearTimeout(redesenho);
  redesenho = setTimeout(() => {
    lista.querySelectorAll("[data-maquina-id]").forEach((cartao) => {
      const registro = maquinas.get(cartao.dataset.maquinaId);
      if (registro) desenharCartao(cartao, registro);
    });
  }, 150);
});

acompanharMaquinas({
  aoReceber: receber,
  aoEstado: (mensagem, tipo, modo) => {
    mostrarMensagem(estado, mensagem, tipo);
    estado.dataset.modo = modo;
  },
});
