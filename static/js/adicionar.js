// Claim form (on /maquinas and /maquinas/adicionar): POST /api/machines, filled by hand or from the QR label.
import { api } from "./api.js";
import { iniciarLeitorQr } from "./qr.js";
import { mostrarMensagem, texto } from "./ui.js";

const formulario = document.getElementById("form-adicionar");
const mensagem = document.getElementById("mensagem-adicionar");
const mensagemQr = document.getElementById("qr-mensagem");

// {codigo, segredo} from a label link (…/maquinas/adicionar?codigo=…&segredo=…), or null.
function lerLinkReivindicacao(texto) {
  let url;
  try {
    url = new URL(texto.trim(), window.location.origin);
  } catch {
    return null;
  }
  const codigo = url.searchParams.get("codigo");
  const segredo = url.searchParams.get("segredo");
  return codigo && segredo ? { codigo, segredo } : null;
}

function aoLerQr(texto) {
  const dados = lerLinkReivindicacao(texto);
  if (!dados) {
    mostrarMensagem(mensagemQr, texto("qr_nao_e_etiqueta"), "erro");
    return;
  }
  formulario.elements.codigo.value = dados.codigo;
  formulario.elements.segredo.value = dados.segredo;
  mostrarMensagem(mensagemQr, texto("qr_etiqueta_lida"), "sucesso");
  formulario.elements.nome_maquina.focus();
}

async function enviar(evento) {
  evento.preventDefault();
  const botao = formulario.querySelector("button[type=submit]");
  botao.disabled = true;
  mostrarMensagem(mensagem, texto("associando"), "info");
  try {
    const resposta = await api("POST", "/api/machines", {
      codigo: formulario.elements.codigo.value.trim(),
      segredo: formulario.elements.segredo.value.trim(),
      nome_maquina: formulario.elements.nome_maquina.value.trim(),
    });
    mostrarMensagem(mensagem, resposta.message, "sucesso");
    window.location.assign(`/maquinas/${encodeURIComponent(resposta.maquina.id)}`);
  } catch (erro) {
    mostrarMensagem(mensagem, erro.message, "erro");
    const campo = erro.campo && formulario.elements[erro.campo];
    if (campo) campo.focus();
    botao.disabled = false;
  }
}

formulario.addEventListener("submit", enviar);
iniciarLeitorQr({
  botaoCamera: document.getElementById("qr-camera"),
  botaoParar: document.getElementById("qr-parar"),
  entradaArquivo: document.getElementById("qr-arquivo"),
  video: document.getElementById("qr-video"),
  aoLer: aoLerQr,
  avisar: (texto, tipo) => mostrarMensagem(mensagemQr, texto, tipo),
});

// The label link carries the claim secret: keep it out of the browser history once read.
if (window.location.pathname === "/maquinas/adicionar" && window.location.search.includes("segredo=")) {
  window.history.replaceState(null, "", window.location.pathname);
}
