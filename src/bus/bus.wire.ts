// What travels between instances, as text: every message queued in one turn of the event loop
// goes in one payload, `M <sender> [entry, ...]`, so a committed batch is one NOTIFY (or one
// PUBLISH) however many browsers, streams and workers it tells. PostgreSQL refuses a NOTIFY
// payload of 8000 bytes or more: entries are packed into as few payloads as fit, and an entry
// too large for any payload is cut into fragments, `F <sender> <id> <index> <count> <part>`,
// joined again by each receiver. Parts are cut between UTF-8 characters.
import { randomBytes } from 'node:crypto';

/** [topic, body] or, when the sender waits for every instance to have handled it, [topic, body, confirmId]. */
export type Entry = [topic: string, body: unknown] | [topic: string, body: unknown, confirmId: string];

export interface Received {
  from: string;
  entries: Entry[];
}

/** Room left in each payload for a fragment's header (`F`, sender, id, index, count). */
const FRAGMENT_HEADER_BYTES = 64;
/** A fragment set not completed within this long is dropped (its sender died mid-way). */
const FRAGMENT_TTL_MS = 30_000;

/** The payloads that carry `entries` from `sender`, each at most `maxBytes` long (UTF-8). */
export function encode(sender: string, entries: readonly Entry[], maxBytes: number): string[] {
  const payloads: string[] = [];
  const head = `M ${sender} [`;
  let current: string[] = [];
  let size = Buffer.byteLength(head) + 1;
  const close = () => {
    if (current.length > 0) payloads.push(`${head}${current.join(',')}]`);
    current = [];
    size = Buffer.byteLength(head) + 1;
  };
  for (const entry of entries) {
    const text = JSON.stringify(entry);
    const bytes = Buffer.byteLength(text);
    if (Buffer.byteLength(head) + 1 + bytes > maxBytes) {
      close();
      payloads.push(...fragments(sender, `${head}${text}]`, maxBytes));
      continue;
    }
    if (size + bytes + (current.length > 0 ? 1 : 0) > maxBytes) close();
    size += bytes + (current.length > 0 ? 1 : 0);
    current.push(text);
  }
  close();
  return payloads;
}

function fragments(sender: string, payload: string, maxBytes: number): string[] {
  const bytes = Buffer.from(payload, 'utf8');
  const room = maxBytes - FRAGMENT_HEADER_BYTES;
  if (room < 16) throw new Error(`a bus payload of ${maxBytes} bytes has no room for fragments`);
  const parts: string[] = [];
  for (let start = 0; start < bytes.length;) {
    let end = Math.min(start + room, bytes.length);
    // Never between the bytes of one character: continuation bytes are 10xxxxxx.
    while (end < bytes.length && (bytes[end]! & 0xc0) === 0x80) end -= 1;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
  }
  const id = randomBytes(4).toString('hex');
  return parts.map((part, index) => `F ${sender} ${id} ${index} ${parts.length} ${part}`);
}

/** Reads payloads as they arrive; a fragmented one is answered once its last part is in. */
export function createDecoder(now: () => number = Date.now) {
  const partial = new Map<string, { parts: string[]; got: number; startedAt: number }>();

  function parse(payload: string): Received | undefined {
    const match = /^M (\S+) /.exec(payload);
    if (!match) return undefined;
    const entries = JSON.parse(payload.slice(match[0].length)) as unknown;
    if (!Array.isArray(entries)) return undefined;
    return { from: match[1]!, entries: entries.filter(isEntry) };
  }

  return {
    /** The entries of `payload`; undefined for a fragment that is not the last, or text that is not ours. */
    decode(payload: string): Received | undefined {
      if (payload.startsWith('M ')) return parse(payload);
      const match = /^F (\S+) (\S+) (\d+) (\d+) /.exec(payload);
      if (!match) return undefined;
      const [head, sender, id, index, count] = match as unknown as [string, string, string, string, string];
      for (const [key, set] of partial) if (now() - set.startedAt > FRAGMENT_TTL_MS) partial.delete(key);
      const key = `${sender} ${id}`;
      const set = partial.get(key) ?? { parts: new Array<string>(Number(count)), got: 0, startedAt: now() };
      partial.set(key, set);
      if (set.parts[Number(index)] === undefined) set.got += 1;
      set.parts[Number(index)] = payload.slice(head.length);
      if (set.got < set.parts.length) return undefined;
      partial.delete(key);
      return parse(set.parts.join(''));
    },
    /** Forgets half-received payloads (after the connection was lost, their rest never comes). */
    reset: () => partial.clear(),
  };
}

function isEntry(value: unknown): value is Entry {
  return (
    Array.isArray(value) &&
    typeof value[0] === 'string' &&
    (value.length === 2 || (value.length === 3 && typeof value[2] === 'string'))
  );
}
