// Live machine updates: Server-Sent Events from /api/eventos, or polling GET /api/machines every 5 s
// when EventSource is missing or keeps failing. `aoReceber({maquinas, removidas, completo})`.
// With `maquinaId` only that machine is followed (the machine page).
import { api } from "./api.js";
import { avisarSessaoEncerrada } from "./sessao.js";
import { repetirEnquantoVisivel, texto } from "./ui.js";

const FALHAS_ATE_DESISTIR = 3;
const INTERVALO_CONSULTA_MS = 5000;

export function acompanharMaquinas({ aoReceber, aoEstado, maquinaId = null }) {
  let consultando = false;

  function consultar() {
    if (consultando) return;
    consultando = true;
    aoEstado(texto("consultando"), "info", "consulta");
    const rodar = repetirEnquantoVisivel(async () => {
      const maquinas = maquinaId
        ? [(await api("GET", `/api/machines/${encodeURIComponent(maquinaId)}`)).maquina]
        : (await api("GET", "/api/machines")).machines;
      aoReceber({ maquinas, removidas: [], completo: true });
      aoEstado(texto("consultando"), "info", "consulta");
    }, INTERVALO_CONSULTA_MS, () => aoEstado(texto("sem_conexao"), "erro", "consulta"));
    rodar();
  }

  if (!window.EventSource) {
    consultar();
    return;
  }
  const fonte = new EventSource(maquinaId ? `/api/eventos?maquina_id=${encodeURIComponent(maquinaId)}` : "/api/eventos");
  let falhas = 0;
  fonte.addEventListener("open", () => {
    falhas = 0;
    aoEstado(texto("ao_vivo"), "info", "ao-vivo");
  });
  fonte.addEventListener("maquinas", (evento) => {
    falhas = 0;
    aoReceber(JSON.parse(evento.data));
  });
  fonte.addEventListener("sessao", () => {
    fonte.close();
    avisarSessaoEncerrada();
    aoEstado(texto("sessao_encerrada_outro"), "erro", "encerrado");
  });
  fonte.addEventListener("error", () => {
    falhas += 1;
    // A closed source (e.g. 401) never retries; a flaky one retries by itself a few times first.
    if (fonte.readyState === EventSource.CLOSED || falhas >= FALHAS_ATE_DESISTIR) {
      fonte.close();
      consultar();
    } else {
      aoEstado(texto("sem_conexao"), "erro", "reconectando");
    }
  });
  window.addEventListener("pagehide", () => fonte.close());
}
