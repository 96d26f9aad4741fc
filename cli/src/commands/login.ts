// `login`: saves a profile (service URL, keys, mode) after checking the keys with one signed
// call. The secret key comes from a hidden prompt, from stdin, or from the environment; it is
// never printed. `--new-project` creates a project first with the operator's admin token
// (a fresh `npm start` or `npm run demo`: data/admin-token, data/demo/admin-token), and saves
// the deployment's own mode's keys (the service says which: live on a production deployment)
// unless --mode or a profile named live says otherwise.
import { createClient } from '@mpesa-bridge/sdk';
import { Option } from 'commander';
import type { Registrar } from '../main';
import { CliError, EXIT } from '../exit';
import { DEFAULT_PROFILE, modeOfKey, profileSaysLive, readConfig, saveProfile, type Mode } from '../profiles';
import { ask, askHidden, readAll } from '../prompt';
import type { Context } from '../context';
import { adminToken } from '../admin';

interface LoginOptions {
  url?: string;
  publicKey?: string;
  secretKey?: string;
  secretKeyStdin?: boolean;
  newProject?: string;
  adminTokenFile?: string;
  mode?: Mode;
}

const MODE_MEANING: Record<Mode, string> = {
  live: 'live mode: real money, through production accounts',
  test: 'test mode: simulator and sandbox accounts, no real money',
};

const DEFAULT_URL = 'http://localhost:3000';

export const registerLogin: Registrar = (program, action) => {
  program
    .command('login')
    .description('Save a profile: the service URL and a project’s keys (checked with a signed call first)')
    .option('--url <url>', `where mpesa-bridge runs (default ${DEFAULT_URL}; env MPESA_BRIDGE_URL)`)
    .option('--public-key <pk>', 'the project’s public key, pk_test_… or pk_live_…')
    .option(
      '--secret-key <sk>',
      'the secret key (prefer --secret-key-stdin or the prompt: argv is visible to other users)',
    )
    .option('--secret-key-stdin', 'read the secret key from standard input')
    .option('--new-project <name>', 'create a project with the admin token and log in with its keys')
    .option(
      '--admin-token-file <file>',
      'the operator token for --new-project (or env MPESA_BRIDGE_ADMIN_TOKEN)',
    )
    .addOption(
      new Option(
        '--mode <mode>',
        'which key pair of a new project to save (default: the deployment’s own mode, live on a production deployment; live for a profile named live)',
      ).choices(['test', 'live']),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ mpesa-bridge login                                     # asks for the URL and keys
  $ mpesa-bridge login --url https://pay.example.com --public-key pk_live_… --secret-key-stdin --profile live < sk_live.txt
  $ mpesa-bridge login --new-project "My shop" --admin-token-file data/admin-token
  $ mpesa-bridge login --url https://pay.example.com --new-project "My shop" --profile live   # live keys of a production deployment

The profile is saved in $XDG_CONFIG_HOME/mpesa-bridge/config.json (else ~/.config/mpesa-bridge/;
%APPDATA%\\mpesa-bridge on Windows), readable by you only. MPESA_BRIDGE_URL, MPESA_BRIDGE_PUBLIC_KEY
and MPESA_BRIDGE_SECRET_KEY override it.`,
    )
    .action(action(async (context: Context, options: LoginOptions) => login(context, options)));
};

async function login(context: Context, options: LoginOptions) {
  const { output, env } = context;
  const io = { stdin: process.stdin, stderr: process.stderr };
  const profile =
    context.profileOption ?? env.MPESA_BRIDGE_PROFILE ?? readConfig(env).defaultProfile ?? DEFAULT_PROFILE;
  const prompting = io.stdin.isTTY === true && !options.secretKeyStdin;

  let url = options.url ?? env.MPESA_BRIDGE_URL;
  if (!url && prompting && !options.newProject)
    url = (await ask(io.stdin, io.stderr, `Service URL (${DEFAULT_URL}): `)) || undefined;
  url = (url ?? DEFAULT_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(url))
    throw new CliError(`--url must be an http:// or https:// URL, not ${url}`, {
      exit: EXIT.usage,
      code: 'usage',
    });

  let publicKey = options.publicKey ?? env.MPESA_BRIDGE_PUBLIC_KEY;
  let secretKey = options.secretKey ?? env.MPESA_BRIDGE_SECRET_KEY;
  let projectId: string | undefined;
  let deploymentMode: Mode | undefined;
  if (options.newProject) {
    const created = await createProject(url, options.newProject, adminToken(options, env, '--new-project'));
    deploymentMode = created.deploymentMode;
    const chosen = options.mode ?? (profileSaysLive(profile) ? 'live' : deploymentMode);
    ({ projectId } = created);
    ({ publicKey, secretKey } = created.keys[chosen]);
  } else {
    if (options.secretKeyStdin) secretKey = await readAll(io.stdin);
    if (!publicKey && prompting)
      publicKey = await ask(io.stdin, io.stderr, 'Public key (pk_test_… or pk_live_…): ');
    if (!secretKey && prompting) secretKey = await askHidden(io.stdin, io.stderr, 'Secret key (not shown): ');
  }
  if (!publicKey || !secretKey) {
    throw new CliError('login needs a public key and a secret key', {
      exit: EXIT.usage,
      code: 'usage',
      fix: 'Pass --public-key and --secret-key-stdin (or run it in a terminal to be asked)',
    });
  }
  const mode = modeOfKey(publicKey);
  if (!mode)
    throw new CliError('The public key must start with pk_test_ or pk_live_', {
      exit: EXIT.usage,
      code: 'usage',
    });
  if (!secretKey.startsWith(`sk_${mode}_`))
    throw new CliError(`A ${mode} public key goes with a sk_${mode}_… secret key`, {
      exit: EXIT.usage,
      code: 'usage',
    });

  // One cheap signed read: proves the URL, the pair and the clock before anything is saved.
  await createClient({ baseUrl: url, publicKey, secretKey, maxRetries: 0 }).transactions.list({ limit: 1 });
  const file = saveProfile(env, profile, {
    url,
    publicKey,
    secretKey,
    mode,
    savedAt: new Date().toISOString(),
  });

  const warnings: string[] = [];
  if (deploymentMode && mode !== deploymentMode)
    warnings.push(
      `This deployment’s own mode is ${deploymentMode}${deploymentMode === 'live' ? ' (MPESA_ENVIRONMENT=production)' : ''}; the ${mode} keys were saved because ${options.mode ? '--mode' : 'the profile’s name'} asked for them.`,
    );
  if (profileSaysLive(profile) && mode === 'test')
    warnings.push(
      `Profile "${profile}" is named for live use but holds test keys: \`mpesa-bridge doctor --profile ${profile}\` fails until it holds live ones.`,
    );

  if (output.json) {
    output.data({
      profile,
      url,
      publicKey,
      mode,
      configFile: file,
      ...(projectId ? { projectId } : {}),
      ...(deploymentMode ? { deploymentMode } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    });
    return;
  }
  const { color } = output;
  if (projectId)
    output.line(
      `Created project ${color.bold(projectId)} "${options.newProject}" on a ${deploymentMode === 'live' ? 'production deployment (its own mode: live)' : 'simulator or sandbox deployment (its own mode: test)'}.`,
    );
  output.line(
    `${color.green('✔')} Logged in to ${color.bold(url)} with the ${color.bold(mode)} keys, ${publicKey} (${MODE_MEANING[mode]}), as profile "${profile}".`,
  );
  output.line(color.dim(`  Saved in ${file} (readable by you only). The secret key is not shown again.`));
  for (const warning of warnings) output.note(color.yellow(`! ${warning}`));
}

async function createProject(url: string, name: string, token: string) {
  let response: Response;
  try {
    response = await fetch(`${url}/api/v1/projects`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: JSON.stringify({ name }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CliError(`Could not reach ${url}: ${(error as Error).message}`, {
      exit: EXIT.service,
      code: 'network_error',
      fix: 'Is the service running there? (npm start)',
    });
  }
  const body = (await response.json().catch(() => undefined)) as
    | {
        project?: { id: string; publicKey?: string | null; keys?: Record<Mode, { publicKey: string }> };
        secretKeys?: Record<Mode, string>;
        error?: { code: string; message: string; requestId?: string };
      }
    | undefined;
  if (!response.ok || !body?.project?.keys || !body.secretKeys) {
    throw new CliError(body?.error?.message ?? `HTTP ${response.status} from ${url}/api/v1/projects`, {
      exit: EXIT.service,
      code: body?.error?.code ?? 'unexpected_response',
      requestId: body?.error?.requestId ?? response.headers.get('x-request-id') ?? undefined,
      status: response.status,
    });
  }
  const { keys } = body.project;
  const secretKeys = body.secretKeys;
  return {
    projectId: body.project.id,
    // The service answers with its own mode's public key first (project.publicKey): live on a
    // production deployment, test on a simulator or sandbox one.
    deploymentMode: modeOfKey(body.project.publicKey ?? '') ?? 'test',
    keys: {
      test: { publicKey: keys.test.publicKey, secretKey: secretKeys.test },
      live: { publicKey: keys.live.publicKey, secretKey: secretKeys.live },
    } satisfies Record<Mode, { publicKey: string; secretKey: string }>,
  };
}
