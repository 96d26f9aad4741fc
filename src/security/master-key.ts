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
const MASTER_KEY_FILE = 'master.key';
/** As MASTER_KEY must be (config.ts): 32 bytes in hex. */
const MASTER_KEY_HEX = /^[0-9a-fA-F]{64}$/;

export interface ServiceSecrets {
  /** MASTER_KEY (the newest) and MASTER_KEY_PREVIOUS. */
  keyring: Keyring;
  adminToken: string;
  /** Where the newest master key came from, as an operator would name it: MASTER_KEY or the file. */
  masterKeyFrom: string;
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
    return {
      keyring: keyringOf(config.masterKeyHex),
      adminToken: config.adminToken,
      masterKeyFrom: 'MASTER_KEY',
    };
  }
  // config.ts guarantees both are present outside simulator mode.
  const keyFile = path.resolve(config.dataDir, MASTER_KEY_FILE);
  const masterKeyHex =
    config.masterKeyHex ??
    readOrCreate(config.dataDir, MASTER_KEY_FILE, () => randomBytes(32).toString('hex'));
  // The file is read as it is: an empty or cut one (a full disk, a bad copy) must not become
  // the key, or every secret sealed since is sealed with a key nobody has.
  if (!MASTER_KEY_HEX.test(masterKeyHex))
    throw new Error(
      `${keyFile} must hold the master key as 64 hex characters, and it is ${masterKeyHex === '' ? 'empty' : 'malformed'}; restore it from a backup, or set MASTER_KEY (deleting the file makes a new key that opens none of the stored secrets)`,
    );
  const adminToken =
    config.adminToken ??
    readOrCreate(config.dataDir, ADMIN_TOKEN_FILE, () => `adm_${randomBytes(24).toString('base64url')}`);
  return {
    keyring: keyringOf(masterKeyHex),
    adminToken,
    masterKeyFrom: config.masterKeyHex ? 'MASTER_KEY' : keyFile,
    generatedIn: path.resolve(config.dataDir),
  };
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
