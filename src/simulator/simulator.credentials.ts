// The simulator's own key pair and certificate, as Safaricom has its sandbox and production
// ones: clients encrypt an initiator's password into SecurityCredential with the certificate it
// publishes (GET /__simulator/certificate), and it decrypts with the private key to check the
// password (docs/daraja.md §7 "Transaction Status"). Made fresh at every start, so no private
// key is ever written down; a client fetches the certificate again after a restart.
import { createHash, generateKeyPairSync, randomBytes, sign, constants, privateDecrypt } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface SimulatorCredentials {
  /** PEM, self-signed, RSA 2048. */
  certificatePem: string;
  /** The password inside a SecurityCredential, or undefined when it is not one made with our certificate. */
  decrypt(securityCredential: string): string | undefined;
}

const KEY_BITS = 2048;
const VALID_DAYS = 3650;
const SUBJECT = 'mpesa-bridge Daraja simulator';

export function createSimulatorCredentials(): SimulatorCredentials {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: KEY_BITS });
  return {
    certificatePem: selfSignedCertificate(publicKey, privateKey, new Date()),
    decrypt: (credential) => decryptPkcs1(privateKey, credential),
  };
}

/**
 * RSA PKCS#1 v1.5 decryption, unpadded by hand: Node refuses RSA_PKCS1_PADDING for private
 * decryption since the Marvin attack fix (CVE-2023-46809). That attack needs a padding oracle
 * worth attacking; the simulator guards no real secret, and its answer to a bad credential is
 * the same 2001 Result whatever went wrong.
 */
function decryptPkcs1(privateKey: KeyObject, credential: string): string | undefined {
  const encrypted = Buffer.from(credential, 'base64');
  if (encrypted.length !== KEY_BITS / 8) return undefined;
  let block: Buffer;
  try {
    block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encrypted);
  } catch {
    return undefined;
  }
  // 0x00 0x02, at least 8 non-zero padding bytes, 0x00, the message.
  if (block[0] !== 0x00 || block[1] !== 0x02) return undefined;
  const end = block.indexOf(0x00, 2);
  if (end < 10) return undefined;
  return block.subarray(end + 1).toString('utf8');
}

// --- A minimal X.509 v1 certificate in DER (RFC 5280), signed sha256WithRSAEncryption. ---

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const der = (tag: number, ...content: Buffer[]) => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};
const sequence = (...content: Buffer[]) => der(0x30, ...content);
const set = (...content: Buffer[]) => der(0x31, ...content);

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) chunk.unshift(0x80 | (value & 0x7f));
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

/** A positive serial: the top bit cleared so it is not read as negative. */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return der(0x02, bytes);
}

/** UTCTime, YYMMDDHHMMSSZ (valid until 2049, which is all RFC 5280 lets UTCTime say). */
function utcTime(at: Date): Buffer {
  const text = at.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return der(0x17, Buffer.from(text, 'ascii'));
}

const name = (commonName: string) =>
  sequence(set(sequence(oid('2.5.4.3'), der(0x0c, Buffer.from(commonName, 'utf8')))));

function selfSignedCertificate(publicKey: KeyObject, privateKey: KeyObject, now: Date): string {
  const sha256WithRsa = sequence(oid('1.2.840.113549.1.1.11'), der(0x05));
  const subject = name(`${SUBJECT} ${createHash('sha256').update(randomBytes(8)).digest('hex').slice(0, 8)}`);
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + VALID_DAYS * 86_400_000);
  const tbs = sequence(
    serialNumber(),
    sha256WithRsa,
    subject,
    sequence(utcTime(notBefore), utcTime(notAfter)),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = sequence(tbs, sha256WithRsa, der(0x03, Buffer.from([0x00]), signature));
  const base64 = certificate.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}
