// The header's menu on a phone: one row (brand + "Menu"), the links open below it. Wider screens never see
// the button (static/css/estilo.css); without this script the links show as they are.
const botao = document.getElementById("botao-menu");
const topo = botao?.closest(".topo");

if (botao && topo) {
  document.documentElement.classList.add("com-menu");
  botao.hidden = false;
  function abrir(aberto) {
    topo.classList.toggle("topo--aberto", aberto);
    botao.setAttribute("aria-expanded", String(aberto));
  }
  botao.addEventListener("click", () => abrir(botao.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (evento) => {
    if (evento.key === "Escape" && botao.getAttribute("aria-expanded") === "true") {
      abrir(false);
      botao.focus();
    }
  });
}
