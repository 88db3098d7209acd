// Test-only helpers: a local S2 with a basin, spies on the SDK, turns run to their end, raw stream reads.
// (Event sources and SSE reading live in test-sources.ts and test-sse.ts, re-exported here.)
import {
  type AppendInput,
  type AppendSession,
  RangeNotSatisfiableError,
  type ReadRecord,
  S2,
  S2Stream,
  S2Streams,
} from '@s2-dev/streamstore';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import { type LocalS2, startLocalS2 } from '../../local/s2/http/server';
import { localS2ClientConfig, randomBasinName } from '../../local/s2/http/test-support';
import { decodeRecord, parseToken } from './protocol';
import { createResumableChat } from './server';
import { type ControlledSource, controlledSource, messageEvents, paced } from './test-sources';
import type { GenerationEnd, MakeResumableOptions, ResumableChat, ResumableChatConfig } from './types';

export * from './test-sources';
export * from './test-sse';

export interface S2Fixture {
  server: LocalS2;
  s2: S2;
  basin: string;
  /** A chat on the fixture's basin; closed by `close()`. */
  chat(overrides?: Partial<ResumableChatConfig>): ResumableChat;
  /** Every record of a stream, commands included (`[]` for an empty or missing stream). */
  records(streamName: string): Promise<ReadRecord<'string'>[]>;
  /** Each generation's opening seq num and the turn its start record names, in stream order. */
  generations(streamName: string): Promise<Array<{ fromSeqNum: number; turnId: string }>>;
  close(): Promise<void>;
}

export async function startS2(): Promise<S2Fixture> {
  const basin = randomBasinName('rc');
  const server = await startLocalS2({ inMemory: true, ensureBasins: [basin] });
  const s2 = new S2(localS2ClientConfig(server.url));
  const chats: ResumableChat[] = [];
  const records = async (streamName: string): Promise<ReadRecord<'string'>[]> => {
    const stream = s2.basin(basin).stream(streamName);
    try {
      const out: ReadRecord<'string'>[] = [];
      for (;;) {
        const batch = await stream.read({
          start: { from: { seqNum: out.length } },
          stop: { limits: { count: 1000 } },
        });
        out.push(...batch.records);
        if (batch.records.length < 1000) return out;
      }
    } catch (err) {
      if (err instanceof RangeNotSatisfiableError) return [];
      throw err;
    } finally {
      await stream.close();
    }
  };
  return {
    server,
    s2,
    basin,
    chat(overrides = {}) {
      const chat = createResumableChat({
        accessToken: 'local',
        basin,
        endpoints: { account: server.url, basin: server.url },
        ...overrides,
      });
      chats.push(chat);
      return chat;
    },
    records,
    generations: async (streamName) => generationStarts(await records(streamName)),
    async close() {
      await Promise.allSettled(chats.map((chat) => chat.close()));
      await server.close();
    },
  };
}

/**
 * The test file's local S2: started before its first test, closed after its last, with spies restored
 * after each test. Its members are only usable inside tests and hooks.
 */
export function registerS2Fixture(): S2Fixture {
  let fixture: S2Fixture | undefined;
  beforeAll(async () => {
    fixture = await startS2();
  });
  afterAll(async () => {
    await fixture?.close();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const current = (): S2Fixture => {
    if (!fixture) throw new Error('the S2 fixture starts in beforeAll');
    return fixture;
  };
  return {
    get server() {
      return current().server;
    },
    get s2() {
      return current().s2;
    },
    get basin() {
      return current().basin;
    },
    chat: (overrides) => current().chat(overrides),
    records: (streamName) => current().records(streamName),
    generations: (streamName) => current().generations(streamName),
    close: () => current().close(),
  };
}

type Submit = AppendSession['submit'];

/**
 * Every batch submitted on an append session from now on, in order. `intercept`, when given, sends each
 * batch in place of the session (it gets the real `submit`).
 */
export function spySubmits(
  intercept?: (input: AppendInput, submit: Submit) => ReturnType<Submit>,
): AppendInput[] {
  const submitted: AppendInput[] = [];
  const appendSession = S2Stream.prototype.appendSession;
  vi.spyOn(S2Stream.prototype, 'appendSession').mockImplementation(async function (this: S2Stream, ...args) {
    const session = await appendSession.apply(this, args);
    const submit: Submit = session.submit.bind(session);
    session.submit = (input) => {
      submitted.push(input);
      return intercept ? intercept(input, submit) : submit(input);
    };
    return session;
  });
  return submitted;
}

/** Every S2 read session opened from now on; the SDK's sessions are in `mock.results`, in order. */
export function spyReadSessions() {
  return vi.spyOn(S2Stream.prototype, 'readSession');
}

/** Spies on the S2 calls a claim can make: unary reads, appends and tail checks, stream creations, session batches. */
export function spyS2Calls() {
  return {
    reads: vi.spyOn(S2Stream.prototype, 'read'),
    appends: vi.spyOn(S2Stream.prototype, 'append'),
    tails: vi.spyOn(S2Stream.prototype, 'checkTail'),
    creates: vi.spyOn(S2Streams.prototype, 'create'),
    submitted: spySubmits(),
  };
}

function generationStarts(
  records: readonly ReadRecord<'string'>[],
): Array<{ fromSeqNum: number; turnId: string }> {
  const out: Array<{ fromSeqNum: number; turnId: string }> = [];
  for (const record of records.map(decodeRecord)) {
    if (record.kind === 'fence' && parseToken(record.token)?.phase === 'active') {
      out.push({ fromSeqNum: record.seqNum, turnId: '' });
    }
    const last = out.at(-1);
    if (record.kind === 'start' && last) last.turnId = record.turnId;
  }
  return out;
}

let streamCounter = 0;
export function uniqueStream(prefix = 'chat'): string {
  streamCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${streamCounter}`;
}

/** Runs one turn of `texts` to its end (202 delivery): its status, once its persistence has settled. */
export async function finishTurn(
  chat: ResumableChat,
  name: string,
  texts: string[],
  options: MakeResumableOptions = {},
): Promise<number> {
  let persisting: Promise<unknown> = Promise.resolve();
  const response = await chat.makeResumable(name, paced(messageEvents(texts), 0), {
    delivery: 'replay',
    waitUntil: (p) => {
      persisting = p;
    },
    ...options,
  });
  await persisting;
  return response.status;
}

/** A turn on a hand-driven source, started with `delivery: 'replay'`. */
export interface ControlledTurn {
  source: ControlledSource;
  response: Response;
  /** What `onFinish` was called with. */
  ends: GenerationEnd[];
  /** The work handed to `waitUntil`; later turns of a test may add theirs. */
  persisted: Promise<unknown>[];
}

export async function startControlledTurn(chat: ResumableChat, streamName: string): Promise<ControlledTurn> {
  const source = controlledSource();
  const ends: GenerationEnd[] = [];
  const persisted: Promise<unknown>[] = [];
  const response = await chat.makeResumable(streamName, source, {
    delivery: 'replay',
    waitUntil: (p) => void persisted.push(p),
    onFinish: (end) => void ends.push(end),
  });
  return { source, response, ends, persisted };
}
