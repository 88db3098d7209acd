// Test helpers: SDK client options aimed at a local S2, and a started server with a fresh basin per test file.
import { randomBytes } from 'node:crypto';
import { S2, type S2Basin, type S2ClientOptions, type S2Stream } from '@s2-dev/streamstore';
import { type LocalS2, type LocalS2Options, startLocalS2 } from './server';

/** `new S2(localS2ClientConfig(url))` talks to the local S2 at `url` for both account and basin calls. */
export function localS2ClientConfig(url: string): S2ClientOptions {
  return {
    accessToken: 'local',
    endpoints: { account: url, basin: url },
  } satisfies S2ClientOptions;
}

/** A random valid basin name (8–48 of `[a-z0-9-]`). */
export function randomBasinName(prefix = 'test'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export interface LocalS2Fixture {
  server: LocalS2;
  s2: S2;
  basin: S2Basin;
  basinName: string;
  /** `basin.stream(name, options)`, closed by `close()` (SDK streams hold HTTP/2 sessions open). */
  stream(name: string, options?: Parameters<S2Basin['stream']>[1]): S2Stream;
  /** Closes every stream handed out, then the server. */
  close(): Promise<void>;
}

/** Starts a local S2 (in memory unless `dataDir` is given) and creates one basin in it. */
export async function startLocalS2Fixture(
  options: LocalS2Options & {
    basinConfig?: { createStreamOnAppend?: boolean; createStreamOnRead?: boolean };
  } = {},
): Promise<LocalS2Fixture> {
  const { basinConfig, ...serverOptions } = options;
  const server = await startLocalS2(serverOptions);
  const s2 = new S2(localS2ClientConfig(server.url));
  const basinName = randomBasinName();
  await s2.basins.create({ basin: basinName, config: basinConfig });
  const basin = s2.basin(basinName);
  const streams: S2Stream[] = [];
  return {
    server,
    s2,
    basin,
    basinName,
    stream(name, streamOptions) {
      const stream = basin.stream(name, streamOptions);
      streams.push(stream);
      return stream;
    },
    async close() {
      await Promise.allSettled(streams.map((stream) => stream.close()));
      await server.close();
    },
  };
}
