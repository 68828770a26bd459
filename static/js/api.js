// Tiny fetch wrapper for the DataButcher API: same-origin cookie + CSRF header, error envelope → ErroApi.
import { avisarSessaoEncerrada } from "./sessao.js";
import { texto } from "./ui.js";

export class ErroApi extends Error {
  constructor(mensagem, status, campo) {
    super(mensagem);
    this.status = status;
    this.campo = campo || null;
  }
}

function tokenCsrf() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// api("POST", "/api/manual-log", {...}) → parsed JSON; throws ErroApi with the API's `message`.
export async function api(metodo, url, corpo) {
  const opcoes = {
    method: metodo,
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRF-Token": tokenCsrf() },
  };
  if (corpo !== undefined) {
    opcoes.headers["Content-Type"] = "application/json";
    opcoes.body = JSON.stringify(corpo);
  }
  let resposta;
  try {
    resposta = await fetch(url, opcoes);
  } catch {
    throw new ErroApi(texto("sem_conexao_rede"), 0);
  }
  const dados = await resposta.json().catch(() => null);
  if (resposta.ok) {
    return dados || {};
  }
  if (resposta.status === 401) avisarSessaoEncerrada(); // revoked elsewhere or expired: say so, offer the way back
  const mensagem = (dados && dados.message) || texto("erro_status", resposta.status);
  throw new ErroApi(mensagem, resposta.status, dados && dados.campo);
}
