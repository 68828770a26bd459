// When the session ends elsewhere ("Sair de todos" on another device, a password change), an open page
// says so at the top, once, with a way back in, instead of failing on its next click.
import { texto } from "./ui.js";

export function avisarSessaoEncerrada() {
  if (document.getElementById("aviso-sessao")) return;
  const aviso = document.createElement("div");
  aviso.id = "aviso-sessao";
  aviso.className = "aviso-sessao";
  aviso.setAttribute("role", "alert");
  const frase = document.createElement("p");
  frase.textContent = texto("sessao_encerrada_outro");
  const link = document.createElement("a");
  link.className = "botao botao--primario";
  link.href = `/entrar?proximo=${encodeURIComponent(window.location.pathname + window.location.search)}`;
  link.textContent = texto("entrar_de_novo");
  aviso.append(frase, link);
  document.getElementById("conteudo").prepend(aviso);
  document.body.dataset.sessao = "encerrada";
}
