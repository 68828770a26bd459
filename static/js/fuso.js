// Wall-clock times in the user's IANA zone (not the browser's) <-> instants, with Intl only.

function partesNoFuso(instanteMs, fuso) {
  const formato = new Intl.DateTimeFormat("en-US", {
    timeZone: fuso, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit",
  });
  return Object.fromEntries(formato.formatToParts(new Date(instanteMs)).map((p) => [p.type, Number(p.value)]));
}

// How far `fuso` is ahead of UTC at `instanteMs`.
function deslocamentoMs(instanteMs, fuso) {
  const p = partesNoFuso(instanteMs, fuso);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second) - Math.floor(instanteMs / 1000) * 1000;
}

// "2025-01-15T09:00" (a datetime-local value, read as a wall time in `fuso`) → Date.
export function paredeParaInstante(valor, fuso) {
  const achado = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(valor || "");
  if (!achado) return null;
  const [, ano, mes, dia, hora, minuto] = achado.map(Number);
  const comoUtc = Date.UTC(ano, mes - 1, dia, hora, minuto);
  let instante = comoUtc - deslocamentoMs(comoUtc, fuso);
  instante = comoUtc - deslocamentoMs(instante, fuso); // second pass: right across DST changes
  return new Date(instante);
}

// Date → "2025-01-15T09:00", the wall time in `fuso`, for a datetime-local input.
export function instanteParaParede(data, fuso) {
  const p = partesNoFuso(data.getTime(), fuso);
  const dois = (n) => String(n).padStart(2, "0");
  return `${p.year}-${dois(p.month)}-${dois(p.day)}T${dois(p.hour % 24)}:${dois(p.minute)}`;
}
