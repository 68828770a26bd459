// /planta: the shift picker shows its period at once; a stop gets its reason through PUT /api/downtimes/<id>;
// shifts and reasons through PUT /api/auth/shifts and /api/auth/downtime-reasons. The page works without it,
// except for saving.
import { api } from "./api.js";
import { mostrarMensagem, texto } from "./ui.js";

const formPeriodo = document.getElementById("form-periodo-planta");
// Only the select submits by itself: a date typed with the keyboard changes at every digit.
formPeriodo.elements.turno.addEventListener("change", () => formPeriodo.requestSubmit());

const mensagemParadas = document.getElementById("mensagem-paradas");
document.querySelectorAll(".form-rotulo").forEach((form) => {
  form.addEventListener("submit", async (evento) => {
    evento.preventDefault();
    const botao = form.querySelector("button");
    botao.disabled = true;
    try {
      const motivo = form.elements.motivo.value;
      await api("PUT", `/api/downtimes/${encodeURIComponent(form.dataset.paradaId)}`, {
        motivo,
        nota: form.elements.nota.value.trim() || null,
        registro_id: form.elements.registro_id?.value || null,
      });
      const linha = form.closest("tr");
      const seguinte = linha.nextElementSibling || linha.previousElementSibling;
      linha.remove();
      mostrarMensagem(mensagemParadas, texto("parada_rotulada", motivo), "sucesso");
      // Focus goes on to the next stop to label, not back to the top of the page.
      if (seguinte) seguinte.querySelector("select[name=motivo]").focus();
    } catch (erro) {
      mostrarMensagem(mensagemParadas, erro.message, "erro");
      botao.disabled = false;
    }
  });
});

// "A 06:00 14:00" per line → {nome, inicio, fim}; a name may have spaces ("Turno da noite 22:00 06:00").
function lerTurnos(textoTurnos) {
  return textoTurnos.split("\n").map((linha) => linha.trim()).filter(Boolean).map((linha, indice) => {
    const partes = linha.split(/\s+/);
    if (partes.length < 3) throw new Error(texto("turno_linha_invalida", indice + 1));
    const fim = partes.pop();
    const inicio = partes.pop();
    return { nome: partes.join(" "), inicio, fim };
  });
}

const formAjustes = document.getElementById("form-ajustes-planta");
const mensagemAjustes = document.getElementById("mensagem-ajustes");
formAjustes.addEventListener("submit", async (evento) => {
  evento.preventDefault();
  try {
    const turnos = lerTurnos(formAjustes.elements.turnos.value);
    const motivos = formAjustes.elements.motivos.value.split("\n").map((linha) => linha.trim()).filter(Boolean);
    await api("PUT", "/api/auth/shifts", { turnos });
    await api("PUT", "/api/auth/downtime-reasons", { motivos });
    window.location.reload(); // the strips, tables and pickers follow the new shifts
  } catch (erro) {
    mostrarMensagem(mensagemAjustes, erro.message, "erro");
  }
});
