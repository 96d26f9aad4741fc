// The master key protects stored secrets. In production it must be given (MASTER_KEY); in
// simulator mode it is generated once into the data folder so a fresh clone just starts.
// The same goes for the admin token. Files are written 0600 and never logged.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import { createKeyring, type Keyring } from './vault';

/** The admin token's file in the data folder, when simulator mode generates it. */
export const ADMIN_TOKEN_FILE = 'admin-token';

export interface ServiceSecrets {
  /** MASTER_KEY (the newest) and MASTER_KEY_PREVIOUS. */
  keyring: Keyring;
  adminToken: string;
  /** Where generated secrets were written (simulator mode), for the startup banner. */
  generatedIn?: string;
}

export function loadServiceSecrets(config: Config): ServiceSecrets {
  const keyringOf = (newestHex: string) =>
    createKeyring(
      Buffer.from(newestHex, 'hex'),
      config.previousMasterKeysHex.map((hex) => Buffer.from(hex, 'hex')),
    );
  if (config.masterKeyHex && config.adminToken) {
    return { keyring: keyringOf(config.masterKeyHex), adminToken: config.adminToken };
  }
  // config.ts guarantees both are present outside simulator mode.
  const masterKeyHex =
    config.masterKeyHex ?? readOrCreate(config.dataDir, 'master.key', () => randomBytes(32).toString('hex'));
  const adminToken =
    config.adminToken ??
    readOrCreate(config.dataDir, ADMIN_TOKEN_FILE, () => `adm_${randomBytes(24).toString('base64url')}`);
  return { keyring: keyringOf(masterKeyHex), adminToken, generatedIn: path.resolve(config.dataDir) };
}

/** Where the admin token was read from or written to, or undefined when ADMIN_TOKEN gives it. */
export function adminTokenFile(config: Pick<Config, 'adminToken' | 'dataDir'>): string | undefined {
  return config.adminToken ? undefined : path.resolve(config.dataDir, ADMIN_TOKEN_FILE);
}

function readOrCreate(dir: string, name: string, create: () => string): string {
  const file = path.join(dir, name);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dir, { recursive: true });
  const value = create();
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}
