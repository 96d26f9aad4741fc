// The X.509 certificates Daraja's initiator passwords are encrypted with (Safaricom publishes one
// for the sandbox and one for production; the simulator publishes its own). Parsed once, where
// they enter (configuration, an account being saved), so a certificate that does not parse is
// refused there and not at the first Transaction Status call. In the kernel because the
// configuration parses MPESA_*_CERTIFICATE with it.
import { X509Certificate, type KeyObject } from 'node:crypto';

export interface Certificate {
  /** As given (PEM), to keep and show again. */
  pem: string;
  publicKey: KeyObject;
  /** SHA-256 of the DER, colon-separated hex: tells two certificates apart without showing one. */
  fingerprint: string;
  /** When it stops being valid (Daraja replaces its certificates now and then). */
  validTo: Date;
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** Why `text` is not a certificate an initiator password can be encrypted with, or undefined. */
export function certificateProblem(text: string): string | undefined {
  try {
    parseCertificate(text);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * A PEM certificate (`-----BEGIN CERTIFICATE-----`), or a DER one as bytes, with an RSA key:
 * SecurityCredential is RSA PKCS#1 v1.5 (docs/daraja.md §7). Throws an Error saying what is wrong.
 */
export function parseCertificate(input: string | Buffer): Certificate {
  const pem = typeof input === 'string' ? PEM.exec(input)?.[0] : undefined;
  if (typeof input === 'string' && pem === undefined)
    throw new Error('is not a PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem ?? (input as Buffer));
  } catch {
    throw new Error('does not parse as an X.509 certificate');
  }
  if (certificate.publicKey.asymmetricKeyType !== 'rsa')
    throw new Error(
      `holds a ${certificate.publicKey.asymmetricKeyType ?? 'unknown'} key; Daraja's certificates hold RSA keys`,
    );
  return {
    pem: pem ?? certificate.toString(),
    publicKey: certificate.publicKey,
    fingerprint: certificate.fingerprint256,
    validTo: new Date(certificate.validTo),
  };
}
