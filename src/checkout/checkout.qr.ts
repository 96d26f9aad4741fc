// QR codes of a link's URL, for printing (the `qrcode` package: ISO/IEC 18004, pure JavaScript,
// no canvas). Error correction M (15 % of the code may be lost: a poster can be creased or
// stained) and the standard quiet zone of 4 modules. A printed poster needs a crisp image at any
// size: SVG is vector, the PNG is PNG_WIDTH pixels wide.
import QRCode from 'qrcode';

const PNG_WIDTH = 1024;
const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'svg' });
}

export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { ...OPTIONS, type: 'png', width: PNG_WIDTH });
}
