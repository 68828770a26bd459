// /maquinas: the live dashboard. Cards follow /api/eventos (or polling), alerting and offline machines
// go first, "há X s" ticks every second and each reading has a sparkline of the last 10 minutes.
import { api } from "./api.js";
import { alertas, compararParaPainel, lerLimites, nivelDaLeitura, nivelGeral } from "./alertas.js";
import { acompanharMaquinas } from "./eventos.js";
import { desenharSparkline } from "./sparkline.js";
import { GRANDEZAS, mostrarMensagem, preencherMaquina, tempoDesde, texto } from "./ui.js";

const JANELA_MS = 10 * 60 * 1000;
const lista = document.getElementById("lista-maquinas");
const modelo = document.getElementById("modelo-cartao");
const semMaquinas = document.getElementById("sem-maquinas");
const estado = document.getElementById("estado-atualizacao");
const resumo = document.getElementById("resumo-alertas");
const limites = lerLimites(lista);

// Per machine: the last view received and the sparkline points {grandeza: [{t, v}]}.
const maquinas = new Map();

function corDe(nivel) {
  const estilo = getComputedStyle(document.documentElement);
  const nome = nivel === "perigo" ? "--perigo" : nivel === "atencao" ? "--alerta" : "--primaria";
  return estilo.getPropertyValue(nome).trim() || "#0b5cad";
}

function desenharCartao(cartao, registro) {
  cartao.querySelectorAll("canvas[data-sparkline]").forEach((canvas) => {
    const grandeza = canvas.dataset.sparkline;
    const nivel = canvas.closest(".leitura").dataset.nivel;
    desenharSparkline(canvas, registro.pontos[grandeza] || [], corDe(nivel));
  });
}

function preencherAlertas(cartao, maquina) {
  const encontrados = alertas(maquina, limites);
  const itens = encontrados.map(([nivel, chave]) => {
    const item = document.createElement("li");
    item.className = `alerta alerta--${nivel}`;
    item.dataset.alerta = chave;
    item.textContent = texto(chave);
    return item;
  });
  cartao.querySelector('[data-campo="alertas"]').replaceChildren(...itens);
  cartao.querySelectorAll(".leitura").forEach((leitura) => {
    leitura.dataset.nivel = nivelDaLeitura(maquina, leitura.querySelector("[data-leitura]").dataset.leitura, limites);
  });
  cartao.dataset.nivel = nivelGeral(encontrados);
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
  preencherAlertas(cartao, maquina);
  acrescentarLeitura(registro, maquina);
  desenharCartao(cartao, registro);
}

function reordenar() {
  const cartoes = [...lista.querySelectorAll("[data-maquina-id]")].map((cartao) => ({
    cartao,
    nivel: cartao.dataset.nivel || "",
    nome: cartao.querySelector('[data-campo="nome"]').textContent,
  }));
  cartoes.sort(compararParaPainel);
  // Move only what is out of place, so a focused link keeps its focus.
  cartoes.forEach(({ cartao }, posicao) => {
    if (lista.children[posicao] !== cartao) lista.insertBefore(cartao, lista.children[posicao] || null);
  });
  const emAlerta = cartoes.filter((c) => c.nivel).length;
  resumo.dataset.alertas = String(emAlerta);
  const novo = emAlerta ? texto("resumo_alertas", emAlerta) : texto("tudo_normal");
  if (resumo.textContent !== novo) resumo.textContent = novo;
  semMaquinas.hidden = cartoes.length > 0;
}

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
  lista.querySelectorAll('time[data-campo="ha"]').forEach((el) => { el.textContent = tempoDesde(el.dateTime); });
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
