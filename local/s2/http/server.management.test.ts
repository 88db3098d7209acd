// Basin and stream management through the real S2 SDK, plus the raw routes the SDK relies on.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import { S2, S2Error } from '@s2-dev/streamstore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalS2Fixture,
  localS2ClientConfig,
  randomBasinName,
  startLocalS2Fixture,
} from './test-support';

let fx: LocalS2Fixture;

beforeAll(async () => {
  fx = await startLocalS2Fixture();
});

afterAll(async () => {
  await fx.close();
});

describe('basins', () => {
  it('creates, lists, reconfigures, ensures and deletes a basin', async () => {
    const name = randomBasinName('mgmt');
    const created = await fx.s2.basins.create({ basin: name, config: { createStreamOnAppend: true } });
    expect(created.name).toBe(name);
    expect(created.createdAt).toBeInstanceOf(Date);

    const listed = await fx.s2.basins.list({ prefix: 'mgmt-' });
    expect(listed.basins.map((basin) => basin.name)).toContain(name);

    expect(await fx.s2.basins.getConfig({ basin: name })).toMatchObject({
      createStreamOnAppend: true,
      createStreamOnRead: false,
    });

    const reconfigured = await fx.s2.basins.reconfigure({ basin: name, createStreamOnRead: true });
    expect(reconfigured).toMatchObject({ createStreamOnAppend: true, createStreamOnRead: true });

    const same = await fx.s2.basins.ensure({
      basin: name,
      config: { createStreamOnAppend: true, createStreamOnRead: true },
    });
    expect(same.result).toBe('noop');
    const changed = await fx.s2.basins.ensure({ basin: name, config: { createStreamOnAppend: false } });
    expect(changed.result).toBe('updated');
    const fresh = await fx.s2.basins.ensure({ basin: randomBasinName('ensured') });
    expect(fresh.result).toBe('created');

    await fx.s2.basins.delete({ basin: name });
    await expect(fx.s2.basins.getConfig({ basin: name })).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a duplicate basin with 409 and pages through basins with start_after and limit', async () => {
    await expect(fx.s2.basins.create({ basin: fx.basinName })).rejects.toMatchObject({
      status: 409,
      code: 'resource_already_exists',
    });
    const names = ['page-aaaaaaaa', 'page-bbbbbbbb', 'page-cccccccc'];
    for (const basin of names) await fx.s2.basins.create({ basin });
    const first = await fx.s2.basins.list({ prefix: 'page-', limit: 2 });
    expect(first.basins.map((basin) => basin.name)).toEqual(names.slice(0, 2));
    expect(first.hasMore).toBe(true);
    const rest = await fx.s2.basins.list({ prefix: 'page-', startAfter: 'page-bbbbbbbb' });
    expect(rest.basins.map((basin) => basin.name)).toEqual(['page-cccccccc']);
    expect(rest.hasMore).toBe(false);
  });
});

describe('streams', () => {
  it('creates, configures, lists, ensures and deletes streams, including names that need escaping', async () => {
    const streams = fx.basin.streams;
    const odd = 'a/b records/tail 日本';
    await streams.create({ stream: odd });
    await streams.create({ stream: 'plain', config: { storageClass: 'standard' } });

    const config = await streams.getConfig({ stream: 'plain' });
    expect(config).toMatchObject({ storageClass: 'standard', timestamping: { mode: 'client-prefer' } });
    expect(await streams.getConfig({ stream: odd })).toMatchObject({ storageClass: 'express' });

    const reconfigured = await streams.reconfigure({ stream: 'plain', retentionPolicy: { infinite: {} } });
    expect(reconfigured.retentionPolicy).toEqual({ infinite: {} });

    const listed = await streams.list();
    expect(listed.streams.map((stream) => stream.name).sort()).toEqual(['a/b records/tail 日本', 'plain']);
    const page = await streams.list({ startAfter: 'a/b records/tail 日本', limit: 1 });
    expect(page.streams.map((stream) => stream.name)).toEqual(['plain']);

    expect((await streams.ensure({ stream: 'ensured' })).result).toBe('created');
    expect((await streams.ensure({ stream: 'ensured' })).result).toBe('noop');
    expect((await streams.ensure({ stream: 'ensured', config: { storageClass: 'standard' } })).result).toBe(
      'updated',
    );

    await streams.delete({ stream: odd });
    await expect(streams.getConfig({ stream: odd })).rejects.toMatchObject({ status: 404 });
    await expect(streams.create({ stream: 'plain' })).rejects.toBeInstanceOf(S2Error);
  });
});

describe('raw routes', () => {
  const basinHeaders = () => ({ 's2-basin': fx.basinName, 'content-type': 'application/json' });

  it('answers /ping and /health, and serves the API with and without the /v1 prefix', async () => {
    expect((await fetch(`${fx.server.url}/ping`)).status).toBe(200);
    expect((await fetch(`${fx.server.url}/health`)).status).toBe(200);
    const withPrefix = await fetch(`${fx.server.url}/v1/basins`);
    const withoutPrefix = await fetch(`${fx.server.url}/basins`);
    expect(withPrefix.headers.get('content-type')).toBe('application/json');
    expect(await withoutPrefix.json()).toEqual(await withPrefix.json());

    const trailingSlash = new S2({ ...localS2ClientConfig(`${fx.server.url}/`) });
    const basins = await trailingSlash.basins.list();
    expect(basins.basins.map((basin) => basin.name)).toContain(fx.basinName);
  });

  it('requires the s2-basin header on basin-scoped routes', async () => {
    const response = await fetch(`${fx.server.url}/v1/streams`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 'bad_header', message: 'Missing header `s2-basin`' });
  });

  it('answers 202 with an empty, untyped body on delete and marks creates with s2-provision-result', async () => {
    const create = await fetch(`${fx.server.url}/v1/streams`, {
      method: 'POST',
      headers: basinHeaders(),
      body: JSON.stringify({ stream: 'raw-delete' }),
    });
    expect(create.status).toBe(201);
    expect(create.headers.get('s2-provision-result')).toBe('created');
    const deleted = await fetch(`${fx.server.url}/v1/streams/raw-delete`, {
      method: 'DELETE',
      headers: basinHeaders(),
    });
    expect(deleted.status).toBe(202);
    expect(deleted.headers.get('content-type')).toBeNull();
    expect(await deleted.text()).toBe('');
  });

  it('returns 501 for account features local S2 does not have, and 404 for unknown paths', async () => {
    const metrics = await fetch(`${fx.server.url}/v1/metrics`);
    expect(metrics.status).toBe(501);
    expect(await metrics.json()).toMatchObject({ code: 'not_implemented' });
    expect((await fetch(`${fx.server.url}/v1/nothing-here`)).status).toBe(404);
  });

  it('serves no browser: no CORS headers, and no answer to a preflight', async () => {
    const listed = await fetch(`${fx.server.url}/v1/basins`, {
      headers: { origin: 'https://elsewhere.example' },
    });
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${fx.server.url}/v1/streams/x/records`, { method: 'OPTIONS' });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('refuses a request addressed to another host name (DNS rebinding), over HTTP/1.1 and HTTP/2', async () => {
    const { port } = new URL(fx.server.url);
    expect(await http1Get(port, `rebound.example:${port}`)).toMatchObject({ status: 403 });
    expect(await http1Get(port, `localhost:${port}`)).toMatchObject({ status: 200 });
    expect(await http2Get(fx.server.url, `rebound.example:${port}`)).toMatchObject({ status: 403 });
    expect(await http2Get(fx.server.url, `127.0.0.1:${port}`)).toMatchObject({ status: 200 });
    const refused = await http1Get(port, 'rebound.example');
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'forbidden_host' });
  });
});

/** `GET /v1/basins` with the given Host header, over HTTP/1.1. */
function http1Get(port: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: '/v1/basins', headers: { host } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** `GET /v1/basins` with the given `:authority`, over HTTP/2. */
function http2Get(url: string, authority: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on('error', reject);
    const request = session.request({ ':method': 'GET', ':path': '/v1/basins', ':authority': authority });
    request.on('response', (headers) => {
      request.resume();
      request.on('end', () => {
        session.close();
        resolve({ status: Number(headers[':status']) });
      });
    });
    request.on('error', reject);
    request.end();
  });
}
