// What every command gets: its output, the environment, and (lazily, so `login` and `--help`
// need no keys) the credentials and an SDK client signing with them.
import { createClient, type MpesaBridgeClient } from '@mpesa-bridge/sdk';
import { createOutput, type Output } from './output';
import { resolveCredentials, type Credentials } from './profiles';

export interface GlobalOptions {
  json?: boolean;
  profile?: string;
}

export interface Context {
  output: Output;
  env: NodeJS.ProcessEnv;
  profileOption: string | undefined;
  credentials(): Credentials;
  client(): MpesaBridgeClient;
}

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

export function createContext(io: Io, options: GlobalOptions): Context {
  const output = createOutput(io, options.json === true);
  let credentials: Credentials | undefined;
  let client: MpesaBridgeClient | undefined;
  const resolve = () => (credentials ??= resolveCredentials(io.env, options.profile));
  return {
    output,
    env: io.env,
    profileOption: options.profile,
    credentials: resolve,
    client() {
      const { url, publicKey, secretKey } = resolve();
      return (client ??= createClient({ baseUrl: url, publicKey, secretKey }));
    },
  };
}
