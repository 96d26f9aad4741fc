// Everything the CLI writes. Data goes to stdout (a table, lines, or one JSON document with
// --json); progress, notes and errors go to stderr, so a pipe gets only the data. Colours and
// spinners only on a terminal, never with NO_COLOR or TERM=dumb (FORCE_COLOR forces colours).
import Table from 'cli-table3';
import { createSpinner } from 'nanospinner';
import picocolors from 'picocolors';
import type { CliError } from './exit';

export type Colors = ReturnType<typeof picocolors.createColors>;

export interface Spinner {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  stop(): void;
}

export interface OutputStreams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

export type Output = ReturnType<typeof createOutput>;

export function createOutput({ stdout, stderr, env }: OutputStreams, json: boolean) {
  const wantsColor = (stream: NodeJS.WriteStream) => {
    if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
    if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
    return stream.isTTY === true && env.TERM !== 'dumb';
  };
  const color = picocolors.createColors(!json && wantsColor(stdout));
  const errColor = picocolors.createColors(wantsColor(stderr));
  const interactive = stdout.isTTY === true;
  // nanospinner decides to animate from stdout (and CI), and divides by the terminal's width: a
  // pty that reports 0 columns would make it loop on clearing lines. Animate only when all agree.
  const animated =
    !json &&
    interactive &&
    stderr.isTTY === true &&
    (stderr.columns ?? 0) > 0 &&
    env.TERM !== 'dumb' &&
    env.CI === undefined;

  return {
    json,
    color,
    /** stdout is a terminal (a person reads it), not a pipe or a file. */
    interactive,
    line(text = ''): void {
      stdout.write(`${text}\n`);
    },
    /** Progress and remarks for the person at the terminal: stderr, so pipes keep only data. */
    note(text: string): void {
      if (!json) stderr.write(`${text}\n`);
    },
    /** The one JSON document of a --json run. */
    data(value: unknown): void {
      stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    /** One JSON object per line, for streams (listen, tail) with --json. */
    record(value: unknown): void {
      stdout.write(`${JSON.stringify(value)}\n`);
    },
    /** Aligned columns on a terminal; tab-separated values without a header row in a pipe. */
    table(head: string[], rows: string[][]): void {
      if (!interactive) {
        for (const row of rows) stdout.write(`${row.join('\t')}\n`);
        return;
      }
      const table = new Table({
        head: head.map((title) => color.bold(title)),
        chars: {
          top: '',
          'top-mid': '',
          'top-left': '',
          'top-right': '',
          bottom: '',
          'bottom-mid': '',
          'bottom-left': '',
          'bottom-right': '',
          left: '',
          'left-mid': '',
          mid: '',
          'mid-mid': '',
          right: '',
          'right-mid': '',
          middle: '  ',
        },
        style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
      });
      table.push(...rows);
      stdout.write(`${table.toString()}\n`);
    },
    spinner(text: string): Spinner {
      if (!animated) {
        stderr.write(json ? '' : `${text}\n`);
        return {
          update: () => undefined,
          succeed: () => undefined,
          fail: () => undefined,
          stop: () => undefined,
        };
      }
      const spinner = createSpinner(text, { stream: stderr }).start();
      return {
        update: (next) => void spinner.update({ text: next }),
        succeed: (done) => void spinner.success({ text: done }),
        fail: (done) => void spinner.error({ text: done }),
        stop: () => void spinner.clear(),
      };
    },
    error(error: CliError): void {
      if (json) {
        const body = {
          error: {
            code: error.code ?? 'cli_error',
            message: error.message,
            requestId: error.requestId ?? null,
            status: error.status ?? null,
            ...(error.fix ? { fix: error.fix } : {}),
            ...(error.details ? { details: error.details } : {}),
          },
        };
        stderr.write(`${JSON.stringify(body)}\n`);
        return;
      }
      const facts = [
        error.code && `code ${error.code}`,
        error.status && `HTTP ${error.status}`,
        error.requestId && `request ${error.requestId}`,
      ]
        .filter(Boolean)
        .join(', ');
      stderr.write(`${errColor.red('Error:')} ${error.message}${facts ? errColor.dim(` (${facts})`) : ''}\n`);
      if (error.fix) stderr.write(`${errColor.dim('  fix:')} ${error.fix}\n`);
    },
  };
}
