// The hubs of one chat instance, by stream name: each opened on first use and dropped once idle.
import { type HubDeps, StreamHub } from './hub';

/** The hubs of one `createResumableChat` instance, by stream name; a hub leaves once nothing uses it. */
export class HubRegistry {
  private readonly hubs = new Map<string, StreamHub>();

  constructor(private readonly deps: (streamName: string) => HubDeps) {}

  find(streamName: string): StreamHub | undefined {
    return this.hubs.get(streamName);
  }

  open(streamName: string): StreamHub {
    let hub = this.hubs.get(streamName);
    if (!hub) {
      hub = new StreamHub(this.deps(streamName), (idle) => {
        if (this.hubs.get(streamName) === idle) this.hubs.delete(streamName);
      });
      this.hubs.set(streamName, hub);
    }
    return hub;
  }
}
