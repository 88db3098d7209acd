// A request's view of one stream: its S2 handle, opened on first use, and the instance's shared parts.
import type { S2Stream } from '@s2-dev/streamstore';
import type { ResolvedConfig } from './config';
import type { StreamHandles } from './handles';
import type { HubRegistry } from './hub-registry';
import type { OpenResponses } from './open-responses';
import type { ResumableMode } from './types';

/** What every request of one `createResumableChat` instance shares. */
export interface InstanceParts {
  handles: StreamHandles;
  /** The instance's per-stream hubs, shared by every reader in this process. */
  hubs: HubRegistry;
  mode: ResumableMode;
  config: ResolvedConfig;
  /** The instance's open SSE bodies. */
  responses: OpenResponses;
  /** Creates a stream, for basins that do not create streams on first use. */
  createStream: (streamName: string) => Promise<void>;
}

/**
 * One per request; its handle is closed exactly once however the request ends (R20). A class, not an object
 * of closures: an open live tab keeps its context, and methods on a prototype cost it nothing.
 */
export class StreamContext {
  private handle: S2Stream | undefined;
  private released = false;

  constructor(
    private readonly instance: InstanceParts,
    readonly streamName: string,
  ) {}

  /** The request's S2 handle, opened on first use. */
  get stream(): S2Stream {
    if (this.released) throw new Error(`resumable: a released handle of ${this.streamName} was used`);
    this.handle ??= this.instance.handles.open(this.streamName);
    return this.handle;
  }

  get hubs(): HubRegistry {
    return this.instance.hubs;
  }

  get mode(): ResumableMode {
    return this.instance.mode;
  }

  get config(): ResolvedConfig {
    return this.instance.config;
  }

  get responses(): OpenResponses {
    return this.instance.responses;
  }

  createStream(): Promise<void> {
    return this.instance.createStream(this.streamName);
  }

  /**
   * Hands the open handle (if any) back: an idle live tail is served by its hub, and a handle per open tab
   * is memory. A later use of `stream` opens another.
   */
  park(): void {
    if (this.handle) this.instance.handles.release(this.handle);
    this.handle = undefined;
  }

  /**
   * Releases the handle once the response (or its planning) is over. The close runs in the background:
   * nothing a client waits for depends on it, and the instance's `close()` waits for it.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.park();
  }
}
