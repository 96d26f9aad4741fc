// Asking a person at a terminal, and reading a secret piped in: a secret key never has to sit
// in argv (visible to every user in `ps`) or in the shell's history.
import readline from 'node:readline';

export async function ask(
  stdin: NodeJS.ReadStream,
  stderr: NodeJS.WriteStream,
  question: string,
): Promise<string> {
  const rl = readline.createInterface({ input: stdin, output: stderr, terminal: true });
  try {
    return (await new Promise<string>((resolve) => rl.question(question, resolve))).trim();
  } finally {
    rl.close();
  }
}

/** Reads a line without echoing it (raw mode; backspace and Ctrl-C work). */
export function askHidden(
  stdin: NodeJS.ReadStream,
  stderr: NodeJS.WriteStream,
  question: string,
): Promise<string> {
  stderr.write(question);
  return new Promise((resolve, reject) => {
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed.trim());
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

/** Everything piped in, trimmed (e.g. `--secret-key-stdin < sk.txt`). */
export async function readAll(stdin: NodeJS.ReadStream): Promise<string> {
  let text = '';
  stdin.setEncoding('utf8');
  for await (const chunk of stdin) text += String(chunk);
  return text.trim();
}
