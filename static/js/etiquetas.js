// /admin/etiquetas: tick machines, see them laid out on A4 sheets, print. The server draws the first
// selection (?ids=, else the free machines); from then on this script redraws the sheets in place and keeps
// the address in step (?folha=…&ids=a,b), so a reload or a shared link shows the same sheets.
import { normalizar, texto } from "./ui.js";

const form = document.getElementById("form-etiquetas");
const folha = document.getElementById("folha-etiquetas");
const rolagem = document.getElementById("rolagem-etiquetas");
const contagem = document.getElementById("contagem-etiquetas");
const semEtiquetas = document.getElementById("sem-etiquetas");
const nenhumaEncontrada = document.getElementById("nenhuma-encontrada");
const avisoFiltro = document.getElementById("aviso-filtro");
const busca = document.getElementById("busca-etiquetas");
const caixas = [...form.querySelectorAll("input[type=checkbox][name=ids]")];
const itens = caixas.map((caixa) => caixa.closest("li"));
const PREFIXO_FOLHA = "folha-etiquetas--a4-";

// One node per label, made once from its <template> (or taken from the server's sheets): moving it between
// sheets keeps its QR image loaded instead of asking for it again.
const etiquetas = new Map([...folha.querySelectorAll(".etiqueta")].map((no) => [no.dataset.maquinaId, no]));
function etiqueta(id) {
  if (!etiquetas.has(id)) {
    const modelo = document.querySelector(`#modelos-etiquetas template[data-maquina-id="${id}"]`);
    etiquetas.set(id, modelo.content.firstElementChild.cloneNode(true));
  }
  return etiquetas.get(id);
}

function folhaEscolhida() {
  return form.querySelector("input[name=folha]:checked");
}

function redesenhar() {
  const escolha = folhaEscolhida();
  const porFolha = Number(escolha.dataset.porFolha);
  const marcadas = caixas.filter((caixa) => caixa.checked).map((caixa) => caixa.value);
  const total = Math.ceil(marcadas.length / porFolha);
  const paginas = [];
  for (let inicio = 0; inicio < marcadas.length; inicio += porFolha) {
    const pagina = document.createElement("ol");
    pagina.className = "folha-etiquetas__pagina";
    pagina.setAttribute("aria-label", texto("folha_n_de_m", paginas.length + 1, total));
    pagina.append(...marcadas.slice(inicio, inicio + porFolha).map(etiqueta));
    paginas.push(pagina);
  }
  [...folha.classList].filter((classe) => classe.startsWith(PREFIXO_FOLHA)).forEach((c) => folha.classList.remove(c));
  folha.classList.add(`folha-etiquetas--${escolha.value}`);
  folha.classList.toggle("folha-etiquetas--contorno", document.getElementById("contorno-etiquetas").checked);
  folha.replaceChildren(...paginas);
  semEtiquetas.hidden = marcadas.length > 0;
  contagem.textContent = texto("etiquetas_contagem", marcadas.length, caixas.length, total);
  const endereco = new URLSearchParams({ folha: escolha.value, ids: marcadas.join(",") });
  history.replaceState(null, "", `${location.pathname}?${endereco.toString().replaceAll("%2C", ",")}`);
  ajustarAoEspaco();
}

// A sheet is 210 mm wide: on a narrow screen the preview shrinks to fit (print CSS puts it back to 100%).
function ajustarAoEspaco() {
  folha.style.zoom = "";
  const pagina = folha.querySelector(".folha-etiquetas__pagina");
  if (!pagina) return;
  const escala = Math.min(1, rolagem.clientWidth / pagina.offsetWidth);
  if (escala < 1) folha.style.zoom = String(Math.floor(escala * 1000) / 1000);
}

function filtrar() {
  const procurado = normalizar(busca.value.trim()).replace(/\s+/g, " ");
  itens.forEach((item) => { item.hidden = Boolean(procurado) && !normalizar(item.dataset.busca).includes(procurado); });
  nenhumaEncontrada.hidden = itens.some((item) => !item.hidden);
  avisoFiltro.hidden = !procurado;
}

function marcarMostradas(marcar) {
  itens.forEach((item, i) => { if (!item.hidden) caixas[i].checked = marcar; });
  redesenhar();
}

form.addEventListener("submit", (evento) => evento.preventDefault());
form.addEventListener("change", redesenhar);
busca.addEventListener("input", filtrar);
document.getElementById("marcar-todas").addEventListener("click", () => marcarMostradas(true));
document.getElementById("desmarcar-todas").addEventListener("click", () => marcarMostradas(false));
document.getElementById("imprimir-etiquetas").addEventListener("click", () => window.print());
document.getElementById("atualizar-previa").hidden = true;
window.addEventListener("resize", ajustarAoEspaco);
redesenhar();
