// QR codes of a link's URL, for printing. The `qrcode` package makes the code (ISO/IEC 18004):
// error correction M (15 % of it may be lost: a poster gets creased or stained) and the standard
// quiet zone of 4 modules. SVG is vector; the PNG is written here, black and white at one bit
// per pixel with Node's own zlib: the package's PNG path pushes every pixel through pure
// JavaScript (about 0.4 s of blocked event loop for a 1024 px image, on a public endpoint).
import { deflateSync } from 'node:zlib';
import QRCode from 'qrcode';

export const QR_PNG_WIDTHS = { min: 128, max: 2048, default: 1024 } as const;
const QUIET_ZONE = 4;
const OPTIONS = { errorCorrectionLevel: 'M', margin: QUIET_ZONE } as const;

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'svg' });
}

/** The terminal rendering (the CLI prints the same code with `qrcode` itself). */
export function qrTerminal(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'terminal', small: true });
}

/** A PNG about `width` pixels wide: whole pixels per module, so every module is sharp. */
export function qrPng(text: string, width: number = QR_PNG_WIDTHS.default): Buffer {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: OPTIONS.errorCorrectionLevel });
  const count = modules.size + 2 * QUIET_ZONE;
  const scale = Math.max(1, Math.floor(width / count));
  const side = count * scale;
  const rowBytes = Math.ceil(side / 8);
  // One filter byte (0: none) then the row's bits; 1 is white in a 1-bit greyscale PNG.
  const raw = Buffer.alloc((rowBytes + 1) * side, 0);
  for (let y = 0; y < side; y++) {
    const row = y * (rowBytes + 1);
    const moduleY = Math.floor(y / scale) - QUIET_ZONE;
    for (let x = 0; x < side; x++) {
      const moduleX = Math.floor(x / scale) - QUIET_ZONE;
      const dark =
        moduleX >= 0 &&
        moduleY >= 0 &&
        moduleX < modules.size &&
        moduleY < modules.size &&
        modules.get(moduleY, moduleX) === 1;
      if (!dark) raw[row + 1 + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter method, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** PNG's CRC-32 (ISO 3309) of a chunk's type and data. */
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
