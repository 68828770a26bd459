// Form validation in the page's language, rendered by the app: every form is `novalidate` and, on
// submit, each field that breaks its own constraints (required, min/max, minlength, pattern, type)
// gets aria-invalid and a message under it, and the first one gets focus. A valid form goes on to its
// own submit handler; the server validates everything again anyway.
import { texto } from "./ui.js";

function mensagemPara(campo) {
  const v = campo.validity;
  if (v.valueMissing) return texto(campo.type === "checkbox" ? "validacao_marque" : "validacao_obrigatorio");
  if (v.badInput) return texto(campo.type === "number" ? "validacao_numero" : "validacao_formato");
  if (v.typeMismatch) return texto(campo.type === "email" ? "validacao_email" : "validacao_formato");
  if (v.rangeUnderflow) return texto("validacao_minimo", campo.min);
  if (v.rangeOverflow) return texto("validacao_maximo", campo.max);
  if (v.stepMismatch) return texto("validacao_inteiro");
  if (v.tooShort) return texto("validacao_curto", campo.minLength);
  if (v.tooLong) return texto("validacao_longo", campo.maxLength);
  if (v.patternMismatch) return texto(campo.dataset.formato || "validacao_formato");
  return campo.validationMessage;
}

function caixaDeErro(campo) {
  const id = `erro-${campo.id || campo.name}`;
  let caixa = document.getElementById(id);
  if (!caixa) {
    caixa = document.createElement("small");
    caixa.id = id;
    caixa.className = "erro-campo";
    campo.insertAdjacentElement("afterend", caixa);
    const descritos = (campo.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    campo.setAttribute("aria-describedby", [id, ...descritos].join(" "));
  }
  return caixa;
}

// Mark every invalid field of `form` (clearing the ones fixed); true when the form is valid.
export function validarFormulario(form) {
  let primeiro = null;
  [...form.elements].filter((el) => el.willValidate).forEach((campo) => {
    if (campo.checkValidity()) {
      if (campo.getAttribute("aria-invalid") === "true" && campo.dataset.erroLocal) campo.removeAttribute("aria-invalid");
      const caixa = document.getElementById(`erro-${campo.id || campo.name}`);
      if (caixa) caixa.hidden = true;
      return;
    }
    const caixa = caixaDeErro(campo);
    caixa.textContent = mensagemPara(campo);
    caixa.hidden = false;
    campo.setAttribute("aria-invalid", "true");
    campo.dataset.erroLocal = "1";
    primeiro = primeiro || campo;
  });
  if (primeiro) primeiro.focus();
  return primeiro === null;
}

// Capture phase on the document: runs before each form's own submit listener and stops an invalid one.
document.querySelectorAll("form").forEach((form) => { form.noValidate = true; });
document.addEventListener("submit", (evento) => {
  if (!validarFormulario(evento.target)) {
    evento.preventDefault();
    evento.stopImmediatePropagation();
  }
}, true);
