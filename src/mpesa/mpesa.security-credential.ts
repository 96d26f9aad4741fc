// Daraja's SecurityCredential: the initiator's plain password encrypted with the environment's
// certificate, RSA PKCS#1 v1.5, base64 (docs/daraja.md §7 "Transaction Status"). Made at call
// time, never stored: the password is what the vault keeps. Every API with an initiator
// (Transaction Status now; B2C and reversals later) builds it here.
//
// Which certificate: the account's own when it has one, else the environment's: Safaricom's
// sandbox or production certificate (MPESA_SANDBOX_CERTIFICATE, MPESA_PRODUCTION_CERTIFICATE), or
// for the simulator the certificate the simulator itself publishes (fetched once, then kept).
import { constants, publicEncrypt } from 'node:crypto';
import axios from 'axios';
import { AppError } from '../errors';
import type { Environment } from '../core/scope';
import { parseCertificate, type Certificate } from '../core/certificate';
import { darajaUnreachable } from './mpesa.errors';

/** An account's initiator, opened for one call. */
export interface Initiator {
  name: string | null;
  /** The plain password (sealed in the vault at rest). */
  password: string | null;
  /** A SecurityCredential made elsewhere (e.g. the Daraja portal), sent as it is when there is no password. */
  credential: string | null;
  /** The account's own certificate (PEM), replacing its environment's. */
  certificate: string | null;
}

/** RSA PKCS#1 v1.5 of the password's UTF-8 bytes under the certificate's key, base64. */
export function encryptSecurityCredential(password: string, certificate: Certificate): string {
  return publicEncrypt(
    { key: certificate.publicKey, padding: constants.RSA_PKCS1_PADDING },
    Buffer.from(password, 'utf8'),
  ).toString('base64');
}

export interface SecurityCertificates {
  /** The certificate of `environment`; undefined when none is configured. */
  forEnvironment(environment: Environment): Promise<Certificate | undefined>;
}

interface Deps {
  /** PEM per environment, from the configuration (already parsed once there). */
  configured: Readonly<Partial<Record<'sandbox' | 'production', string>>>;
  /** Where the simulator publishes its certificate; undefined when the simulator is off. */
  simulatorCertificateUrl: string | undefined;
  timeoutMs: number;
}

export function createSecurityCertificates({
  configured,
  simulatorCertificateUrl,
  timeoutMs,
}: Deps): SecurityCertificates {
  const parsed = {
    sandbox: configured.sandbox ? parseCertificate(configured.sandbox) : undefined,
    production: configured.production ? parseCertificate(configured.production) : undefined,
  };
  // One fetch shared by concurrent callers; a failure is not kept, so the next call asks again.
  let simulator: Promise<Certificate> | undefined;
  const fetchSimulator = async (url: string): Promise<Certificate> => {
    try {
      const response = await axios.get<string>(url, {
        responseType: 'text',
        signal: AbortSignal.timeout(timeoutMs),
        maxRedirects: 0,
      });
      return parseCertificate(response.data);
    } catch (error) {
      throw darajaUnreachable(
        `the simulator's certificate could not be had (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  };
  return {
    async forEnvironment(environment) {
      if (environment !== 'simulator') return parsed[environment];
      if (!simulatorCertificateUrl) return undefined;
      simulator ??= fetchSimulator(simulatorCertificateUrl).catch((error: unknown) => {
        simulator = undefined;
        throw error;
      });
      return simulator;
    },
  };
}

/** What an initiator lacks for a call; empty when it has all it needs. */
export function missingForInitiator(initiator: Initiator, hasCertificate: boolean): string[] {
  const missing: string[] = [];
  if (!initiator.name) missing.push('initiatorName');
  if (!initiator.password && !initiator.credential) missing.push('initiatorPassword');
  else if (initiator.password && !initiator.certificate && !hasCertificate) missing.push('certificate');
  return missing;
}

/**
 * The SecurityCredential of a call: the password encrypted now, else the ready-made credential.
 * Throws mpesa_initiator_missing naming what is missing (the environment's certificate included).
 */
export async function securityCredentialFor(
  initiator: Initiator,
  environment: Environment,
  certificates: SecurityCertificates,
): Promise<{ initiatorName: string; securityCredential: string }> {
  const certificate = initiator.certificate
    ? parseCertificate(initiator.certificate)
    : initiator.password
      ? await certificates.forEnvironment(environment)
      : undefined;
  const missing = missingForInitiator(initiator, certificate !== undefined);
  if (missing.length > 0) throw initiatorMissing(missing, environment);
  return {
    initiatorName: initiator.name!,
    securityCredential: initiator.password
      ? encryptSecurityCredential(initiator.password, certificate!)
      : initiator.credential!,
  };
}

const CERTIFICATE_VARIABLE: Record<Environment, string> = {
  simulator: "the simulator's own (is it running?)",
  sandbox: 'MPESA_SANDBOX_CERTIFICATE',
  production: 'MPESA_PRODUCTION_CERTIFICATE',
};

function initiatorMissing(missing: string[], environment: Environment): AppError {
  const hints: Record<string, string> = {
    initiatorName: 'the initiator name (initiatorName)',
    initiatorPassword: "the initiator's password (initiatorPassword)",
    certificate: `a certificate for ${environment} (the account's securityCertificate, or ${CERTIFICATE_VARIABLE[environment]})`,
  };
  return new AppError(
    'mpesa_initiator_missing',
    `This M-Pesa account cannot make initiator calls yet: it needs ${missing.map((name) => hints[name]).join(', ')}`,
    { missing, environment },
  );
}
