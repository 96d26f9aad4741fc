// Daraja's Dynamic QR comes as a PNG only. For print, the same QR as SVG: the PNG is read back to
// what it encodes (M-Pesa's payload, whose format is not published), and that text is encoded
// again as a vector image. The SVG's QR may differ from the PNG's in version or error
// correction, never in what it says, so any reader (M-Pesa's app included) reads the same.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';

/** What a base64 PNG's QR encodes; undefined when it is not a PNG or holds no readable QR. */
export function readQrPayload(pngBase64: string): string | undefined {
  let image: PNG;
  try {
    image = PNG.sync.read(Buffer.from(pngBase64, 'base64'));
  } catch {
    return undefined;
  }
  const pixels = new Uint8ClampedArray(image.data);
  // Dark on light first (half the work of trying both at once); light on dark only if that fails.
  const code =
    jsQR(pixels, image.width, image.height, { inversionAttempts: 'dontInvert' }) ??
    jsQR(pixels, image.width, image.height, { inversionAttempts: 'onlyInvert' });
  return code?.data;
}

/** An SVG of `payload`, `size` pixels square, with the quiet zone QR readers need. */
export function qrSvg(payload: string, size: number): Promise<string> {
  return QRCode.toString(payload, { type: 'svg', width: size, margin: 4, errorCorrectionLevel: 'M' });
}
