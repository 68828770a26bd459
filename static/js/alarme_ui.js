// How an alarm is written on every page (the card, the machine banner, the alarms table), mirroring
// templates/macros.html `alarme_item`: the severity in words first, then what happened, then the value.
import { formatarLeitura, texto } from "./ui.js";

// "critica", "alta", "media", "baixa": one order everywhere (nucleo/contrato.py SEVERIDADES, in <body data-severidades>).
export const SEVERIDADES = JSON.parse(document.body.dataset.severidades || "[]");

export const nomeDaSeveridade = (severidade) => texto(`severidade_${severidade}`);
export const nomeDoTipo = (tipo) => texto(`tipo_${tipo}`);

// The machine's worst active alarm (the API sorts them, most severe first) or null.
export function piorAtivo(maquina) {
  return (maquina.alarmes || []).find((alarme) => alarme.estado === "ativo") || null;
}

// Dashboard order: most severe active alarm first, then the one standing longest, then by name.
export function chaveDoPainel(maquina) {
  const pior = piorAtivo(maquina);
  return [
    pior ? SEVERIDADES.indexOf(pior.severidade) : SEVERIDADES.length,
    pior ? new Date(pior.inicio).getTime() : 0,
    (maquina.nome_maquina || "").toLocaleLowerCase(),
  ];
}

export function compararChaves(a, b) {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

export function itemAlarme(alarme) {
  const item = document.createElement("li");
  item.className = `alarme alarme--${alarme.severidade}`;
  item.dataset.tipo = alarme.tipo;
  item.dataset.estado = alarme.estado;
  const severidade = document.createElement("strong");
  severidade.textContent = nomeDaSeveridade(alarme.severidade);
  let resto = ` ${nomeDoTipo(alarme.tipo)}`;
  if (alarme.sensor && alarme.ultimo_valor !== null && alarme.ultimo_valor !== undefined) {
    resto += ` · ${formatarLeitura(alarme.ultimo_valor, alarme.sensor)}`;
  }
  if (alarme.estado !== "ativo") resto += ` · ${texto("alarme_normalizado")}, ${texto("alarme_nao_reconhecido").toLocaleLowerCase()}`;
  item.append(severidade, resto);
  return item;
}
