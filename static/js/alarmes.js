// /alarmes: the alarms of all my machines, filtered by machine, severity, state and period (in my zone),
// with the same filters for the CSV; reloaded when the dashboard's event stream shows an alarm change.
import { api } from "./api.js";
import { nomeDaSeveridade, nomeDoTipo } from "./alarme_ui.js";
import { acompanharMaquinas } from "./eventos.js";
import { instanteParaParede, paredeParaInstante } from "./fuso.js";
import { badge, formatarHora, formatarLeitura, fuso, linha, mostrarMensagem, texto } from "./ui.js";

const form = document.getElementById("filtros-alarmes");
const corpo = document.getElementById("lista-alarmes");
const estado = document.getElementById("estado-alarmes");
const mensagem = document.getElementById("mensagem-alarmes");
const exportar = document.getElementById("link-exportar-alarmes");
// Until the operator picks an end, the period ends "now" (the API's default), also for the live reloads.
let ateAutomatico = true;
const nomes = Object.fromEntries([...form.elements.maquina_id.options].map((o) => [o.value, o.textContent]));

function consulta() {
  const parametros = new URLSearchParams();
  ["maquina_id", "severidade", "estado"].forEach((campo) => {
    if (form.elements[campo].value) parametros.set(campo, form.elements[campo].value);
  });
  ["desde", "ate"].forEach((campo) => {
    if (campo === "ate" && ateAutomatico) return;
    const instante = paredeParaInstante(form.elements[campo].value, fuso);
    if (instante) parametros.set(campo, instante.toISOString());
  });
  return parametros;
}

function situacao(alarme) {
  const rotulo = `${texto(alarme.estado === "ativo" ? "alarme_ativo" : "alarme_normalizado")} · ${
    texto(alarme.reconhecido ? "alarme_reconhecido" : "alarme_nao_reconhecido")}`;
  return badge(alarme.estado === "ativo" ? `sev-${alarme.severidade}` : "parada", rotulo);
}

function valor(numero, sensor) {
  return sensor && numero !== null && numero !== undefined ? formatarLeitura(numero, sensor) : "—";
}

function botaoReconhecer(alarme) {
  if (alarme.reconhecido) return "";
  const botao = document.createElement("button");
  botao.type = "button";
  botao.className = "botao botao--discreto";
  botao.dataset.alarmeId = alarme.alarme_id;
  botao.textContent = texto("reconhecer");
  botao.setAttribute("aria-label", `${texto("reconhecer")}: ${nomeDoTipo(alarme.tipo)}, ${nomes[alarme.maquina_id] || alarme.maquina_id}`);
  return botao;
}

async function carregar() {
  const parametros = consulta();
  exportar.href = `/api/alarms/export?${parametros}`;
  try {
    const { alarmes } = await api("GET", `/api/alarms?${parametros}`);
    const linhas = alarmes.map((a) => {
      const tr = linha([nomes[a.maquina_id] || a.maquina_id, badge(`sev-${a.severidade}`, nomeDaSeveridade(a.severidade)),
        nomeDoTipo(a.tipo), situacao(a), formatarHora(a.inicio), a.fim ? formatarHora(a.fim) : "—",
        valor(a.valor_pico, a.sensor), valor(a.ultimo_valor, a.sensor), String(a.contagem), botaoReconhecer(a)]);
      tr.dataset.alarmeId = a.alarme_id;
      tr.dataset.severidade = a.severidade;
      return tr;
    });
    if (!linhas.length) {
      const vazio = linha([texto("sem_alarmes_periodo")]);
      vazio.firstChild.colSpan = 10;
      linhas.push(vazio);
    }
    corpo.replaceChildren(...linhas);
    corpo.dataset.total = String(alarmes.length);
    mostrarMensagem(estado, texto("alarmes_encontrados", alarmes.length), "info");
  } catch (erro) {
    mostrarMensagem(estado, erro.message, "erro");
    const campo = form.elements[erro.campo];
    if (campo) campo.setAttribute("aria-invalid", "true");
  }
}

form.addEventListener("submit", (evento) => {
  evento.preventDefault();
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  carregar();
});
corpo.addEventListener("click", async (evento) => {
  const botao = evento.target.closest("button[data-alarme-id]");
  if (!botao) return;
  try {
    await api("POST", `/api/alarms/${encodeURIComponent(botao.dataset.alarmeId)}/ack`, {});
    mostrarMensagem(mensagem, texto("alarme_reconhecido_ok"), "sucesso");
    carregar();
  } catch (erro) {
    mostrarMensagem(mensagem, erro.message, "erro");
  }
});

// The last 7 days until now by default, as the API does.
const agora = new Date();
form.elements.ate.value = instanteParaParede(agora, fuso);
form.elements.desde.value = instanteParaParede(new Date(agora.getTime() - 7 * 86400e3), fuso);
form.elements.ate.addEventListener("input", () => { ateAutomatico = false; });
carregar();

// Live: an alarm raised, cleared or acknowledged anywhere shows up here within a tick of the stream.
const vistos = new Map();
let espera = null;
acompanharMaquinas({
  aoReceber: ({ maquinas, completo }) => {
    let mudou = false;
    maquinas.forEach((m) => {
      const assinatura = JSON.stringify((m.alarmes || []).map((a) => [a.alarme_id, a.estado, a.reconhecido, a.contagem]));
      if (vistos.has(m.id) && vistos.get(m.id) !== assinatura) mudou = true;
      vistos.set(m.id, assinatura);
    });
    if (mudou && !completo) {
      clearTimeout(espera);
      espera = setTimeout(carregar, 300);
    }
  },
  aoEstado: () => {},
});
