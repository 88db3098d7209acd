import { S2, S2Error } from '@s2-dev/streamstore';
import { describe, expect, it, vi } from 'vitest';
import { ZodError } from 'zod';
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
});
