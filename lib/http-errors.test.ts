// Unit tests for mapping errors to HTTP responses: S2 outages, typed and validation errors, and the rest.
import { S2, S2Error } from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
import { ChatNotFoundError, TurnIdReusedError } from '../db/errors';
import { BadRequestError, errorResponse } from './http-errors';

async function body(response: Response) {
  return {
    status: response.status,
    json: await response.json(),
    retryAfter: response.headers.get('retry-after'),
  };
}

describe('errorResponse', () => {
  it('answers 503 with Retry-After when S2 cannot be reached, as the real SDK reports it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // Nothing listens on port 9 of loopback: the SDK's own network failure, not a hand-made one.
    const stream = new S2({
      accessToken: 'local',
      endpoints: { account: 'http://127.0.0.1:9', basin: 'http://127.0.0.1:9' },
      retry: { maxAttempts: 1 },
    })
      .basin('no-basin')
      .stream('no-stream');
    const failure = await stream.checkTail().catch((err: unknown) => err);
    await stream.close();
    expect(failure).toBeInstanceOf(S2Error);
    expect(await body(errorResponse(failure))).toEqual({
      status: 503,
      json: { error: { type: 'overloaded_error', message: expect.any(String) } },
      retryAfter: '1',
    });
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });

  it('keeps typed and validation errors as 4xx, and anything else a 500 without details', async () => {
    expect((await body(errorResponse(new BadRequestError('no')))).status).toBe(400);
    expect((await body(errorResponse(new ZodError([])))).status).toBe(400);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await body(errorResponse(new Error('secret detail')))).toEqual({
      status: 500,
      json: { error: { type: 'api_error', message: 'An internal error occurred.' } },
      retryAfter: null,
    });
    expect((await body(errorResponse(new S2Error({ message: 'bad', status: 400 })))).status).toBe(500);
    error.mockRestore();
  });

  it("maps the history store's typed errors: a missing chat is 404, an earlier turn id 409", async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await body(errorResponse(new ChatNotFoundError('c1')))).toEqual({
      status: 404,
      json: { error: { type: 'not_found_error', message: 'Chat not found.' } },
      retryAfter: null,
    });
    expect(await body(errorResponse(new TurnIdReusedError('c1', 't1')))).toEqual({
      status: 409,
      json: { error: { type: 'conflict_error', message: expect.stringContaining('earlier turn') } },
      retryAfter: null,
    });
    expect(error).not.toHaveBeenCalled();
    error.mockRestore();
  });
});
