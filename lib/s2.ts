// The one configured resumable chat: lib/resumable on S2 (cloud, S2 Lite, or local/s2), from the environment.
import 'server-only';
import { S2, S2Error, type S2Streams } from '@s2-dev/streamstore';
import { env } from './env';
import { createResumableChat, type ResumableChat } from './resumable';

const globalForChat = globalThis as typeof globalThis & {
  __resumableChat?: ResumableChat;
  __chatStreams?: S2Streams;
};

function connection() {
  const config = env();
  const endpoints =
    config.S2_ACCOUNT_ENDPOINT || config.S2_BASIN_ENDPOINT
      ? { account: config.S2_ACCOUNT_ENDPOINT, basin: config.S2_BASIN_ENDPOINT }
      : undefined;
  // local/s2 (started when the token is unset) accepts any token; the SDK requires one.
  return { accessToken: config.S2_ACCESS_TOKEN ?? 'local', basin: config.S2_BASIN, endpoints };
}

function configure(): ResumableChat {
  const config = env();
  return createResumableChat({
    ...connection(),
    mode: config.S2_CHAT_MODE,
    batchSize: config.S2_BATCH_SIZE,
    lingerDuration: config.S2_LINGER_DURATION_MS,
  });
}

/** Kept on globalThis so dev hot reloads reuse one S2 client instead of leaking HTTP/2 sessions. */
globalForChat.__resumableChat ??= configure();
export const chat: ResumableChat = globalForChat.__resumableChat;

/** Each chat is one S2 stream; the name is derived here, on the server only. */
export function streamNameFor(chatId: string): string {
  return `chat-${chatId}`;
}

function chatStreams(): S2Streams {
  if (globalForChat.__chatStreams) return globalForChat.__chatStreams;
  const { accessToken, basin, endpoints } = connection();
  globalForChat.__chatStreams = new S2({ accessToken, endpoints }).basin(basin).streams;
  return globalForChat.__chatStreams;
}

/** Deletes a chat's S2 stream with every record in it; a stream already gone (or going) counts as deleted. */
export async function deleteChatStream(chatId: string): Promise<void> {
  try {
    await chatStreams().delete({ stream: streamNameFor(chatId) });
  } catch (err) {
    const gone =
      err instanceof S2Error && ['stream_not_found', 'stream_deletion_pending'].includes(err.code ?? '');
    if (!gone) throw err;
  }
}
