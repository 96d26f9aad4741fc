// `keys list | roll`: the key pairs of the profile's project, with the operator's admin token.
// `roll --grace 24h` keeps the old pair working for a day beside the new one, so the merchant's
// servers can move to the new pair without downtime; without --grace the old pair stops at once
// (what to do when a key leaked). The new pair is saved into the profile (the old one will stop)
// and its secret printed once, to be deployed.
import { Option } from 'commander';
import type { Project, RotatedKeys } from '@mpesa-bridge/sdk';
import type { Registrar } from '../main';
import type { Context } from '../context';
import { adminRequest, adminToken } from '../admin';
import { CliError, EXIT } from '../exit';
import { parseDuration } from '../format';
import { readConfig, saveProfile, type Mode } from '../profiles';

interface KeysOptions {
  project?: string;
  adminTokenFile?: string;
}

interface RollOptions extends KeysOptions {
  grace?: number;
  mode?: Mode;
  save: boolean;
}

/** The project named by --project, else the one whose keys the profile holds. */
async function projectOf(context: Context, options: KeysOptions, token: string): Promise<Project> {
  const { url, publicKey } = context.credentials();
  const { data } = await adminRequest<{ data: Project[] }>(url, token, 'GET', '/api/v1/projects');
  const found = options.project
    ? data.find((project) => project.id === options.project)
    : data.find(
        (project) =>
          project.keys.test?.publicKey === publicKey ||
          project.keys.live?.publicKey === publicKey ||
          project.retiringKeys.some((key) => key.publicKey === publicKey),
      );
  if (!found)
    throw new CliError(
      options.project ? `No project ${options.project}` : `No project has the profile's key ${publicKey}`,
      { exit: EXIT.usage, code: 'project_not_found', fix: 'Name it with --project prj_…' },
    );
  return found;
}

export const registerKeys: Registrar = (program, action) => {
  const keys = program
    .command('keys')
    .description('The project’s key pairs: list them, roll one (with a grace period for the old pair)');

  keys
    .command('list')
    .description('The current pair of each mode, and old pairs still in their grace period')
    .option('--project <id>', 'the project (default: the one whose keys the profile holds)')
    .option('--admin-token-file <file>', 'the operator token (or env MPESA_BRIDGE_ADMIN_TOKEN)')
    .addHelpText('after', '\nExample:\n  $ mpesa-bridge keys list --admin-token-file data/admin-token')
    .action(
      action(async (context: Context, options: KeysOptions) => {
        const project = await projectOf(context, options, adminToken(options, context.env, 'keys'));
        const { output } = context;
        if (output.json)
          return output.data({
            projectId: project.id,
            keys: project.keys,
            retiringKeys: project.retiringKeys,
          });
        output.table(
          ['MODE', 'PUBLIC KEY', 'STATE'],
          [
            ...(['test', 'live'] as const).flatMap((mode) => {
              const key = project.keys[mode];
              return key ? [[mode, key.publicKey, output.color.green(`current since ${key.createdAt}`)]] : [];
            }),
            ...project.retiringKeys.map((key) => [
              key.mode,
              key.publicKey,
              output.color.yellow(`stops at ${key.expiresAt}`),
            ]),
          ],
        );
      }),
    );

  keys
    .command('roll')
    .description('Replace a key pair; the old one stops at once, or keeps working for --grace')
    .option(
      '--grace <duration>',
      'how long the old pair keeps working beside the new one (up to 7d)',
      parseDuration,
    )
    .addOption(
      new Option('--mode <mode>', 'which pair (default: the mode of the profile’s key)').choices([
        'test',
        'live',
      ]),
    )
    .option('--project <id>', 'the project (default: the one whose keys the profile holds)')
    .option('--admin-token-file <file>', 'the operator token (or env MPESA_BRIDGE_ADMIN_TOKEN)')
    .option('--no-save', 'do not save the new pair into the profile')
    .addHelpText(
      'after',
      `
Examples:
  $ mpesa-bridge keys roll --grace 24h --admin-token-file data/admin-token   # deploy the new pair within a day
  $ mpesa-bridge keys roll --admin-token-file data/admin-token               # a key leaked: the old pair stops now`,
    )
    .action(
      action(async (context: Context, options: RollOptions) => {
        const credentials = context.credentials();
        const token = adminToken(options, context.env, 'keys roll');
        const project = await projectOf(context, options, token);
        const mode = options.mode ?? credentials.mode;
        const graceSeconds = Math.round((options.grace ?? 0) / 1000);
        const rolled = await adminRequest<RotatedKeys>(
          credentials.url,
          token,
          'POST',
          `/api/v1/projects/${project.id}/keys/rotate`,
          { mode, graceSeconds },
        );
        // The profile follows the pair it signed with: its old pair is about to stop.
        const saved =
          options.save &&
          mode === credentials.mode &&
          readConfig(context.env).profiles[credentials.profile] !== undefined;
        if (saved)
          saveProfile(context.env, credentials.profile, {
            url: credentials.url,
            publicKey: rolled.publicKey,
            secretKey: rolled.secretKey,
            mode,
            savedAt: new Date().toISOString(),
          });
        const { output } = context;
        if (output.json)
          return output.data({
            projectId: project.id,
            mode,
            publicKey: rolled.publicKey,
            secretKey: rolled.secretKey,
            previous: rolled.previous,
            savedToProfile: saved ? credentials.profile : null,
          });
        output.line(`New ${mode} public key: ${output.color.bold(rolled.publicKey)}`);
        output.line(
          `New ${mode} secret key (shown once, deploy it now): ${output.color.bold(rolled.secretKey)}`,
        );
        if (rolled.previous)
          output.line(
            graceSeconds > 0
              ? output.color.yellow(
                  `The old pair ${rolled.previous.publicKey} keeps working until ${rolled.previous.expiresAt}.`,
                )
              : output.color.yellow(`The old pair ${rolled.previous.publicKey} stopped working now.`),
          );
        if (saved) output.line(output.color.dim(`  Saved into profile "${credentials.profile}".`));
      }),
    );
};
