// The one configured resumable chat: lib/resumable on S2 (cloud, S2 Lite, or local/s2), from the environment.
import 'server-only';
import { env } from './env';
import { createResumableChat, type ResumableChat } from './resumable';

const globalForChat = globalThis as typeof globalThis & { __resumableChat?: ResumableChat };

function configure(): ResumableChat {
  const config = env();
  const endpoints =
    config.S2_ACCOUNT_ENDPOINT || config.S2_BASIN_ENDPOINT
      ? { account: config.S2_ACCOUNT_ENDPOINT, basin: config.S2_BASIN_ENDPOINT }
      : undefined;
  return createResumableChat({
    // local/s2 (started when the token is unset) accepts any token; the SDK requires one.
    accessToken: config.S2_ACCESS_TOKEN ?? 'local',
    basin: config.S2_BASIN,
    endpoints,
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
