// Seeded random API requests for the fuzz run: a valid request of a random route, then random mutations.
import type { RawRequest } from './raw-http';

/** A deterministic PRNG (mulberry32): the same seed always yields the same requests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface FuzzTargets {
  /** Chats the identity owns, so that some requests reach real data. */
  chatIds: string[];
  /** `rc_owner=<value>` of the identity. */
  cookie: string;
  /** The app's own origin, e.g. http://127.0.0.1:3100. */
  origin: string;
}

export interface FuzzRequest {
  request: RawRequest;
  /** What was done to the valid request, for the failure report. */
  mutations: string[];
}

interface Draft {
  method: string;
  segments: string[];
  query: [string, string][];
  headers: Record<string, string>;
  json: Record<string, unknown> | undefined;
  body: string | Uint8Array | undefined;
}

const PIECES = [
  ...'aZ7-_ /%?#&=+.,;:"\'\\<>{}[]@~',
  'é',
  'ß',
  '中',
  '😀',
  '👨‍👩‍👧',
  '\u200b',
  '\u200d',
  '\u200f',
  '\u202e',
  '\ufeff',
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\n',
  '\r',
  '\t',
  '\ud800',
  '\udfff',
  '\uffff',
];
const PLAIN = [...'abcXYZ0189-_'];
/** Node refuses request heads over 16 KB (431, before the app); stay below so the app itself is tested. */
const MAX_PATH_LENGTH = 12_000;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  'text/event-stream',
  '',
];
const FIELD_NAMES = [
  'id',
  'message',
  'turnId',
  'stream',
  'streamName',
  'admin',
  '__proto__',
  'constructor',
  '',
];
const QUERY_NAMES = ['id', 'from', 'live', 'stream', 'cursor', 'id[]', '__proto__', ''];
const ODD_HEADERS: [string, string][] = [
  ['accept', 'text/event-stream'],
  ['accept', 'application/xml'],
  ['last-event-id', '-1'],
  ['last-event-id', '99999999999999999999'],
  ['range', 'bytes=0-1'],
  ['if-none-match', '*'],
  ['x-forwarded-host', 'evil.example'],
  ['x-forwarded-proto', 'https'],
  ['content-encoding', 'gzip'],
  ['accept-encoding', 'br, gzip'],
];

class Dice {
  constructor(private readonly random: () => number) {}
  int(below: number): number {
    return Math.floor(this.random() * below);
  }
  chance(probability: number): boolean {
    return this.random() < probability;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** Short strings mostly, sometimes at the id limit, now and then large. */
  text(): string {
    const size = this.pick([0, 1, 3, 8, 16, 64, 65, 300, 5_000]);
    let text = '';
    for (let i = 0; i < size; i++) text += this.chance(0.6) ? this.pick(PLAIN) : this.pick(PIECES);
    return text;
  }
  jsonValue(): unknown {
    return this.pick<() => unknown>([
      () => null,
      () => true,
      () => 0,
      () => -1,
      () => 1e308,
      () => 1.5,
      () => '',
      () => this.text(),
      () => [],
      () => [this.text()],
      () => ({ nested: this.text() }),
      () => 'x'.repeat(33_000),
    ])();
  }
}

/** UTF-8 percent-encoding that also writes lone surrogates (as the invalid bytes a sloppy client would send). */
export function percentEncodeLoosely(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const bytes =
      code < 0x80
        ? [code]
        : code < 0x800
          ? [0xc0 | (code >> 6), 0x80 | (code & 63)]
          : code < 0x10000
            ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63)]
            : [
                0xf0 | (code >> 18),
                0x80 | ((code >> 12) & 63),
                0x80 | ((code >> 6) & 63),
                0x80 | (code & 63),
              ];
    for (const byte of bytes) {
      const plain = String.fromCharCode(byte);
      // '.' is escaped too, so that no segment becomes "." or ".." and gets normalised away.
      out += /^[A-Za-z0-9_~-]$/.test(plain) ? plain : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

function validDraft(dice: Dice, targets: FuzzTargets): Draft {
  const anyId = () => (dice.chance(0.6) ? dice.pick(targets.chatIds) : `fuzz-${dice.int(1e9).toString(36)}`);
  const json = (method: string, segments: string[], body: Record<string, unknown>): Draft => ({
    method,
    segments,
    query: [],
    headers: { 'content-type': 'application/json' },
    json: body,
    body: undefined,
  });
  const bare = (method: string, segments: string[], query: [string, string][] = []): Draft => ({
    method,
    segments,
    query,
    headers: {},
    json: undefined,
    body: undefined,
  });
  switch (dice.int(6)) {
    case 0:
      return json('POST', ['chat'], {
        id: anyId(),
        message: dice.pick(['hi', '/demo error', dice.text() || 'x']),
        ...(dice.chance(0.3) ? { turnId: `turn-${dice.int(4)}` } : {}),
      });
    case 1: {
      const query: [string, string][] = [['id', anyId()]];
      if (dice.chance(0.6)) query.push(['from', String(dice.int(400))]);
      if (dice.chance(0.4)) query.push(['live', dice.pick(['0', '1', 'true', 'false'])]);
      return bare('GET', ['chat', 'stream'], query);
    }
    case 2:
      return json('POST', ['chat', 'stop'], { id: anyId() });
    case 3:
      return bare('GET', ['chats']);
    case 4:
      return bare('GET', ['chats', anyId()]);
    default:
      // Rarely the identity's own chat: deleting it early would leave the rest of the run without real data.
      return bare('DELETE', [
        'chats',
        dice.chance(0.03) ? dice.pick(targets.chatIds) : `fuzz-${dice.int(1e9)}`,
      ]);
  }
}

function mutateBodyText(dice: Dice, text: string): string | Uint8Array {
  const at = dice.int(text.length + 1);
  return dice.pick<() => string | Uint8Array>([
    () => text.slice(0, at),
    () => `${text.slice(0, at)}${dice.pick(PIECES)}${text.slice(at)}`,
    () => `${text.slice(0, at)}${text.slice(at + 1)}`,
    () => text + text,
    () => `[${text}]`,
    () => `\ufeff${text}`,
    () => Buffer.from(Array.from({ length: 1 + dice.int(64) }, () => dice.int(256))),
    () => dice.pick(['', 'null', '[]', '{}', 'true', '1', '"x"', '{"id":', `${'['.repeat(5_000)}`]),
  ])();
}

/** Applies one random mutation to the draft and names it. */
function mutate(dice: Dice, draft: Draft, targets: FuzzTargets): string {
  const kind = dice.int(9);
  switch (kind) {
    case 0:
      draft.method = dice.pick(METHODS);
      return `method ${draft.method}`;
    case 1: {
      const at = dice.int(draft.segments.length + 1);
      const segment = percentEncodeLoosely(dice.text()) || '%20';
      const raw = dice.chance(0.2) ? dice.pick(['%', '%Z1', '%E2%80', '%FF', '%C0%AF']) : '';
      draft.segments.splice(at, at === draft.segments.length ? 0 : 1, segment + raw);
      return `path segment ${at} = ${(segment + raw).slice(0, 60)}`;
    }
    case 2: {
      const name = dice.chance(0.7) ? dice.pick(QUERY_NAMES) : dice.text();
      const value = dice.chance(0.5) ? dice.pick(['-1', 'abc', '1e99', '', '0x10', '1.5']) : dice.text();
      if (dice.chance(0.3) && draft.query.length > 0) draft.query.splice(dice.int(draft.query.length), 1);
      else draft.query.push([name, value]);
      return `query ${name.slice(0, 20)}=${value.slice(0, 20)}`;
    }
    case 3: {
      const type = dice.pick(CONTENT_TYPES);
      if (type === '') delete draft.headers['content-type'];
      else draft.headers['content-type'] = type;
      return `content-type "${type}"`;
    }
    case 4:
      draft.headers.origin = dice.pick([
        targets.origin,
        'https://evil.example',
        'null',
        'http://127.0.0.1',
        'x',
      ]);
      return `origin ${draft.headers.origin}`;
    case 5: {
      const value = targets.cookie.slice('rc_owner='.length);
      const flipped = `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
      draft.headers.cookie = dice.pick([
        `rc_owner=${flipped}`,
        'rc_owner=',
        'rc_owner=a.b',
        `rc_owner=x; ${targets.cookie}`,
        'other=1',
      ]);
      return `cookie ${draft.headers.cookie.slice(0, 40)}`;
    }
    case 6: {
      const [name, value] = dice.pick(ODD_HEADERS);
      draft.headers[name] = value;
      return `header ${name}: ${value}`;
    }
    case 7: {
      const json = draft.json ?? {};
      const key = dice.pick(FIELD_NAMES);
      if (dice.chance(0.3)) delete json[key];
      else json[key] = dice.jsonValue();
      draft.json = json;
      draft.headers['content-type'] ??= 'application/json';
      return `field ${key || '""'}`;
    }
    default: {
      draft.body = mutateBodyText(dice, draft.json ? JSON.stringify(draft.json) : '');
      draft.json = undefined;
      return 'body bytes';
    }
  }
}

function toRequest(draft: Draft, targets: FuzzTargets): RawRequest {
  const query = draft.query
    .map(([name, value]) => `${percentEncodeLoosely(name)}=${percentEncodeLoosely(value)}`)
    .join('&');
  const body = draft.json ? JSON.stringify(draft.json) : draft.body;
  return {
    method: draft.method,
    path: `/api/${draft.segments.join('/')}${query ? `?${query}` : ''}`.slice(0, MAX_PATH_LENGTH),
    headers: { cookie: targets.cookie, ...draft.headers },
    body: draft.method === 'GET' || draft.method === 'HEAD' ? undefined : body,
  };
}

/** `count` requests from `seed`: the same seed and targets always give the same list. */
export function fuzzRequests(seed: number, count: number, targets: FuzzTargets): FuzzRequest[] {
  const dice = new Dice(seededRandom(seed));
  return Array.from({ length: count }, () => {
    const draft = validDraft(dice, targets);
    const mutations = Array.from({ length: dice.int(4) }, () => mutate(dice, draft, targets));
    return { request: toRequest(draft, targets), mutations };
  });
}
