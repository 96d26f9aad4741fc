// Profiles: where a service is and the keys to sign with, kept in the user's config folder
// ($XDG_CONFIG_HOME/mpesa-bridge/config.json, else ~/.config/…; %APPDATA%\mpesa-bridge on
// Windows), the folder 0700 and the file 0600: it holds secret keys. Environment variables
// override a profile's values (MPESA_BRIDGE_URL, _PUBLIC_KEY, _SECRET_KEY; _PROFILE picks one).
// Written by hand, not with env-paths: its current major is ES-module-only, and it puts the
// folder under ~/Library/Preferences on macOS, where developer CLIs (gh, stripe) use ~/.config.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError, EXIT } from './exit';

export type Mode = 'test' | 'live';

export interface Profile {
  url: string;
  publicKey: string;
  secretKey: string;
  mode: Mode;
  savedAt: string;
}

export interface ConfigFile {
  version: 1;
  defaultProfile?: string;
  profiles: Record<string, Profile>;
}

export const DEFAULT_PROFILE = 'default';
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

export function configDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'mpesa-bridge');
  if (platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'mpesa-bridge');
  return path.join(env.HOME || os.homedir(), '.config', 'mpesa-bridge');
}

export const configFile = (env: NodeJS.ProcessEnv) => path.join(configDir(env), 'config.json');

export function readConfig(env: NodeJS.ProcessEnv): ConfigFile {
  const file = configFile(env);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, profiles: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<ConfigFile>;
    return { version: 1, defaultProfile: parsed.defaultProfile, profiles: parsed.profiles ?? {} };
  } catch {
    throw new CliError(`${file} is not valid JSON`, {
      exit: EXIT.usage,
      code: 'config_unreadable',
      fix: `Fix or delete it, then run \`mpesa-bridge login\` again`,
    });
  }
}

/** Saves atomically (a temporary file renamed over the old one), owner-only from the first byte. */
export function writeConfig(env: NodeJS.ProcessEnv, config: ConfigFile): string {
  const dir = configDir(env);
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  if (process.platform !== 'win32') fs.chmodSync(dir, DIR_MODE);
  const file = path.join(dir, 'config.json');
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: FILE_MODE });
  if (process.platform !== 'win32') fs.chmodSync(temporary, FILE_MODE);
  fs.renameSync(temporary, file);
  return file;
}

export function saveProfile(env: NodeJS.ProcessEnv, name: string, profile: Profile): string {
  const config = readConfig(env);
  config.profiles[name] = profile;
  config.defaultProfile ??= name;
  return writeConfig(env, config);
}

export interface Credentials {
  profile: string;
  url: string;
  publicKey: string;
  secretKey: string;
  mode: Mode;
}

/**
 * A profile whose name says live (`live`, `prod`, `production`, alone or as a part such as
 * `shop-live`) is meant for real money: `login` saves live keys in it, `doctor` fails it on test keys.
 */
export const profileSaysLive = (name: string): boolean =>
  /(^|[-_.\s])(live|prod|production)($|[-_.\s])/i.test(name);

export const modeOfKey = (publicKey: string): Mode | undefined =>
  publicKey.startsWith('pk_live_') ? 'live' : publicKey.startsWith('pk_test_') ? 'test' : undefined;

/** The profile's values with the environment's on top; a usage error when something is missing. */
export function resolveCredentials(env: NodeJS.ProcessEnv, profileOption: string | undefined): Credentials {
  const config = readConfig(env);
  const profile = profileOption ?? env.MPESA_BRIDGE_PROFILE ?? config.defaultProfile ?? DEFAULT_PROFILE;
  const saved = config.profiles[profile];
  if ((profileOption || env.MPESA_BRIDGE_PROFILE) && !saved && !env.MPESA_BRIDGE_SECRET_KEY) {
    throw new CliError(`No profile "${profile}" in ${configFile(env)}`, {
      exit: EXIT.usage,
      code: 'profile_unknown',
      fix: `Create it: mpesa-bridge login --profile ${profile}`,
    });
  }
  const url = env.MPESA_BRIDGE_URL ?? saved?.url;
  const publicKey = env.MPESA_BRIDGE_PUBLIC_KEY ?? saved?.publicKey;
  const secretKey = env.MPESA_BRIDGE_SECRET_KEY ?? saved?.secretKey;
  if (!url || !publicKey || !secretKey) {
    throw new CliError('Not logged in: no service URL and keys to use', {
      exit: EXIT.usage,
      code: 'not_logged_in',
      fix: 'Run `mpesa-bridge login`, or set MPESA_BRIDGE_URL, MPESA_BRIDGE_PUBLIC_KEY and MPESA_BRIDGE_SECRET_KEY',
    });
  }
  return {
    profile,
    url: url.replace(/\/+$/, ''),
    publicKey,
    secretKey,
    mode: modeOfKey(publicKey) ?? saved?.mode ?? 'test',
  };
}
