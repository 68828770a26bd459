// The machine page's charts: one uPlot per sensor (static/vendor/uplot, window.uPlot), the min–max band
// of each bucket plus its average line, gaps where the device was silent, time axis in the user's zone;
// the alarm limits as dashed lines and the periods an alarm was active shaded in its severity's colour.
// One crosshair for all four (uPlot's cursor sync): hovering one chart shows the same instant in every legend.
import { formatarLeitura, idioma, texto } from "./ui.js";

const ALTURA = 190;

function cores() {
  const estilo = getComputedStyle(document.documentElement);
  const ler = (nome, padrao) => estilo.getPropertyValue(nome).trim() || padrao;
  return {
    linha: ler("--primaria", "#0b5cad"),
    banda: ler("--banda-grafico", "rgba(11, 92, 173, 0.2)"),
    extremos: ler("--extremos-grafico", "rgba(11, 92, 173, 0.55)"),
    texto: ler("--discreto", "#5a6677"),
    grade: ler("--borda", "#d5dbe3"),
    limite: ler("--sev-alta", "#b3261e"),
    zona: ler("--sev-media", "#8a5a00"),
    sombra: (severidade) => ler(`--sombra-${severidade}`, "rgba(179, 38, 30, 0.12)"),
  };
}

// What is drawn over one chart besides the data: {limites: [{valor, tipo: "regra" | "zona"}], periodos: [{inicio, fim, severidade}]} (seconds).
function desenharPeriodos(u, marcas) {
  const c = cores();
  const { ctx, bbox } = u;
  ctx.save();
  marcas.periodos.forEach(({ inicio, fim, severidade }) => {
    const x0 = Math.max(bbox.left, u.valToPos(inicio, "x", true));
    const x1 = Math.min(bbox.left + bbox.width, u.valToPos(fim, "x", true));
    if (x1 <= x0) return;
    ctx.fillStyle = c.sombra(severidade);
    ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
  });
  ctx.restore();
}

function desenharLimites(u, marcas) {
  const c = cores();
  const { ctx, bbox } = u;
  ctx.save();
  ctx.lineWidth = 2 * devicePixelRatio;
  marcas.limites.forEach(({ valor, tipo }) => {
    const y = u.valToPos(valor, "y", true);
    if (y < bbox.top || y > bbox.top + bbox.height) return;
    ctx.strokeStyle = tipo === "zona" ? c.zona : c.limite;
    ctx.setLineDash(tipo === "zona" ? [2 * devicePixelRatio, 4 * devicePixelRatio] : [8 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
  });
  ctx.restore();
}

function formatadorNumero(casas) {
  const formato = new Intl.NumberFormat(idioma, {
    minimumFractionDigits: casas, maximumFractionDigits: casas,
  });
  return (valor) => (valor === null || valor === undefined ? "—" : formato.format(valor));
}

function formatadoresDeHora(fuso) {
  const criar = (opcoes) => {
    try {
      return new Intl.DateTimeFormat(idioma, { ...opcoes, hourCycle: "h23", timeZone: fuso });
    } catch {
      return new Intl.DateTimeFormat(idioma, { ...opcoes, hourCycle: "h23" });
    }
  };
  return {
    completo: criar({ day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" }),
    hora: criar({ hour: "2-digit", minute: "2-digit" }),
    diaHora: criar({ day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit" }),
    dia: criar({ day: "2-digit", month: "2-digit" }),
  };
}

function opcoes(largura, casas, unidade, fuso, marcas, chaveCursor) {
  const c = cores();
  const numero = formatadorNumero(casas);
  const horas = formatadoresDeHora(fuso);
  const valorComUnidade = (u, valor) => (valor === null || valor === undefined ? "—" : `${numero(valor)} ${unidade}`);
  return {
    width: largura,
    height: ALTURA,
    // Ticks fall on whole hours/days of the user's zone, not the browser's.
    tzDate: (segundos) => window.uPlot.tzDate(new Date(segundos * 1000), fuso),
    // The y range always holds the limits, so a limit line shows even when the values are far from it.
    scales: {
      x: { time: true },
      y: {
        range: (u, minimo, maximo) => {
          const valores = marcas.limites.map((l) => l.valor).concat([minimo, maximo].filter((v) => v !== null && Number.isFinite(v)));
          if (!valores.length) return [0, 1];
          const [baixo, alto] = [Math.min(...valores), Math.max(...valores)];
          const folga = (alto - baixo) * 0.08 || Math.abs(alto) * 0.05 || 1;
          return [baixo - folga, alto + folga];
        },
      },
    },
    hooks: { drawClear: [(u) => desenharPeriodos(u, marcas)], draw: [(u) => desenharLimites(u, marcas)] },
    cursor: { drag: { x: true, y: false }, sync: { key: chaveCursor, setSeries: false } },
    legend: { live: true },
    series: [
      { label: texto("grafico_hora"), value: (u, segundos) => (segundos === null ? "—" : horas.completo.format(new Date(segundos * 1000))) },
      { label: texto("grafico_minimo"), stroke: c.extremos, width: 1, value: valorComUnidade, points: { show: false } },
      { label: texto("grafico_media"), stroke: c.linha, width: 2, value: valorComUnidade },
      { label: texto("grafico_maximo"), stroke: c.extremos, width: 1, value: valorComUnidade, points: { show: false } },
    ],
    bands: [{ series: [3, 1], fill: c.banda }],
    axes: [
      {
        stroke: c.texto,
        grid: { stroke: c.grade, width: 1 },
        ticks: { stroke: c.grade, width: 1 },
        values: (u, marcas, eixo, espaco, incremento) => marcas.map((segundos) => {
          const data = new Date(segundos * 1000);
          if (incremento >= 86400) return horas.dia.format(data);
          const [inicio, fim] = [u.scales.x.min, u.scales.x.max];
          return fim - inicio > 86400 ? horas.diaHora.format(data).replace(", ", " ") : horas.hora.format(data);
        }),
      },
      {
        stroke: c.texto,
        grid: { stroke: c.grade, width: 1 },
        ticks: { stroke: c.grade, width: 1 },
        size: 56,
        values: (u, marcas) => marcas.map(numero),
      },
    ],
  };
}

// Build the four charts; returns {mostrar(serie), marcar(limites, periodos), acrescentar, deslizar, areaDoGrafico}:
// `mostrar` redraws them with a /serie answer, `marcar` sets the limit lines {sensor: [{valor, tipo}]} and alarm
// periods [{sensor, inicio, fim, severidade}], `acrescentar` appends a live reading.
export function criarGraficos(raiz, grandezas, fuso, aoRedimensionar = () => {}) {
  const chaveCursor = `cursor-${Math.random().toString(36).slice(2)}`;
  const graficos = grandezas.map(([grandeza, casas, unidade]) => {
    const figura = raiz.querySelector(`[data-grandeza="${grandeza}"]`);
    const area = figura.querySelector("[data-area]");
    const marcas = { limites: [], periodos: [] };
    const grafico = new window.uPlot(opcoes(area.clientWidth || 300, casas, unidade, fuso, marcas, chaveCursor), [[], [], [], []], area);
    return { grandeza, figura, area, grafico, marcas };
  });
  const observador = new ResizeObserver(() => {
    graficos.forEach(({ area, grafico }) => {
      const largura = area.clientWidth;
      if (largura && largura !== grafico.width) grafico.setSize({ width: largura, height: ALTURA });
    });
    aoRedimensionar();
  });
  graficos.forEach(({ area }) => observador.observe(area));
  let larguraBalde = 0; // seconds per point of the last /serie answer

  // Where the plot area of the charts lies, in CSS pixels from the left of a chart's area (the state strip lines up with it).
  function areaDoGrafico() {
    const { area, grafico } = graficos[0];
    const esquerda = grafico.over.getBoundingClientRect().left - area.getBoundingClientRect().left;
    return { esquerda, largura: grafico.over.clientWidth };
  }

  // A reading from the event stream: one more point at the end of every chart, the window slid to [desde, ate].
  function acrescentar(segundos, valores, desdeSegundos, ateSegundos) {
    graficos.forEach(({ grandeza, figura, grafico }) => {
      const [tempos, ...series] = grafico.data.map((coluna) => Array.from(coluna));
      const ultimo = tempos[tempos.length - 1];
      if (ultimo !== undefined && segundos <= ultimo) return;
      // Silent for longer than a few buckets: a gap, not a line drawn across the silence.
      if (ultimo !== undefined && segundos - ultimo > 3 * Math.max(larguraBalde, 1)) {
        tempos.push(ultimo + Math.max(larguraBalde, 1));
        series.forEach((serie) => serie.push(null));
      }
      const valor = valores[grandeza] === undefined ? null : valores[grandeza];
      tempos.push(segundos);
      series.forEach((serie) => serie.push(valor));
      const primeiro = tempos.findIndex((t) => t >= desdeSegundos);
      const corte = primeiro < 0 ? 0 : primeiro;
      grafico.setData([tempos.slice(corte), ...series.map((serie) => serie.slice(corte))], false);
      grafico.setScale("x", { min: desdeSegundos, max: ateSegundos });
      if (valor !== null) {
        figura.querySelector("[data-vazio]").hidden = true;
        figura.dataset.pontos = String(Number(figura.dataset.pontos || 0) + 1);
      }
    });
  }

  // The window moves on although nothing arrived (a silent machine): the charts keep ending now.
  function deslizar(desdeSegundos, ateSegundos) {
    graficos.forEach(({ grafico }) => grafico.setScale("x", { min: desdeSegundos, max: ateSegundos }));
  }

  function mostrar(serie, desdeSegundos, ateSegundos) {
    larguraBalde = serie.largura_s || 0;
    const tempos = serie.pontos.map((p) => new Date(p.t).getTime() / 1000);
    graficos.forEach(({ grandeza, figura, grafico }) => {
      const valores = (campo) => serie.pontos.map((p) => (p[grandeza] ? p[grandeza][campo] : null));
      grafico.setData([tempos, valores("min"), valores("med"), valores("max")]);
      grafico.setScale("x", { min: desdeSegundos, max: ateSegundos });
      const vazio = !serie.pontos.some((p) => p.n > 0);
      figura.querySelector("[data-vazio]").hidden = !vazio;
      figura.dataset.pontos = String(serie.pontos.filter((p) => p.n > 0).length);
    });
  }
  // The figure says in words what the lines and shading mean (and tests read it the same way).
  function marcar(limites, periodos) {
    graficos.forEach(({ grandeza, figura, grafico, marcas }) => {
      marcas.limites = limites[grandeza] || [];
      marcas.periodos = periodos.filter((p) => p.sensor === grandeza);
      figura.dataset.limites = marcas.limites.map((l) => l.valor).join(" ");
      figura.dataset.periodosAlarme = String(marcas.periodos.length);
      const legenda = figura.querySelector("[data-marcas]");
      if (legenda) {
        const partes = [];
        if (marcas.limites.length) partes.push(texto("grafico_limites", marcas.limites.map((l) => formatarLeitura(l.valor, grandeza)).join(" / ")));
        if (marcas.periodos.length) partes.push(texto("grafico_periodos", marcas.periodos.length));
        legenda.textContent = partes.join(" · ");
        legenda.hidden = partes.length === 0;
      }
      // Setting x again re-ranges y over the visible window, now with the new limits.
      if (grafico.scales.x.min !== null && grafico.scales.x.min !== undefined) {
        grafico.setScale("x", { min: grafico.scales.x.min, max: grafico.scales.x.max });
      } else {
        grafico.redraw(false);
      }
    });
  }
  return { mostrar, marcar, acrescentar, deslizar, areaDoGrafico };
}
