// /maquinas: refresh the cards from GET /api/machines every 5 s (SSE will replace this polling).
import { api } from "./api.js";
import { mostrarMensagem, preencherMaquina, repetirEnquantoVisivel } from "./ui.js";

const lista = document.getElementById("lista-maquinas");
const modelo = document.getElementById("modelo-cartao");
const semMaquinas = document.getElementById("sem-maquinas");
const estado = document.getElementById("estado-atualizacao");

async function atualizar() {
  const { machines } = await api("GET", "/api/machines");
  const existentes = new Map([...lista.querySelectorAll("[data-maquina-id]")].map((el) => [el.dataset.maquinaId, el]));
  machines.forEach((maquina, posicao) => {
    let cartao = existentes.get(maquina.id);
    existentes.delete(maquina.id);
    if (!cartao) {
      cartao = modelo.content.firstElementChild.cloneNode(true);
      cartao.dataset.maquinaId = maquina.id;
    }
    preencherMaquina(cartao, maquina);
    // Move only when out of place, so a focused link keeps its focus.
    if (lista.children[posicao] !== cartao) lista.insertBefore(cartao, lista.children[posicao] || null);
  });
  existentes.forEach((cartao) => cartao.remove());
  semMaquinas.hidden = machines.length > 0;
  mostrarMensagem(estado, "Atualiza sozinho a cada 5 segundos.");
}

repetirEnquantoVisivel(atualizar, 5000, (erro) => {
  mostrarMensagem(estado, `Não foi possível atualizar: ${erro.message}`, "erro");
});
