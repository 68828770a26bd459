// The machine page's state strip: what the machine was doing (running, stopped, tripped, offline) over the
// charts' period, from GET /api/machines/<id>/states, drawn under the same time axis as the charts.
// SVG with widths as attributes (no inline style under the CSP); colours only add to the words in each title.
import { api } from "./api.js";
import { formatarHora, motivoDoDesarme, texto } from "./ui.js";

const SVG = "http://www.w3.org/2000/svg";
const ALTURA = 24;

// "2 h 05 min", "45 min", "30 s".
export function duracao(segundos) {
  const s = Math.max(0, Math.round(segundos));
  if (s < 60) return `${s} s`;
  const minutos = Math.floor(s / 60);
  if (minutos < 60) return `${minutos} min`;
  return `${Math.floor(minutos / 60)} h ${String(minutos % 60).padStart(2, "0")} min`;
}

function elemento(nome, atributos) {
  const el = document.createElementNS(SVG, nome);
  Object.entries(atributos).forEach(([chave, valor]) => el.setAttribute(chave, String(valor)));
  return el;
}

// The intervals clipped to [desde, ate] (ms); the open one ends now.
function recortar(intervalos, desde, ate, agora) {
  return intervalos.map((intervalo) => {
    const inicio = Math.max(new Date(intervalo.inicio).getTime(), desde);
    const fim = Math.min(intervalo.fim ? new Date(intervalo.fim).getTime() : agora, ate);
    return { ...intervalo, inicioMs: inicio, fimMs: fim };
  }).filter((intervalo) => intervalo.fimMs > intervalo.inicioMs);
}

function tituloDoSegmento(segmento) {
  const motivo = segmento.estado === "desarmada" && segmento.motivo ? ` (${motivoDoDesarme({ motivo: segmento.motivo })})` : "";
  return `${texto(segmento.estado)}${motivo}: ${formatarHora(new Date(segmento.inicioMs).toISOString())}`
    + ` – ${formatarHora(new Date(segmento.fimMs).toISOString())} (${duracao((segmento.fimMs - segmento.inicioMs) / 1000)})`;
}

export function criarFaixa(figura, maquinaId) {
  const area = figura.querySelector("[data-faixa]");
  const resumo = figura.querySelector("[data-resumo]");
  let ultimo = null; // {intervalos, desde, ate} last drawn, redrawn when the window slides

  function desenhar(intervalos, desde, ate) {
    ultimo = { intervalos, desde, ate };
    const segmentos = recortar(intervalos, desde, ate, Date.now());
    const somas = {};
    const svg = elemento("svg", { class: "faixa", width: "100%", height: ALTURA, role: "img" });
    svg.append(elemento("rect", { class: "faixa__fundo", x: 0, y: 0, width: "100%", height: ALTURA }));
    segmentos.forEach((segmento) => {
      const x = (100 * (segmento.inicioMs - desde)) / (ate - desde);
      const largura = (100 * (segmento.fimMs - segmento.inicioMs)) / (ate - desde);
      const rect = elemento("rect", {
        class: `faixa__segmento faixa__segmento--${segmento.estado}`, x: `${x}%`, y: 0, width: `${largura}%`, height: ALTURA,
      });
      const titulo = elemento("title", {});
      titulo.textContent = tituloDoSegmento(segmento);
      rect.append(titulo);
      svg.append(rect);
      somas[segmento.estado] = (somas[segmento.estado] || 0) + (segmento.fimMs - segmento.inicioMs) / 1000;
    });
    const partes = Object.entries(somas).map(([estado, segundos]) => `${texto(estado)} ${duracao(segundos)}`);
    const frase = partes.length ? partes.join(" · ") : texto("sem_historico");
    svg.setAttribute("aria-label", `${texto("estado_maquina")}: ${frase}`);
    area.replaceChildren(svg);
    resumo.textContent = frase;
    figura.dataset.segmentos = String(segmentos.length);
    figura.dataset.estados = segmentos.map((s) => s.estado).join(" ");
  }

  return {
    async carregar(desde, ate) {
      const consulta = new URLSearchParams({ desde: desde.toISOString(), ate: ate.toISOString() });
      const { intervalos } = await api("GET", `/api/machines/${encodeURIComponent(maquinaId)}/states?${consulta}`);
      desenhar(intervalos, desde.getTime(), ate.getTime());
    },
    // The window moved on (live): the same intervals, the open one now longer.
    deslizar(desde, ate) {
      if (ultimo) desenhar(ultimo.intervalos, desde.getTime(), ate.getTime());
    },
    // Line the strip up with the charts' plot area (the y axis takes the left of each chart).
    alinhar({ esquerda, largura }) {
      if (!largura) return;
      area.style.marginLeft = `${esquerda}px`;
      area.style.width = `${largura}px`;
      resumo.style.marginLeft = `${esquerda}px`;
    },
  };
}
