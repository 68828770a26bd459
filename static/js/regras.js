// The machine page's rules editor: the rules as a table, a form to add or change one (one rule per sensor),
// a live preview of what the rule in the form would have done over the last 24 h and 7 d (from the stored
// rollups, POST …/alarm-rules/preview), saving the list (PUT …/alarm-rules) or going back to the defaults,
// and the machine's offline timeout, vibration class, line and place (PATCH /api/machines/<id>).
import { api } from "./api.js";
import { nomeDaSeveridade } from "./alarme_ui.js";
import { formatarLeitura, linha, mostrarMensagem, texto } from "./ui.js";

const secao = document.getElementById("secao-regras");
const maquinaId = encodeURIComponent(document.getElementById("painel-maquina").dataset.maquinaId);
const corpo = document.getElementById("lista-regras");
const form = document.getElementById("form-regra");
const titulo = document.getElementById("titulo-form-regra");
const cancelar = document.getElementById("botao-cancelar-regra");
const previa = document.getElementById("previa-resultado");
const mensagemRegra = document.getElementById("mensagem-regra");
const mensagemRegras = document.getElementById("mensagem-regras");
const origem = document.getElementById("origem-regras");

let estado = JSON.parse(secao.dataset.regras); // {regras, origem, zonas_vibracao} as the API answers
let regras = estado.regras.map((r) => ({ ...r }));
let editando = null; // the sensor of the rule in the form, when changing one

const CAMPOS_NUMERICOS = ["maximo", "minimo", "duracao_s", "leituras_seguidas", "histerese"];

function descreverCondicao(regra) {
  const partes = [];
  if (regra.maximo !== null) partes.push(`> ${formatarLeitura(regra.maximo, regra.sensor)}`);
  if (regra.minimo !== null) partes.push(`< ${formatarLeitura(regra.minimo, regra.sensor)}`);
  const espera = regra.duracao_s ? texto("acima_por", regra.duracao_s)
    : regra.leituras_seguidas ? texto("leituras_seguidas_n", regra.leituras_seguidas) : texto("imediato");
  return `${partes.join(` ${texto("ou")} `)} ${espera}`;
}

function botao(rotulo, acao, sensor) {
  const elemento = document.createElement("button");
  elemento.type = "button";
  elemento.className = "botao botao--discreto";
  elemento.textContent = rotulo;
  elemento.dataset.acao = acao;
  elemento.dataset.sensor = sensor;
  elemento.setAttribute("aria-label", `${rotulo}: ${texto(sensor)}`);
  return elemento;
}

function desenharTabela() {
  const linhas = regras.map((regra) => {
    const acoes = document.createElement("span");
    acoes.className = "acoes acoes--tabela";
    acoes.append(botao(texto("editar"), "editar", regra.sensor), botao(texto("remover"), "remover", regra.sensor));
    return linha([texto(regra.sensor), descreverCondicao(regra), nomeDaSeveridade(regra.severidade),
      regra.histerese ? formatarLeitura(regra.histerese, regra.sensor) : "—", acoes]);
  });
  if (!linhas.length) {
    const vazio = linha([texto("sem_regras")]);
    vazio.firstChild.colSpan = 5;
    linhas.push(vazio);
  }
  corpo.replaceChildren(...linhas);
  origem.textContent = texto(`regras_origem_${estado.origem}`);
  document.getElementById("texto-zonas").textContent = texto("zonas_vibracao", ...estado.zonas_vibracao.map((v) => formatarLeitura(v, "vibracao")));
}

// The rule in the form as the API takes it; empty fields are null.
function regraDoFormulario() {
  const regra = { sensor: form.elements.sensor.value, severidade: form.elements.severidade.value };
  CAMPOS_NUMERICOS.forEach((campo) => {
    const valor = form.elements[campo].value.trim();
    regra[campo] = valor === "" ? null : Number(valor);
  });
  regra.histerese = regra.histerese || 0;
  return regra;
}

function preencherFormulario(regra) {
  form.elements.sensor.value = regra.sensor;
  form.elements.severidade.value = regra.severidade;
  CAMPOS_NUMERICOS.forEach((campo) => {
    form.elements[campo].value = regra[campo] === null || regra[campo] === undefined ? "" : String(regra[campo]);
  });
}

function limparErros() {
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
}

// The API names the field ("maximo", or "regras[1].maximo" when saving): mark it and say why.
function mostrarErro(elemento, erro) {
  mostrarMensagem(elemento, erro.message, "erro");
  const campo = (erro.campo || "").replace(/^regras\[\d+\]\./, "");
  if (form.elements[campo]) {
    form.elements[campo].setAttribute("aria-invalid", "true");
    form.elements[campo].focus();
  }
}

function duracao(segundos) {
  if (segundos < 60) return `${segundos} s`;
  if (segundos < 3600) return `${Math.round(segundos / 60)} min`;
  return `${(segundos / 3600).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 })} h`;
}

// ---- preview: what the rule in the form would have done -----------------------------------------
let pedido = 0;
let espera = null;
async function calcularPrevia() {
  const regra = regraDoFormulario();
  if (regra.maximo === null && regra.minimo === null) {
    previa.textContent = texto("previa_vazia");
    return;
  }
  const meu = (pedido += 1);
  previa.textContent = texto("previa_calculando");
  try {
    const resultado = await api("POST", `/api/machines/${maquinaId}/alarm-rules/preview`, regra);
    if (meu !== pedido) return; // a newer edit is being worked out
    limparErros();
    previa.textContent = [["24h", "previa_24h"], ["7d", "previa_7d"]].map(([janela, chave]) => texto(
      "previa_resultado", texto(chave), resultado[janela].alarmes, duracao(resultado[janela].ativo_s))).join(" · ");
    previa.dataset.alarmes24h = String(resultado["24h"].alarmes);
  } catch (erro) {
    if (meu !== pedido) return;
    previa.textContent = erro.message;
    const campo = form.elements[erro.campo];
    if (campo) campo.setAttribute("aria-invalid", "true");
  }
}
form.addEventListener("input", () => {
  clearTimeout(espera);
  espera = setTimeout(calcularPrevia, 400);
});

// ---- editing the list ---------------------------------------------------------------------------
function editar(sensor) {
  editando = sensor;
  preencherFormulario(regras.find((r) => r.sensor === sensor));
  titulo.textContent = `${texto("editar")}: ${texto(sensor)}`;
  cancelar.hidden = false;
  form.elements.maximo.focus();
  calcularPrevia();
}

function limparFormulario() {
  editando = null;
  form.reset();
  titulo.textContent = texto("nova_regra");
  cancelar.hidden = true;
  limparErros();
  previa.textContent = texto("previa_vazia");
}

corpo.addEventListener("click", (evento) => {
  const alvo = evento.target.closest("[data-acao]");
  if (!alvo) return;
  if (alvo.dataset.acao === "editar") editar(alvo.dataset.sensor);
  if (alvo.dataset.acao === "remover") {
    regras = regras.filter((r) => r.sensor !== alvo.dataset.sensor);
    desenharTabela();
    mostrarMensagem(mensagemRegras, texto("regras_nao_salvas"), "info");
  }
});
cancelar.addEventListener("click", limparFormulario);

// "Apply to the list" checks the rule with the server (the preview validates it) before it joins the list.
form.addEventListener("submit", async (evento) => {
  evento.preventDefault();
  limparErros();
  const regra = regraDoFormulario();
  try {
    await api("POST", `/api/machines/${maquinaId}/alarm-rules/preview`, regra);
  } catch (erro) {
    mostrarErro(mensagemRegra, erro);
    return;
  }
  regras = regras.filter((r) => r.sensor !== regra.sensor && r.sensor !== editando).concat([regra]);
  desenharTabela();
  limparFormulario();
  mostrarMensagem(mensagemRegra, "", "info");
  mostrarMensagem(mensagemRegras, texto("regras_nao_salvas"), "info");
});

async function salvar(corpoPedido) {
  try {
    estado = await api("PUT", `/api/machines/${maquinaId}/alarm-rules`, corpoPedido);
    regras = estado.regras.map((r) => ({ ...r }));
    desenharTabela();
    mostrarMensagem(mensagemRegras, texto("regras_salvas"), "sucesso");
    document.dispatchEvent(new CustomEvent("regras:salvas", { detail: estado }));
  } catch (erro) {
    mostrarErro(mensagemRegras, erro);
  }
}
document.getElementById("botao-salvar-regras").addEventListener("click", () => salvar({ regras }));
document.getElementById("botao-regras-padrao").addEventListener("click", () => salvar({ regras: null }));

// ---- offline timeout and vibration class ----------------------------------------------------------
const formAjustes = document.getElementById("form-ajustes-alarme");
formAjustes.addEventListener("submit", async (evento) => {
  evento.preventDefault();
  const mensagem = document.getElementById("mensagem-ajustes");
  formAjustes.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  try {
    await api("PATCH", `/api/machines/${maquinaId}`, {
      timeout_s: Number(formAjustes.elements.timeout_s.value), classe_vibracao: formAjustes.elements.classe_vibracao.value,
      linha: formAjustes.elements.linha.value.trim(), local: formAjustes.elements.local.value.trim(),
    });
    estado = await api("GET", `/api/machines/${maquinaId}/alarm-rules`);
    desenharTabela();
    mostrarMensagem(mensagem, texto("ajustes_salvos"), "sucesso");
    document.dispatchEvent(new CustomEvent("regras:salvas", { detail: estado }));
  } catch (erro) {
    mostrarMensagem(mensagem, erro.message, "erro");
    const campo = formAjustes.elements[erro.campo];
    if (campo) {
      campo.setAttribute("aria-invalid", "true");
      campo.focus();
    }
  }
});

desenharTabela();
