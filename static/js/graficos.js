// The machine page's charts: one uPlot per sensor (static/vendor/uplot, window.uPlot), the min–max band
// of each bucket plus its average line, gaps where the device was silent, time axis in the user's zone.
import { idioma, texto } from "./ui.js";

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
  };
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

function opcoes(largura, casas, unidade, fuso) {
  const c = cores();
  const numero = formatadorNumero(casas);
  const horas = formatadoresDeHora(fuso);
  const valorComUnidade = (u, valor) => (valor === null || valor === undefined ? "—" : `${numero(valor)} ${unidade}`);
  return {
    width: largura,
    height: ALTURA,
    // Ticks fall on whole hours/days of the user's zone, not the browser's.
    tzDate: (segundos) => window.uPlot.tzDate(new Date(segundos * 1000), fuso),
    scales: { x: { time: true } },
    cursor: { drag: { x: true, y: false } },
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

// Build the four charts; returns {mostrar(serie)} that redraws them with a /serie answer.
export function criarGraficos(raiz, grandezas, fuso) {
  const graficos = grandezas.map(([grandeza, casas, unidade]) => {
    const figura = raiz.querySelector(`[data-grandeza="${grandeza}"]`);
    const area = figura.querySelector("[data-area]");
    const grafico = new window.uPlot(opcoes(area.clientWidth || 300, casas, unidade, fuso), [[], [], [], []], area);
    return { grandeza, figura, area, grafico };
  });
  const observador = new ResizeObserver(() => {
    graficos.forEach(({ area, grafico }) => {
      const largura = area.clientWidth;
      if (largura && largura !== grafico.width) grafico.setSize({ width: largura, height: ALTURA });
    });
  });
  graficos.forEach(({ area }) => observador.observe(area));

  function mostrar(serie, desdeSegundos, ateSegundos) {
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
  return { mostrar };
}
