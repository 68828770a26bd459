// /maquinas: the live dashboard, as cards or a compact list. Both follow /api/eventos (or polling): the most
// severe alarm first, then the oldest; counters per severity, search and filters narrow them, grouping by
// line or place splits them (static/js/painel_filtros.js); stale values are greyed with their age; "há X s"
// ticks every second and each card's reading has a sparkline of the last 10 minutes.
import { api } from "./api.js";
import { SEVERIDADES, chaveDoPainel, compararChaves, itemAlarme, nomeDaSeveridade, nomeDoTipo, piorAtivo } from "./alarme_ui.js";
import { acompanharMaquinas } from "./eventos.js";
import { criarFiltros } from "./painel_filtros.js";
import { desenharSparkline } from "./sparkline.js";
import { GRANDEZAS, mostrarMensagem, preencherMaquina, tempoDesde, texto } from "./ui.js";

const JANELA_MS = 10 * 60 * 1000;
const lista = document.getElementById("lista-maquinas");
const modelo = document.getElementById("modelo-cartao");
const tabela = document.getElementById("tabela-maquinas");
const linhasTabela = document.getElementById("linhas-maquinas");
const modeloLinha = document.getElementById("modelo-linha");
const contagemVisiveis = document.getElementById("contagem-visiveis");
const semMaquinas = document.getElementById("sem-maquinas");
const filtroVazio = document.getElementById("filtro-vazio");
const estado = document.getElementById("estado-atualizacao");
const resumo = document.getElementById("resumo-alarmes");
const contadores = document.getElementById("contadores");

// Per machine: the last view received and the sparkline points {grandeza: [{t, v}]}.
const maquinas = new Map();
let filtro = null; // the severity whose counter is pressed, or null
const filtros = criarFiltros({
  aoMudar: () => reordenar(),
  aoSalvarPreferencia: (pedido) => pedido.catch((erro) => mostrarMensagem(estado, erro.message, "erro")),
});

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

function preencherLinha(linha, maquina) {
  preencherMaquina(linha, maquina);
  const pior = piorAtivo(maquina);
  linha.dataset.severidade = pior ? pior.severidade : "";
  linha.dataset.obsoleto = String(Boolean(maquina.ultima_leitura && (maquina.sem_dados_recentes || !maquina.online)));
  const celula = linha.querySelector('[data-campo="alarme_principal"]');
  const ativos = (maquina.alarmes || []).filter((a) => a.estado === "ativo");
  if (pior) {
    const rotulo = document.createElement("span");
    rotulo.className = `alarme alarme--${pior.severidade}`;
    const forte = document.createElement("strong");
    forte.textContent = nomeDaSeveridade(pior.severidade);
    rotulo.append(forte, ` ${nomeDoTipo(pior.tipo)}`);
    const partes = [rotulo];
    if (ativos.length > 1) partes.push(Object.assign(document.createElement("span"), { className: "discreto", textContent: ` +${ativos.length - 1}` }));
    celula.replaceChildren(...partes);
  } else if (maquina.sem_dados_recentes) {
    celula.replaceChildren(Object.assign(document.createElement("span"), { className: "aviso-sem-dados", textContent: texto("sem_dados_recentes") }));
  } else {
    celula.textContent = "—";
  }
  linha.querySelector('[data-campo="zona"]').textContent = maquina.zona_vibracao || "";
  linha.querySelector('[data-campo="zona"]').dataset.zona = maquina.zona_vibracao || "";
  linha.querySelector('[data-campo="linha_local"]').textContent = [maquina.linha, maquina.local].filter(Boolean).join(" · ");
}

function atualizarLinha(maquina) {
  let linha = linhasTabela.querySelector(`tr[data-maquina-id="${CSS.escape(maquina.id)}"]`);
  if (!linha) {
    linha = modeloLinha.content.querySelector("tr").cloneNode(true);
    linha.dataset.maquinaId = maquina.id;
    linhasTabela.append(linha);
  }
  preencherLinha(linha, maquina);
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
  atualizarLinha(maquina);
}

function resumir(emAlarme) {
  if (emAlarme === 0) return texto("nenhum_alarme_ativo");
  return emAlarme === 1 ? texto("resumo_alarmes_um") : texto("resumo_alarmes_varios", emAlarme);
}

// Put `itens` (in order) into `recipiente`, moving only what is out of place, so a focused link keeps its focus.
function posicionar(recipiente, itens) {
  itens.forEach((item, posicao) => {
    if (recipiente.children[posicao] !== item) recipiente.insertBefore(item, recipiente.children[posicao] || null);
  });
  [...recipiente.children].slice(itens.length).forEach((sobra) => sobra.remove());
}

const titulos = { cartoes: new Map(), lista: new Map() };
function tituloDoGrupo(visao, grupo) {
  let titulo = titulos[visao].get(grupo);
  if (!titulo) {
    if (visao === "cartoes") {
      titulo = Object.assign(document.createElement("h2"), { className: "grupo-titulo" });
    } else {
      titulo = document.createElement("tr");
      titulo.className = "linha-grupo";
      const celula = Object.assign(document.createElement("th"), { scope: "colgroup", colSpan: 4 + GRANDEZAS.length });
      titulo.append(celula);
    }
    titulo.dataset.grupo = grupo;
    titulos[visao].set(grupo, titulo);
  }
  return titulo;
}

function nomeDoGrupo(grupo) {
  if (grupo) return grupo;
  return texto(filtros.estado.agrupar === "linha" ? "sem_linha" : "sem_local");
}


let recebido = false; // until the first snapshot, the server's cards stay as rendered

function reordenar() {
  if (!recebido) return;
  const ordenados = [...maquinas.values()].map((r) => r.maquina)
    .sort((a, b) => compararChaves(chaveDoPainel(a), chaveDoPainel(b)));
  contar(ordenados);
  filtros.atualizarLinhas(ordenados);
  // Groups in name order, the machines without one last; inside each, dashboard order.
  const grupos = new Map();
  ordenados.forEach((maquina) => {
    const grupo = filtros.grupoDe(maquina);
    if (!grupos.has(grupo)) grupos.set(grupo, []);
    grupos.get(grupo).push(maquina);
  });
  const nomes = [...grupos.keys()].sort((a, b) => (a === "") - (b === "") || a.localeCompare(b));
  const cartoes = [];
  const linhas = [];
  let visiveis = 0;
  nomes.forEach((grupo) => {
    const membros = grupos.get(grupo);
    const combinam = membros.filter(filtros.combina);
    visiveis += combinam.length;
    if (filtros.estado.agrupar !== "nenhum") {
      const rotulo = `${nomeDoGrupo(grupo)} (${combinam.length})`;
      [tituloDoGrupo("cartoes", grupo), tituloDoGrupo("lista", grupo)].forEach((titulo) => {
        const alvo = titulo.tagName === "TR" ? titulo.firstChild : titulo;
        if (alvo.textContent !== rotulo) alvo.textContent = rotulo;
        titulo.hidden = combinam.length === 0;
      });
      cartoes.push(titulos.cartoes.get(grupo));
      linhas.push(titulos.lista.get(grupo));
    }
    membros.forEach((maquina) => {
      const seletor = `[data-maquina-id="${CSS.escape(maquina.id)}"]`;
      const cartao = lista.querySelector(seletor);
      const linha = linhasTabela.querySelector(seletor);
      const mostrar = combinam.includes(maquina);
      cartao.hidden = !mostrar;
      linha.hidden = !mostrar;
      cartoes.push(cartao);
      linhas.push(linha);
    });
  });
  posicionar(lista, cartoes);
  posicionar(linhasTabela, linhas);
  lista.hidden = filtros.estado.visao !== "cartoes";
  tabela.hidden = filtros.estado.visao !== "lista";
  semMaquinas.hidden = ordenados.length > 0;
  filtroVazio.hidden = ordenados.length === 0 || visiveis > 0;
  const contagem = ordenados.length ? texto("mostrando_n_de_m", visiveis, ordenados.length) : "";
  if (contagemVisiveis.textContent !== contagem) contagemVisiveis.textContent = contagem;
}

// The counters and the summary count every machine, whatever the filters show.
function contar(ordenados) {
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
}

contadores.addEventListener("click", (evento) => {
  const botao = evento.target.closest("[data-severidade]");
  if (!botao) return;
  filtro = filtro === botao.dataset.severidade ? null : botao.dataset.severidade;
  contadores.querySelectorAll("[data-severidade]").forEach((b) => {
    b.setAttribute("aria-pressed", String(b.dataset.severidade === filtro));
  });
  filtros.filtrarSeveridade(filtro);
});

function receber({ maquinas: novas, removidas, completo }) {
  recebido = true;
  novas.forEach(atualizarCartao);
  const presentes = new Set(novas.map((m) => m.id));
  const sairam = completo ? [...maquinas.keys()].filter((id) => !presentes.has(id)) : removidas || [];
  sairam.forEach((id) => {
    maquinas.delete(id);
    document.querySelectorAll(`[data-maquina-id="${CSS.escape(id)}"]`).forEach((el) => el.remove());
  });
  reordenar();
}

// "há X s" ticks on its own; a card whose machine went silent changes only when the server says so.
setInterval(() => {
  document.querySelectorAll("#lista-maquinas time[data-tique], #linhas-maquinas time[data-tique]").forEach((el) => {
    el.textContent = tempoDesde(el.dateTime);
  });
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
