// /admin/etiquetas: the print button (the sheet itself is print CSS).
const botao = document.getElementById("imprimir-etiquetas");
if (botao) botao.addEventListener("click", () => window.print());
