// `npx tsx bench/experiments/release-hang.ts [rounds]`: does closing S2 handles ever hang?
// Each round: a paced turn on a session chat, a live subscriber that drops and resumes five times, then the
// upstream is aborted. Handles close as their requests end (`connectionIdleMs: 0`), so each round's last
// close also closes the SDK's pooled HTTP/2 connection gracefully, which waits for every stream on it.
// Local S2 used to leave a read session's stream open when the client reset it with writes pending, and
// that close then waited forever (given up after 5 s). Counts late persisting promises (none may wait on a
// close) and closes that were given up on.
import Anthropic from '@anthropic-ai/sdk';
import { createResumableChat } from '../../lib/resumable/server';
import { startLocalAnthropic } from '../../local/anthropic/index';
import { startLocalS2 } from '../../local/s2/http/server';

const ROUNDS = Number(process.argv[2] ?? 30);
const SETTLE_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readSomeFrames(response: Response, frames: number): Promise<number | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return undefined;
  const decoder = new TextDecoder();
  let text = '';
  let last: number | undefined;
  for (let seen = 0; seen < frames; ) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    const ids = [...text.matchAll(/^id: (\d+)$/gm)];
    seen = ids.length;
    last = Number(ids.at(-1)?.[1] ?? last);
  }
  await reader.cancel();
  return last;
}

async function main(): Promise<void> {
  const basin = 'release-hang';
  const s2 = await startLocalS2({ inMemory: true, ensureBasins: [basin] });
  const model = await startLocalAnthropic({ tokensPerSec: 50 });
  const client = new Anthropic({ apiKey: 'local', baseURL: model.url, maxRetries: 0 });
  const chat = createResumableChat({
    accessToken: 'local',
    basin,
    endpoints: { account: s2.url, basin: s2.url },
    mode: 'session',
    connectionIdleMs: 0,
    logger: {
      warn: (message: unknown) => {
        if (String(message).includes('closing an S2 stream handle took over')) givenUp++;
      },
      error: console.error,
    },
  });
  let givenUp = 0;
  let hung = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const stream = `chat-hang-${round}`;
    const upstream = new AbortController();
    let persisting: Promise<unknown> = Promise.resolve();
    await chat.makeResumable(
      stream,
      () =>
        client.messages.stream(
          { model: 'm', max_tokens: 300, messages: [{ role: 'user', content: '/demo long' }] },
          { signal: upstream.signal },
        ),
      { delivery: 'replay', waitUntil: (p) => (persisting = p) },
    );
    let from = 0;
    for (let drop = 0; drop < 5; drop++) {
      const subscriber = new AbortController();
      const response = await chat.replay(stream, { fromSeqNum: from, live: true, signal: subscriber.signal });
      from = (await readSomeFrames(response, 3)) ?? from;
      subscriber.abort();
      await sleep(100);
    }
    upstream.abort();
    const outcome = await Promise.race([
      persisting.then(() => 'settled'),
      sleep(SETTLE_MS).then(() => 'hung'),
    ]);
    if (outcome === 'hung') hung++;
    console.log(`round ${round}: ${outcome}`);
  }
  console.log(`${hung} of ${ROUNDS} generations never finished persisting (waited ${SETTLE_MS} ms each)`);
  await chat.close();
  console.log(`${givenUp} handle closes were given up on after 5 s`);
  await model.close();
  await s2.close();
  process.exit(hung === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
