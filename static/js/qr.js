// QR reader for machine labels: the phone's rear camera, or a chosen photo, decoded with jsQR
// (static/vendor/jsqr, loaded before this module as a classic script: window.jsQR).
import { texto } from "./ui.js";

const LADO_MAXIMO_VIDEO = 640;
const LADOS_FOTO = [1024, 2048]; // try small (fast) first, then larger for a distant label

function decodificar(canvas, fonte, largura, altura, ladoMaximo, inversao) {
  const escala = Math.min(1, ladoMaximo / Math.max(largura, altura));
  canvas.width = Math.round(largura * escala);
  canvas.height = Math.round(altura * escala);
  const contexto = canvas.getContext("2d", { willReadFrequently: true });
  contexto.drawImage(fonte, 0, 0, canvas.width, canvas.height);
  const imagem = contexto.getImageData(0, 0, canvas.width, canvas.height);
  const resultado = window.jsQR(imagem.data, imagem.width, imagem.height, { inversionAttempts: inversao });
  return resultado && resultado.data ? resultado.data : null;
}

function carregarImagem(arquivo) {
  return new Promise((resolver, rejeitar) => {
    const url = URL.createObjectURL(arquivo);
    const imagem = new Image();
    imagem.onload = () => { URL.revokeObjectURL(url); resolver(imagem); };
    imagem.onerror = () => { URL.revokeObjectURL(url); rejeitar(new Error("imagem ilegível")); };
    imagem.src = url;
  });
}

// Wire the reader's controls; `aoLer(texto)` receives the decoded text, `avisar(texto, tipo)` the status.
export function iniciarLeitorQr({ botaoCamera, botaoParar, entradaArquivo, video, aoLer, avisar }) {
  const canvas = document.createElement("canvas");
  let fluxo = null;

  function pararCamera() {
    if (fluxo) fluxo.getTracks().forEach((trilha) => trilha.stop());
    fluxo = null;
    video.srcObject = null;
    video.hidden = true;
    botaoParar.hidden = true;
    botaoCamera.hidden = false;
  }

  function lerQuadro() {
    if (!fluxo) return;
    if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth) {
      const texto = decodificar(canvas, video, video.videoWidth, video.videoHeight, LADO_MAXIMO_VIDEO, "dontInvert");
      if (texto) {
        pararCamera();
        aoLer(texto);
        return;
      }
    }
    requestAnimationFrame(lerQuadro);
  }

  async function ligarCamera() {
    if (!window.jsQR) {
      avisar(texto("qr_nao_carregou"), "erro");
      return;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      avisar(texto("camera_sem_https"), "erro");
      return;
    }
    try {
      fluxo = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (erro) {
      const negado = erro && (erro.name === "NotAllowedError" || erro.name === "SecurityError");
      avisar(texto(negado ? "camera_negada" : "camera_falhou"), "erro");
      return;
    }
    video.srcObject = fluxo;
    video.hidden = false;
    botaoCamera.hidden = true;
    botaoParar.hidden = false;
    botaoParar.focus();
    avisar(texto("aponte_camera"), "info");
    try {
      await video.play();
    } catch {
      // autoplay refused: frames still arrive once the user interacts
    }
    requestAnimationFrame(lerQuadro);
  }

  async function lerArquivo() {
    const arquivo = entradaArquivo.files && entradaArquivo.files[0];
    entradaArquivo.value = ""; // choosing the same photo again fires `change` again
    if (!arquivo) return;
    if (!window.jsQR) {
      avisar(texto("qr_nao_carregou"), "erro");
      return;
    }
    avisar(texto("lendo_imagem"), "info");
    let imagem;
    try {
      imagem = await carregarImagem(arquivo);
    } catch {
      avisar(texto("imagem_ilegivel"), "erro");
      return;
    }
    for (const lado of LADOS_FOTO) {
      const texto = decodificar(canvas, imagem, imagem.naturalWidth, imagem.naturalHeight, lado, "attemptBoth");
      if (texto) {
        aoLer(texto);
        return;
      }
    }
    avisar(texto("qr_nao_encontrado"), "erro");
  }

  botaoCamera.addEventListener("click", ligarCamera);
  botaoParar.addEventListener("click", () => { pararCamera(); avisar("", "info"); botaoCamera.focus(); });
  entradaArquivo.addEventListener("change", lerArquivo);
  window.addEventListener("pagehide", pararCamera);
}
