// QR codes of a link's URL, for printing (the `qrcode` package: ISO/IEC 18004, pure JavaScript,
// no canvas). Error correction M (15 % of the code may be lost: a poster can be creased or
// stained) and the standard quiet zone of 4 modules. A printed poster needs a crisp image at any
// size: SVG is vector, the PNG 1024 pixels wide unless asked otherwise.
import QRCode from 'qrcode';

export const QR_PNG_WIDTHS = { min: 128, max: 2048, default: 1024 } as const;
const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'svg' });
}

export function qrPng(text: string, width: number = QR_PNG_WIDTHS.default): Promise<Buffer> {
  return QRCode.toBuffer(text, { ...OPTIONS, type: 'png', width });
}

/** The QR code as terminal text (the CLI's `links create`). */
export function qrTerminal(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'terminal', small: true });
}
