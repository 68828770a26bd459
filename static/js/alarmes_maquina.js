// The machine page's alarms: the banner of open alarms with their acknowledge form, and what the charts
// draw of them (the rules' limit lines, the zone edges, the periods each alarm was active).
import { api } from "./api.js";
import { itemAlarme } from "./alarme_ui.js";
import { formatarHora, mostrarMensagem, texto } from "./ui.js";

const banner = document.getElementById("banner-alarmes");
const lista = document.getElementById("lista-alarmes-maquina");
const mensagem = document.getElementById("mensagem-alarmes");
// Alarms older than the chart's start but still reaching into it: look this far back for them.
const ALCANCE_ANTERIOR_MS = 30 * 86400e3;

function formularioReconhecer(alarme) {
  const form = document.createElement("form");
  form.className = "form-reconhecer";
  form.dataset.alarmeId = alarme.alarme_id;
  const rotulo = document.createElement("label");
  const campo = document.createElement("input");
  campo.id = `nota-${alarme.alarme_id}`;
  campo.name = "nota";
  campo.maxLength = 500;
  rotulo.htmlFor = campo.id;
  rotulo.textContent = texto("nota_opcional");
  const botao = document.createElement("button");
  botao.type = "submit";
  botao.className = "botao";
  botao.textContent = texto("reconhecer");
  form.append(rotulo, campo, botao);
  return form;
}

function itemDoBanner(alarme) {
  const item = itemAlarme(alarme);
  const detalhe = document.createElement("span");
  detalhe.className = "alarme__desde discreto";
  detalhe.textContent = ` · ${texto("desde", formatarHora(alarme.inicio))}`;
  item.append(detalhe);
  if (alarme.reconhecido) {
    const feito = document.createElement("span");
    feito.className = "alarme__reconhecido";
    feito.textContent = ` · ${texto("alarme_reconhecido")}`;
    item.append(feito);
  } else {
    item.append(formularioReconhecer(alarme));
  }
  return item;
}

// Redraw the banner from the machine view; a form being typed in is kept as it is.
let mostrados = "";
export function mostrarAlarmes(maquina) {
  const alarmes = maquina.alarmes || [];
  const assinatura = JSON.stringify(alarmes.map((a) => [a.alarme_id, a.estado, a.reconhecido, a.ultimo_valor]));
  if (assinatura === mostrados) return;
  if (lista.contains(document.activeElement) && document.activeElement.value) return;
  mostrados = assinatura;
  lista.replaceChildren(...alarmes.map(itemDoBanner));
  banner.hidden = alarmes.length === 0;
}

lista.addEventListener("submit", async (evento) => {
  evento.preventDefault();
  const form = evento.target;
  const nota = form.elements.nota.value.trim();
  try {
    await api("POST", `/api/alarms/${encodeURIComponent(form.dataset.alarmeId)}/ack`, nota ? { nota } : {});
    mostrarMensagem(mensagem, texto("alarme_reconhecido_ok"), "sucesso");
    form.closest("li").querySelector(".form-reconhecer").replaceWith(
      Object.assign(document.createElement("span"), { className: "alarme__reconhecido", textContent: ` · ${texto("alarme_reconhecido")}` }));
  } catch (erro) {
    mostrarMensagem(mensagem, erro.message, "erro");
    if (erro.campo === "nota") form.elements.nota.setAttribute("aria-invalid", "true");
  }
});

// {sensor: [{valor, tipo}]}: each rule's maximum and minimum, and for vibration the edges of zones C and D.
export function limitesDasRegras({ regras, zonas_vibracao: zonas }) {
  const limites = {};
  regras.forEach((regra) => {
    limites[regra.sensor] = [regra.maximo, regra.minimo].filter((v) => v !== null && v !== undefined)
      .map((valor) => ({ valor, tipo: "regra" }));
  });
  limites.vibracao = (limites.vibracao || []).concat([zonas[1], zonas[2]].map((valor) => ({ valor, tipo: "zona" })));
  return limites;
}

// [{sensor, inicio, fim, severidade}] in seconds: when each alarm of a sensor was active within [desde, ate].
export async function periodosDeAlarme(maquinaId, desde, ate) {
  const consulta = new URLSearchParams({
    maquina_id: maquinaId, desde: new Date(desde.getTime() - ALCANCE_ANTERIOR_MS).toISOString(), ate: ate.toISOString(),
  });
  const { alarmes } = await api("GET", `/api/alarms?${consulta}`);
  return alarmes.filter((a) => a.sensor).map((a) => ({
    sensor: a.sensor,
    severidade: a.severidade,
    inicio: new Date(a.inicio).getTime() / 1000,
    fim: (a.estado === "ativo" || !a.fim ? Date.now() : new Date(a.fim).getTime()) / 1000,
  })).filter((p) => p.fim >= desde.getTime() / 1000);
}
