// Basin (account scope) and stream (basin scope) management routes: list, create, config, ensure, delete.
import type { Provisioned } from '../engine/index';
import {
  createBasinBody,
  createStreamBody,
  ensureBasinBody,
  ensureStreamBody,
  listOptions,
  reconfigureBasinBody,
  reconfigureStreamBody,
} from './body-shapes';
import { headerValue, readJsonBody, sendEmpty, sendJson, type WireResponse } from './http-io';
import type { RequestContext } from './request-context';
import { WireError } from './wire-errors';

/** Ensure (PUT) replies: 201 when it created the resource, else 200; the outcome in `s2-provision-result`. */
function sendProvisioned<T>(res: WireResponse, provisioned: Provisioned<T>): void {
  const status = provisioned.result === 'created' ? 201 : 200;
  sendJson(res, status, provisioned.info, { 's2-provision-result': provisioned.result });
}

function requestToken(ctx: RequestContext): { requestToken?: string } {
  const token = headerValue(ctx.req.headers, 's2-request-token');
  return token === undefined ? {} : { requestToken: token };
}

function methodNotAllowed(method: string): never {
  throw new WireError('method_not_allowed', `method ${method} is not allowed here`);
}

export async function handleBasins(ctx: RequestContext, method: string): Promise<void> {
  const { engine, res } = ctx;
  switch (method) {
    case 'GET':
      return sendJson(res, 200, engine.listBasins(listOptions(ctx.query)));
    case 'POST': {
      const { basin, config } = createBasinBody(await readJsonBody(ctx.req));
      const created = engine.createBasin(basin, config, requestToken(ctx));
      // An idempotent retry of a create is still a 201, with `noop` in the header.
      return sendJson(res, 201, created.info, { 's2-provision-result': created.result });
    }
    default:
      methodNotAllowed(method);
  }
}

export async function handleBasin(ctx: RequestContext, method: string, basin: string): Promise<void> {
  const { engine, res } = ctx;
  switch (method) {
    case 'GET':
      return sendJson(res, 200, engine.getBasinConfig(basin));
    case 'PUT':
      return sendProvisioned(res, engine.ensureBasin(basin, ensureBasinBody(await readJsonBody(ctx.req))));
    case 'PATCH':
      return sendJson(
        res,
        200,
        engine.reconfigureBasin(basin, reconfigureBasinBody(await readJsonBody(ctx.req))),
      );
    case 'DELETE':
      engine.deleteBasin(basin);
      return sendEmpty(res, 202);
    default:
      methodNotAllowed(method);
  }
}

export async function handleStreams(ctx: RequestContext, method: string, basin: string): Promise<void> {
  const { engine, res } = ctx;
  switch (method) {
    case 'GET':
      return sendJson(res, 200, engine.listStreams(basin, listOptions(ctx.query)));
    case 'POST': {
      const { stream, config } = createStreamBody(await readJsonBody(ctx.req));
      const created = engine.createStream(basin, stream, config, requestToken(ctx));
      return sendJson(res, 201, created.info, { 's2-provision-result': created.result });
    }
    default:
      methodNotAllowed(method);
  }
}

export async function handleStream(
  ctx: RequestContext,
  method: string,
  basin: string,
  stream: string,
): Promise<void> {
  const { engine, res } = ctx;
  switch (method) {
    case 'GET':
      return sendJson(res, 200, engine.getStreamConfig(basin, stream));
    case 'PUT':
      return sendProvisioned(
        res,
        engine.ensureStream(basin, stream, ensureStreamBody(await readJsonBody(ctx.req))),
      );
    case 'PATCH':
      return sendJson(
        res,
        200,
        engine.reconfigureStream(basin, stream, reconfigureStreamBody(await readJsonBody(ctx.req))),
      );
    case 'DELETE':
      engine.deleteStream(basin, stream);
      return sendEmpty(res, 202);
    default:
      methodNotAllowed(method);
  }
}
