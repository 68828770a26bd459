// /conta: preferences (PUT /api/auth/preferences), password (POST /api/auth/password), notifications (PUT /api/auth/notifications).
import { api } from "./api.js";
import { formatarHora, mostrarMensagem, texto } from "./ui.js";

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

// Alarm notifications through PUT /api/auth/notifications: the webhook secret comes back once, shown here once.
const secaoNotificacoes = document.getElementById("notificacoes");
const formNotificacoes = document.getElementById("form-notificacoes");
const mensagemNotificacoes = document.getElementById("mensagem-notificacoes");
const caixaSegredo = document.getElementById("notif-segredo");

function mostrarSituacao(notificacoes) {
  const ligado = { webhook: Boolean(notificacoes.webhook_url), email: notificacoes.email };
  Object.entries(notificacoes.canais).forEach(([canal, situacao]) => {
    const alvo = secaoNotificacoes.querySelector(`dd[data-canal="${canal}"]`);
    if (!alvo) return;
    const partes = [];
    if (!ligado[canal]) partes.push(texto("canal_desligado"));
    partes.push(texto(situacao.ultimo_status ? `situacao_${situacao.ultimo_status}` : "situacao_nunca"));
    if (situacao.ultimo_sucesso_em) partes.push(texto("ultimo_sucesso_em", formatarHora(situacao.ultimo_sucesso_em)));
    if (situacao.ultimo_erro) partes.push(texto("ultimo_erro_em", formatarHora(situacao.ultimo_erro_em), situacao.ultimo_erro));
    alvo.textContent = partes.join(" ");
    alvo.dataset.status = situacao.ultimo_status || "nunca";
  });
}

function mostrarSegredo(segredo) {
  caixaSegredo.hidden = !segredo;
  document.getElementById("notif-segredo-valor").textContent = segredo || "";
}

async function salvarNotificacoes(extra = {}) {
  const campoUrl = formNotificacoes.elements.webhook_url;
  campoUrl.removeAttribute("aria-invalid");
  const corpo = {
    webhook_url: campoUrl.value.trim() || null,
    severidade_minima: formNotificacoes.elements.severidade_minima.value,
    ...extra,
  };
  if (!formNotificacoes.elements.email.disabled) corpo.email = formNotificacoes.elements.email.checked;
  try {
    const resposta = await api("PUT", "/api/auth/notifications", corpo);
    mostrarSituacao(resposta.notificacoes);
    mostrarSegredo(resposta.webhook_segredo);
    mostrarMensagem(mensagemNotificacoes, texto("notificacoes_salvas"), "sucesso");
  } catch (erro) {
    mostrarMensagem(mensagemNotificacoes, erro.message, "erro");
    const campo = formNotificacoes.elements[erro.campo];
    if (campo && campo.setAttribute) {
      campo.setAttribute("aria-invalid", "true");
      campo.focus();
    }
  }
}

if (secaoNotificacoes) {
  mostrarSituacao(JSON.parse(secaoNotificacoes.dataset.notificacoes));
  formNotificacoes.addEventListener("submit", (evento) => {
    evento.preventDefault();
    salvarNotificacoes();
  });
  const novoSegredo = document.getElementById("novo-segredo");
  if (novoSegredo) novoSegredo.addEventListener("click", () => salvarNotificacoes({ gerar_novo_segredo: true }));
}
