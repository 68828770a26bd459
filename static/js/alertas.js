// Dashboard alert zones, mirroring rotas/apresentacao.py `alertas()`; every threshold comes from the page
// (data-temperatura-maxima, -vibracao-atencao, -vibracao-alerta, -temperatura-reset on #lista-maquinas).

export function lerLimites(elemento) {
  const numero = (nome) => Number(elemento.dataset[nome]);
  return {
    temperaturaMaxima: numero("temperaturaMaxima"),
    vibracaoAtencao: numero("vibracaoAtencao"),
    vibracaoAlerta: numero("vibracaoAlerta"),
    temperaturaReset: numero("temperaturaReset"),
  };
}

// The maximum always; while running, the start parameter `temperatura` too if it is lower.
// The reset value means "no limit chosen", not a limit.
function temperaturaMaxima(maquina, limites) {
  const configurada = maquina.configuracoes && maquina.configuracoes.temperatura;
  if (maquina.status === "iniciada" && typeof configurada === "number" && configurada > limites.temperaturaReset) {
    return Math.min(configurada, limites.temperaturaMaxima);
  }
  return limites.temperaturaMaxima;
}

// 'perigo' / 'atencao' / '' for one reading of a machine.
export function nivelDaLeitura(maquina, grandeza, limites) {
  const valor = (maquina.ultima_leitura || {})[grandeza];
  if (valor === null || valor === undefined) return "";
  if (grandeza === "temperatura") return valor > temperaturaMaxima(maquina, limites) ? "perigo" : "";
  if (grandeza === "vibracao") {
    if (valor > limites.vibracaoAlerta) return "perigo";
    if (valor > limites.vibracaoAtencao) return "atencao";
  }
  return "";
}

// [[nivel, chave]]: what needs a person's eyes, danger before warnings.
export function alertas(maquina, limites) {
  const encontrados = [];
  if (!maquina.online) encontrados.push(["perigo", "offline"]);
  if (nivelDaLeitura(maquina, "temperatura", limites) === "perigo") encontrados.push(["perigo", "superaquecimento"]);
  const vibracao = nivelDaLeitura(maquina, "vibracao", limites);
  if (vibracao === "perigo") encontrados.push(["perigo", "vibracao_alta"]);
  if (vibracao === "atencao") encontrados.push(["atencao", "vibracao_elevada"]);
  return encontrados;
}

export function nivelGeral(encontrados) {
  if (encontrados.some(([nivel]) => nivel === "perigo")) return "perigo";
  if (encontrados.length) return "atencao";
  return "";
}

const ORDEM = { perigo: 0, atencao: 1, "": 2 };

// Sort key comparison: danger first, then warnings, then by name.
export function compararParaPainel(a, b) {
  return (ORDEM[a.nivel] - ORDEM[b.nivel]) || a.nome.localeCompare(b.nome, "pt-BR", { sensitivity: "base" });
}
