"""A fake camera for Chromium: a still image (the QR label) as a Y4M video file."""
from PIL import Image


def imagem_para_y4m(origem, destino, largura=640, altura=480, quadros=10):
    """Write `origem` centred on a white 4:2:0 frame, repeated `quadros` times."""
    quadro = Image.new("RGB", (largura, altura), "white")
    etiqueta = Image.open(origem).convert("RGB")
    etiqueta.thumbnail((altura - 40, altura - 40))
    quadro.paste(etiqueta, ((largura - etiqueta.width) // 2, (altura - etiqueta.height) // 2))
    y, cb, cr = quadro.convert("YCbCr").split()
    metade = (largura // 2, altura // 2)
    planos = y.tobytes() + cb.resize(metade).tobytes() + cr.resize(metade).tobytes()
    with open(destino, "wb") as arquivo:
        arquivo.write(f"YUV4MPEG2 W{largura} H{altura} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(quadros):
            arquivo.write(b"FRAME\n" + planos)
    return destino
