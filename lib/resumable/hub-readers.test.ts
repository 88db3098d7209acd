// Unit tests for waking the readers of a StreamHub, including ones that throw.
import type { AppendAck } from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import { type HubListener, StreamHub } from './hub';
import { eventEncoder, makeToken, type ProtocolRecord } from './protocol';

const TOKEN = makeToken('active', 0);
const at = new Date(0);

/** A hub fed only by a local writer: it never opens an S2 session, so it needs no S2 here. */
function localHub() {
  const logger = { warn: vi.fn() };
  const hub = new StreamHub(
    {
      open: () => {
        throw new Error('a local hub reads no S2');
      },
      release: vi.fn(),
      shutdown: new AbortController().signal,
      logger,
    },
    vi.fn(),
  );
  const fence: ProtocolRecord = { kind: 'fence', seqNum: 0, timestamp: at, token: TOKEN };
  hub.beginLocal({ token: TOKEN, fromSeqNum: 0, claimStart: 0 }, [fence]);
  return { hub, logger };
}

function ackOf(start: number, count: number): AppendAck {
  return {
    start: { seqNum: start, timestamp: at },
    end: { seqNum: start + count, timestamp: at },
    tail: { seqNum: start + count, timestamp: at },
  } as AppendAck;
}

describe('hub readers', () => {
  it('wakes every waiting reader, even when one of them throws, and drops only that one', async () => {
    const { hub, logger } = localHub();
    const woken: string[] = [];
    const listener = (wake: () => void): HubListener => ({ wake, fail: vi.fn() });
    const broken = hub.attach(
      1,
      listener(() => {
        throw new Error('a response that broke');
      }),
    );
    const healthy = hub.attach(
      1,
      listener(() => woken.push('healthy')),
    );
    if (!broken || !healthy) throw new Error('the hub covers its own generation');
    // Nothing after the fence yet: both wait.
    expect(hub.take(broken)).toBeUndefined();
    expect(hub.take(healthy)).toBeUndefined();

    const encode = eventEncoder(TOKEN);
    hub.pushAcked({ records: [encode({ type: 'message_stop' })], ack: ackOf(1, 1) });
    await vi.waitFor(() => expect(woken).toEqual(['healthy']));
    expect(hub.take(healthy)).toMatchObject([{ kind: 'event', seqNum: 1, eventType: 'message_stop' }]);
    expect(logger.warn).toHaveBeenCalledOnce();
    expect(broken.closed).toBe(true);
    expect(hub.take(broken)).toBe('closed');
  });
});
