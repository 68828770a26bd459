// Tiny sparkline on a <canvas>, drawn by hand: a line of the values, broken where a value is null.

export function desenharSparkline(canvas, pontos, cor) {
  const escala = window.devicePixelRatio || 1;
  const largura = canvas.clientWidth || canvas.width;
  const altura = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(largura * escala) || canvas.height !== Math.round(altura * escala)) {
    canvas.width = Math.round(largura * escala);
    canvas.height = Math.round(altura * escala);
  }
  const contexto = canvas.getContext("2d");
  contexto.setTransform(escala, 0, 0, escala, 0, 0);
  contexto.clearRect(0, 0, largura, altura);
  const validos = pontos.filter((p) => p.v !== null && p.v !== undefined);
  if (validos.length === 0) return;
  const tempos = pontos.map((p) => p.t);
  const inicio = Math.min(...tempos);
  const fim = Math.max(...tempos, inicio + 1);
  let menor = Math.min(...validos.map((p) => p.v));
  let maior = Math.max(...validos.map((p) => p.v));
  if (maior - menor < 1e-9) { menor -= 1; maior += 1; }
  const margem = 3;
  const x = (t) => margem + ((t - inicio) / (fim - inicio)) * (largura - 2 * margem);
  const y = (v) => altura - margem - ((v - menor) / (maior - menor)) * (altura - 2 * margem);
  contexto.strokeStyle = cor;
  contexto.lineWidth = 1.5;
  contexto.lineJoin = "round";
  contexto.beginPath();
  let desenhando = false;
  pontos.forEach((p) => {
    if (p.v === null || p.v === undefined) { desenhando = false; return; }
    if (desenhando) contexto.lineTo(x(p.t), y(p.v));
    else contexto.moveTo(x(p.t), y(p.v));
    desenhando = true;
  });
  contexto.stroke();
  const ultimo = validos[validos.length - 1];
  contexto.fillStyle = cor;
  contexto.beginPath();
  contexto.arc(x(ultimo.t), y(ultimo.v), 2.5, 0, 2 * Math.PI);
  contexto.fill();
}
