// The dashboard's search, filters, grouping and view (cards or a compact list). Search and filters live
// in the page; the view and the grouping are the user's preferences (PUT /api/auth/preferences), so the
// dashboard opens the way each person left it.
import { api } from "./api.js";
import { piorAtivo } from "./alarme_ui.js";
import { normalizar } from "./ui.js";

const form = document.getElementById("ferramentas-painel");

const SITUACOES = {
  "": () => true,
  iniciada: (m) => m.status === "iniciada" && m.online,
  parada: (m) => m.status !== "iniciada" && m.online,
  offline: (m) => !m.online,
  sem_dados: (m) => Boolean(m.sem_dados_recentes),
  alarme: (m) => piorAtivo(m) !== null,
};

export function criarFiltros({ aoMudar, aoSalvarPreferencia }) {
  const estado = {
    busca: "", situacao: "", linha: "", severidade: null,
    agrupar: form.elements.agrupar.value,
    visao: form.querySelector("[data-visao][aria-pressed=true]").dataset.visao,
  };

  function combina(maquina) {
    if (estado.severidade !== null && (piorAtivo(maquina) || {}).severidade !== estado.severidade) return false;
    if (!SITUACOES[estado.situacao](maquina)) return false;
    if (estado.linha && maquina.linha !== estado.linha) return false;
    if (!estado.busca) return true;
    const onde = normalizar([maquina.nome_maquina, maquina.id, maquina.fabricante, maquina.modelo, maquina.linha,
      maquina.local].join(" "));
    return onde.includes(normalizar(estado.busca).replace(/\s+/g, " "));
  }

  // The group a machine goes under ("" = no grouping); machines without one go last.
  function grupoDe(maquina) {
    return estado.agrupar === "nenhum" ? "" : (maquina[estado.agrupar] || "");
  }

  form.addEventListener("submit", (evento) => evento.preventDefault());
  form.elements.busca.addEventListener("input", () => {
    estado.busca = form.elements.busca.value.trim();
    aoMudar();
  });
  form.elements.situacao.addEventListener("change", () => {
    estado.situacao = form.elements.situacao.value;
    aoMudar();
  });
  form.elements.linha.addEventListener("change", () => {
    estado.linha = form.elements.linha.value;
    aoMudar();
  });
  form.elements.agrupar.addEventListener("change", () => {
    estado.agrupar = form.elements.agrupar.value;
    aoSalvarPreferencia(api("PUT", "/api/auth/preferences", { agrupar_painel: estado.agrupar }));
    aoMudar();
  });
  form.querySelectorAll("[data-visao]").forEach((botao) => botao.addEventListener("click", () => {
    estado.visao = botao.dataset.visao;
    form.querySelectorAll("[data-visao]").forEach((b) => b.setAttribute("aria-pressed", String(b === botao)));
    aoSalvarPreferencia(api("PUT", "/api/auth/preferences", { visao_painel: estado.visao }));
    aoMudar();
  }));

  // The lines present in the plant, as the select offers them (machines get a line on their page).
  function atualizarLinhas(maquinas) {
    const select = form.elements.linha;
    const linhas = [...new Set(maquinas.map((m) => m.linha).filter(Boolean))].sort((a, b) => a.localeCompare(b));
    const atuais = [...select.options].slice(1).map((o) => o.value);
    if (linhas.join("\n") === atuais.join("\n")) return;
    [...select.options].slice(1).forEach((o) => o.remove());
    linhas.forEach((linha) => select.append(new Option(linha, linha, false, linha === estado.linha)));
  }

  return {
    estado, combina, grupoDe, atualizarLinhas,
    filtrarSeveridade(severidade) { estado.severidade = severidade; aoMudar(); },
  };
}
