// Formatting and small DOM helpers shared by the pages. User text is only ever set with textContent.

// The operator's zone, the sensor table and the texts come from the server (rotas/ganchos.py), never copied here.
export const fuso = document.body.dataset.fuso;
// Dates and numbers as the page's language writes them ("pt-BR" or "en", from <html lang>).
export const idioma = document.documentElement.lang || "pt-BR";

function lerJson(texto, padrao) {
  try {
    return JSON.parse(texto);
  } catch {
    return padrao;
  }
}

// Texts in the user's language (rotas/textos.py TEXTOS), handed over in <body data-textos>.
const textos = lerJson(document.body.dataset.textos, {});

// texto("ha", "5 s") → "há 5 s"; an unknown key comes back as itself.
export function texto(chave, ...valores) {
  let resultado = textos[chave] || chave;
  valores.forEach((valor) => { resultado = resultado.replace("{}", () => String(valor)); });
  return resultado;
}

// What a search compares: no accents, no case ("Moedor Três" matches "moedor tres").
export function normalizar(texto) {
  return (texto || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLocaleLowerCase();
}

// "há 5 s", "há 3 min", "há 2 h", "há 4 d" since an ISO instant; "nunca" without one.
export function tempoDesde(iso, agora = Date.now()) {
  const instante = iso ? new Date(iso).getTime() : NaN;
  if (Number.isNaN(instante)) return texto("nunca");
  const segundos = Math.max(0, Math.floor((agora - instante) / 1000));
  if (segundos < 60) return texto("ha", `${segundos} s`);
  if (segundos < 3600) return texto("ha", `${Math.floor(segundos / 60)} min`);
  if (segundos < 86400) return texto("ha", `${Math.floor(segundos / 3600)} h`);
  return texto("ha", `${Math.floor(segundos / 86400)} d`);
}

function formatadorDeHora() {
  const opcoes = { day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" };
  try {
    return new Intl.DateTimeFormat(idioma, { ...opcoes, timeZone: fuso });
  } catch {
    return new Intl.DateTimeFormat(idioma, opcoes); // unknown zone: the browser's own
  }
}
const formatoHora = formatadorDeHora();

// [[campo, casas decimais, unidade]] in display order (nucleo/contrato.py SENSORES_INFO), in <body data-sensores>.
export const GRANDEZAS = lerJson(document.body.dataset.sensores, []);
const CASAS = Object.fromEntries(GRANDEZAS.map(([campo, casas, unidade]) => [campo, [casas, unidade]]));

export function formatarHora(iso, vazio = texto("nunca")) {
  if (!iso) return vazio;
  const data = new Date(iso);
  return Number.isNaN(data.getTime()) ? vazio : formatoHora.format(data);
}

// Trip reasons and the sensor each one is about (nucleo/contrato.py MOTIVOS_DESARME), in <body data-motivos>.
export const MOTIVOS_DESARME = lerJson(document.body.dataset.motivos, {});

// "27,8 °C > 20,0 °C" for a trip reported with its values; "" without them (rotas/apresentacao.py says the same).
export function valoresDoDesarme(desarme) {
  if (!desarme || desarme.valor === null || desarme.valor === undefined || desarme.limite === null || desarme.limite === undefined) return "";
  const sensor = MOTIVOS_DESARME[desarme.motivo];
  return `${formatarLeitura(desarme.valor, sensor)} > ${formatarLeitura(desarme.limite, sensor)}`;
}

// "temperatura acima do limite: 27,8 °C > 20,0 °C"; an unknown reason as the device sent it.
export function motivoDoDesarme(desarme) {
  const chave = `motivo_desarme_${desarme.motivo}`;
  const motivo = texto(chave) === chave ? desarme.motivo || "" : texto(chave);
  const valores = valoresDoDesarme(desarme);
  return valores ? `${motivo}: ${valores}` : motivo;
}

export function formatarLeitura(valor, grandeza) {
  if (valor === null || valor === undefined) return "—";
  const [casas, unidade] = CASAS[grandeza] || [1, ""];
  const numero = new Intl.NumberFormat(idioma, { minimumFractionDigits: casas, maximumFractionDigits: casas }).format(valor);
  return `${numero} ${unidade}`.trim();
}

export function mostrarMensagem(elemento, texto, tipo = "info") {
  if (!elemento) return;
  // Same text again: leave the node alone so screen readers do not repeat it.
  if (elemento.textContent !== (texto || "")) elemento.textContent = texto || "";
  elemento.dataset.tipo = tipo;
  elemento.hidden = !texto;
}

function definirBadge(elemento, classe, texto) {
  if (!elemento) return;
  elemento.className = `badge badge--${classe}`;
  elemento.textContent = texto;
}

// Fill every [data-campo] / [data-leitura] under `raiz` from a machine as GET /api/machines returns it.
export function preencherMaquina(raiz, maquina) {
  const todos = (nome) => raiz.querySelectorAll(`[data-campo="${nome}"]`);
  todos("nome").forEach((el) => { el.textContent = maquina.nome_maquina || texto("sem_nome"); });
  todos("fabricante_modelo").forEach((el) => { el.textContent = `${maquina.fabricante} ${maquina.modelo}`; });
  todos("link").forEach((el) => { el.href = `/maquinas/${encodeURIComponent(maquina.id)}`; });
  const status = ["iniciada", "desarmada"].includes(maquina.status) ? maquina.status : "parada";
  todos("status").forEach((el) => definirBadge(el, status, texto(status)));
  todos("desarme").forEach((el) => {
    const desarme = status === "desarmada" ? maquina.desarme : null;
    el.textContent = desarme ? motivoDoDesarme(desarme) : "";
    el.hidden = !desarme;
  });
  todos("online").forEach((el) => {
    const online = maquina.online ? "online" : "offline";
    definirBadge(el, online, texto(online));
  });
  todos("last_heartbeat").forEach((el) => { el.textContent = formatarHora(maquina.last_heartbeat); });
  todos("ha").forEach((el) => {
    el.dateTime = maquina.last_heartbeat || "";
    el.title = formatarHora(maquina.last_heartbeat);
    el.textContent = tempoDesde(maquina.last_heartbeat);
  });
  const ultima = maquina.ultima_leitura || {};
  raiz.querySelectorAll("[data-leitura]").forEach((el) => {
    el.textContent = formatarLeitura(ultima[el.dataset.leitura], el.dataset.leitura);
  });
  todos("leitura_em").forEach((el) => { el.textContent = formatarHora(ultima.timestamp, texto("nenhuma_ainda")); });
}

// A table row / cell built with textContent only.
export function linha(celulas) {
  const tr = document.createElement("tr");
  celulas.forEach((conteudo) => {
    const td = document.createElement("td");
    if (conteudo instanceof Node) td.append(conteudo);
    else td.textContent = conteudo;
    tr.append(td);
  });
  return tr;
}

export function badge(classe, texto) {
  const span = document.createElement("span");
  definirBadge(span, classe, texto);
  return span;
}

// Run `tarefa` now and every `intervaloMs` while the tab is visible; errors go to `aoFalhar`.
export function repetirEnquantoVisivel(tarefa, intervaloMs, aoFalhar) {
  let emAndamento = false;
  async function rodar() {
    if (document.visibilityState !== "visible" || emAndamento) return;
    emAndamento = true;
    try {
      await tarefa();
    } catch (erro) {
      aoFalhar(erro);
    } finally {
      emAndamento = false;
    }
  }
  setInterval(rodar, intervaloMs);
  document.addEventListener("visibilitychange", rodar);
  return rodar;
}
