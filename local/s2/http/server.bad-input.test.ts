// Bad input over raw HTTP: S2's status codes and error bodies, never a 500, and nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAppendInput } from './proto-client';
import { type LocalS2Fixture, startLocalS2Fixture } from './test-support';

let fx: LocalS2Fixture;
const STREAM = 'victim';

beforeAll(async () => {
  fx = await startLocalS2Fixture();
  await fx.basin.streams.create({ stream: STREAM });
});

afterAll(async () => {
  await fx.close();
});

const recordsUrl = () => `${fx.server.url}/v1/streams/${STREAM}/records`;

function post(url: string, body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 's2-basin': fx.basinName, 'content-type': 'application/json', ...headers },
    body,
  });
}

async function expectError(response: Response, status: number, code: string): Promise<void> {
  expect({ status: response.status, body: await response.json() }).toMatchObject({ status, body: { code } });
}

async function tailSeqNum(): Promise<number> {
  return (await fx.stream(STREAM).checkTail()).tail.seqNum;
}

describe('rejected appends write nothing', () => {
  it('rejects malformed JSON and bodies of the wrong shape with 400 bad_json', async () => {
    await expectError(await post(recordsUrl(), '{"records": ['), 400, 'bad_json');
    await expectError(await post(recordsUrl(), '{"records": "nope"}'), 400, 'bad_json');
    await expectError(await post(recordsUrl(), '{"records": [{"body": 5}]}'), 400, 'bad_json');
    await expectError(await post(recordsUrl(), '{"records": [{"headers": [["a"]]}]}'), 400, 'bad_json');
    await expectError(await post(recordsUrl(), '{"records": [], "match_seq_num": -1}'), 400, 'bad_json');
    await expectError(
      await post(recordsUrl(), '{"records":[]}', { 'content-type': 'text/plain' }),
      400,
      'bad_json',
    );
    expect(await tailSeqNum()).toBe(0);
  });

  it('rejects more than 1000 records and more than 1 MiB with 422 invalid', async () => {
    const many = JSON.stringify({ records: Array.from({ length: 1001 }, () => ({ body: 'x' })) });
    await expectError(await post(recordsUrl(), many), 422, 'invalid');
    const big = 'y'.repeat(600 * 1024);
    await expectError(
      await post(recordsUrl(), JSON.stringify({ records: [{ body: big }, { body: big }] })),
      422,
      'invalid',
    );
    await expectError(await post(recordsUrl(), JSON.stringify({ records: [] })), 422, 'invalid');
    expect(await tailSeqNum()).toBe(0);
  });

  it('rejects over-long fencing tokens: 400 in JSON, 422 in protobuf and in a fence command', async () => {
    const token = 't'.repeat(37);
    await expectError(
      await post(recordsUrl(), JSON.stringify({ records: [{ body: 'x' }], fencing_token: token })),
      400,
      'bad_json',
    );
    const proto = new Uint8Array(
      encodeAppendInput({ records: [{ body: new Uint8Array([1]) }], fencing_token: token }),
    );
    await expectError(
      await post(recordsUrl(), proto, { 'content-type': 'application/protobuf' }),
      422,
      'invalid',
    );
    const fence = JSON.stringify({ records: [{ headers: [['', 'fence']], body: token }] });
    await expectError(await post(recordsUrl(), fence), 422, 'invalid');
    expect(await tailSeqNum()).toBe(0);
  });

  it('rejects bad encodings: s2-format, base64, protobuf and oversized bodies', async () => {
    const body = JSON.stringify({ records: [{ body: 'not base64!' }] });
    await expectError(await post(recordsUrl(), body, { 's2-format': 'hex' }), 400, 'bad_header');
    await expectError(await post(recordsUrl(), body, { 's2-format': 'base64' }), 422, 'invalid');
    const garbage = new Uint8Array([0x0a, 0xff, 0xff, 0xff]);
    await expectError(
      await post(recordsUrl(), garbage, { 'content-type': 'application/protobuf' }),
      400,
      'bad_proto',
    );
    const huge = JSON.stringify({ records: [{ body: 'z'.repeat(9 * 1024 * 1024) }] });
    const response = await post(recordsUrl(), huge);
    expect(response.status).toBe(413);
    await response.body?.cancel();
    expect(await tailSeqNum()).toBe(0);
  });
});

describe('bad names, headers and queries', () => {
  it('rejects invalid basin and stream names with the code for where the name came from', async () => {
    await expectError(
      await post(`${fx.server.url}/v1/basins`, JSON.stringify({ basin: 'BAD' })),
      400,
      'bad_json',
    );
    await expectError(await post(`${fx.server.url}/v1/basins`, '{"basin":'), 400, 'bad_json');
    await expectError(await fetch(`${fx.server.url}/v1/basins/Bad_Name`), 400, 'bad_path');
    await expectError(
      await post(`${fx.server.url}/v1/streams`, JSON.stringify({ stream: 's'.repeat(513) })),
      400,
      'bad_json',
    );
    await expectError(
      await fetch(`${fx.server.url}/v1/streams`, { headers: { 's2-basin': 'NO' } }),
      400,
      'bad_header',
    );
    const basins = await fx.s2.basins.list();
    expect(basins.basins.map((basin) => basin.name)).toEqual([fx.basinName]);
    const streams = await fx.basin.streams.list();
    expect(streams.streams.map((stream) => stream.name)).toEqual([STREAM]);
  });

  it('rejects unparsable read queries with 400 bad_query and conflicting starts with 422', async () => {
    const headers = { 's2-basin': fx.basinName };
    await expectError(await fetch(`${recordsUrl()}?seq_num=abc`, { headers }), 400, 'bad_query');
    await expectError(await fetch(`${recordsUrl()}?clamp=maybe`, { headers }), 400, 'bad_query');
    await expectError(await fetch(`${recordsUrl()}?seq_num=0&tail_offset=1`, { headers }), 422, 'invalid');
  });

  it('rejects config values the schema does not allow with 400, and retention age 0 with 422', async () => {
    const url = `${fx.server.url}/v1/streams`;
    await expectError(
      await post(url, JSON.stringify({ stream: 'cfg', config: { storage_class: 'glacier' } })),
      400,
      'bad_json',
    );
    await expectError(
      await post(url, JSON.stringify({ stream: 'cfg', config: { retention_policy: { age: 0 } } })),
      422,
      'invalid',
    );
    await expectError(await post(url, JSON.stringify({ stream: 'cfg', config: 'yes' })), 400, 'bad_json');
  });
});
