// /conta: preferences through PUT /api/auth/preferences, password through POST /api/auth/password.
import { api } from "./api.js";
import { mostrarMensagem, texto } from "./ui.js";

const formPreferencias = document.getElementById("form-preferencias");
const lista = document.getElementById("conta-fuso");
const campoOutro = document.getElementById("campo-fuso-outro");
const outro = document.getElementById("conta-fuso-outro");
const mensagemPreferencias = document.getElementById("mensagem-preferencias");

lista.addEventListener("change", () => {
  campoOutro.hidden = lista.value !== "outro";
  if (!campoOutro.hidden) outro.focus();
});

// The theme shows at once; saving makes it stick.
formPreferencias.querySelectorAll('input[name="tema"]').forEach((opcao) => {
  opcao.addEventListener("change", () => { document.documentElement.dataset.tema = opcao.value; });
});

formPreferencias.addEventListener("submit", async (evento) => {
  evento.preventDefault();
  const fuso = lista.value === "outro" ? outro.value.trim() : lista.value;
  outro.removeAttribute("aria-invalid");
  try {
    await api("PUT", "/api/auth/preferences", {
      fuso_horario: fuso,
      idioma: formPreferencias.elements.idioma.value,
      tema: formPreferencias.elements.tema.value,
    });
    // Reload so every date, label and the theme follow the new preferences.
    window.location.assign("/conta?salvo=1");
  } catch (erro) {
    mostrarMensagem(mensagemPreferencias, erro.message, "erro");
    if (lista.value === "outro") {
      outro.setAttribute("aria-invalid", "true");
      outro.focus();
    }
  }
});

if (new URLSearchParams(window.location.search).has("salvo")) {
  mostrarMensagem(mensagemPreferencias, texto("preferencias_salvas"), "sucesso");
}

const formSenha = document.getElementById("form-senha");
const mensagemSenha = document.getElementById("mensagem-senha");

formSenha.addEventListener("submit", async (evento) => {
  evento.preventDefault();
  const { senha_atual: atual, senha_nova: nova, senha_confirmacao: confirmacao } = formSenha.elements;
  [atual, nova, confirmacao].forEach((campo) => campo.removeAttribute("aria-invalid"));
  if (nova.value !== confirmacao.value) {
    confirmacao.setAttribute("aria-invalid", "true");
    mostrarMensagem(mensagemSenha, texto("confirmacao_diferente"), "erro");
    confirmacao.focus();
    return;
  }
  try {
    await api("POST", "/api/auth/password", { senha_atual: atual.value, senha_nova: nova.value });
    // Every session was revoked, this one included: log in again with the new password.
    window.location.assign("/entrar?aviso=senha-alterada&proximo=%2Fconta");
  } catch (erro) {
    mostrarMensagem(mensagemSenha, erro.message, "erro");
    const campo = erro.status === 403 ? atual : nova;
    campo.setAttribute("aria-invalid", "true");
    campo.focus();
  }
});
