// The malformed-request table: one row per bad request, across every API route, with the 4xx it must get.
import type { RawRequest } from './raw-http';

export interface BadInputCase {
  route: string;
  name: string;
  status: 400 | 404 | 405 | 409 | 413 | 415;
  /** Builds the request against an existing chat of the identity (`chatId`), without the identity cookie. */
  request: (chatId: string) => RawRequest;
}

/** The error type each status carries in `{ error: { type } }`. */
export const ERROR_TYPE_FOR_STATUS = {
  400: 'invalid_request_error',
  404: 'not_found_error',
  405: 'method_not_allowed',
  409: 'conflict_error',
  413: 'request_too_large',
  415: 'unsupported_media_type',
} as const satisfies Record<BadInputCase['status'], string>;

const JSON_TYPE = { 'content-type': 'application/json' };
const UNKNOWN_ID = 'no-such-chat-0000';
const postJson = (
  path: string,
  body: string | Uint8Array,
  headers: Record<string, string> = JSON_TYPE,
): RawRequest => ({
  method: 'POST',
  path,
  headers,
  body,
});
const turn = (fields: Record<string, unknown>) => postJson('/api/chat', JSON.stringify(fields));
const newTurn = (fields: Record<string, unknown>) => turn({ id: 'fresh-chat-1', message: 'hi', ...fields });
const stream = (query: string): RawRequest => ({ method: 'GET', path: `/api/chat/stream?${query}` });
const chatPath = (method: string, idSegment: string): RawRequest => ({
  method,
  path: `/api/chats/${idSegment}`,
});
const bytesOf = (prefix: string, raw: number[], suffix: string) =>
  Buffer.concat([Buffer.from(prefix), Buffer.from(raw), Buffer.from(suffix)]);

const routeCases = (route: string, rows: Omit<BadInputCase, 'route'>[]): BadInputCase[] =>
  rows.map((row) => ({ route, ...row }));

const LONG_ID = 'a'.repeat(12_000);
// Lone surrogates cannot be written as UTF-8; these are their (invalid) three-byte encodings.
const HIGH_SURROGATE_BYTES = '%ED%A0%80';
const LOW_SURROGATE_BYTES = '%ED%B0%80';

const chatRouteCases = routeCases('POST /api/chat', [
  { name: 'a body that is not JSON', status: 400, request: () => postJson('/api/chat', '{"id":') },
  { name: 'an empty body', status: 400, request: () => postJson('/api/chat', '') },
  { name: 'a JSON null body', status: 400, request: () => postJson('/api/chat', 'null') },
  {
    name: 'a JSON array body',
    status: 400,
    request: () => postJson('/api/chat', '[{"id":"a","message":"b"}]'),
  },
  { name: 'a JSON string body', status: 400, request: () => postJson('/api/chat', '"hello"') },
  { name: 'no message field', status: 400, request: () => turn({ id: 'fresh-chat-1' }) },
  { name: 'no id field', status: 400, request: () => turn({ message: 'hi' }) },
  { name: 'a numeric id', status: 400, request: () => newTurn({ id: 42 }) },
  { name: 'a message that is an array', status: 400, request: () => newTurn({ message: ['hi'] }) },
  { name: 'a null message', status: 400, request: () => newTurn({ message: null }) },
  { name: 'an empty message', status: 400, request: () => newTurn({ message: '' }) },
  { name: 'a whitespace-only message', status: 400, request: () => newTurn({ message: ' \n\t ' }) },
  { name: 'an extra field', status: 400, request: () => newTurn({ admin: true }) },
  { name: 'a turnId with a path in it', status: 400, request: () => newTurn({ turnId: '../turn' }) },
  { name: 'a 65-character id', status: 400, request: () => newTurn({ id: 'x'.repeat(65) }) },
  { name: 'an id with a path traversal', status: 400, request: () => newTurn({ id: '../../etc' }) },
  { name: 'an id with a zero-width space', status: 400, request: () => newTurn({ id: 'chat\u200b1' }) },
  { name: 'an id with a right-to-left override', status: 400, request: () => newTurn({ id: '\u202echat1' }) },
  { name: 'an id with an emoji', status: 400, request: () => newTurn({ id: 'chat-😀' }) },
  { name: 'an id with a newline', status: 400, request: () => newTurn({ id: 'chat\n1' }) },
  {
    name: 'an id with invalid UTF-8 bytes',
    status: 400,
    request: () => postJson('/api/chat', bytesOf('{"id":"chat', [0xff, 0xfe], '","message":"hi"}')),
  },
  {
    name: 'a message with a lone high surrogate',
    status: 400,
    request: () => newTurn({ message: 'a\ud800b' }),
  },
  { name: 'a message with a lone low surrogate', status: 400, request: () => newTurn({ message: '\udc00' }) },
  { name: 'a message with a NUL character', status: 400, request: () => newTurn({ message: 'a\u0000b' }) },
  {
    name: 'a message with an escape character',
    status: 400,
    request: () => newTurn({ message: '\u001b[31m' }),
  },
  { name: 'a message with a DEL character', status: 400, request: () => newTurn({ message: 'a\u007f' }) },
  {
    name: 'a message one byte over 32 KB',
    status: 413,
    request: () => newTurn({ message: 'x'.repeat(32 * 1024 + 1) }),
  },
  {
    name: 'a message of three-byte characters one byte over 32 KB',
    status: 413,
    request: () => newTurn({ message: '€'.repeat(10_923) }),
  },
  {
    name: 'a body over the 128 KB limit',
    status: 413,
    request: () => newTurn({ message: 'x'.repeat(200_000) }),
  },
  {
    name: 'a chunked body over the limit, with no declared length',
    status: 413,
    request: () => ({ ...newTurn({ message: 'x'.repeat(200_000) }), chunked: true }),
  },
  {
    name: 'a text/plain content type',
    status: 415,
    request: () => postJson('/api/chat', '{"id":"a","message":"b"}', { 'content-type': 'text/plain' }),
  },
  {
    name: 'no content type',
    status: 415,
    request: () => postJson('/api/chat', '{"id":"a","message":"b"}', {}),
  },
  {
    name: 'a form-encoded body',
    status: 415,
    request: () =>
      postJson('/api/chat', 'id=a&message=b', { 'content-type': 'application/x-www-form-urlencoded' }),
  },
  {
    name: 'an application/jsonp content type',
    status: 415,
    request: () => postJson('/api/chat', '{"id":"a","message":"b"}', { 'content-type': 'application/jsonp' }),
  },
  {
    name: 'JSON nested 50,000 levels deep',
    status: 400,
    request: () => postJson('/api/chat', `${'['.repeat(50_000)}${']'.repeat(50_000)}`),
  },
  { name: 'the GET method', status: 405, request: () => ({ method: 'GET', path: '/api/chat' }) },
  { name: 'the PUT method', status: 405, request: () => ({ ...newTurn({}), method: 'PUT' }) },
  { name: 'the PATCH method', status: 405, request: () => ({ ...newTurn({}), method: 'PATCH' }) },
  { name: 'the DELETE method', status: 405, request: () => ({ method: 'DELETE', path: '/api/chat' }) },
]);

const streamRouteCases = routeCases('GET /api/chat/stream', [
  { name: 'no id', status: 400, request: () => stream('from=0') },
  { name: 'from=-1', status: 400, request: (id) => stream(`id=${id}&from=-1`) },
  { name: 'from=abc', status: 400, request: (id) => stream(`id=${id}&from=abc`) },
  { name: 'from=1e99', status: 400, request: (id) => stream(`id=${id}&from=1e99`) },
  { name: 'from=1.5', status: 400, request: (id) => stream(`id=${id}&from=1.5`) },
  { name: 'an empty from', status: 400, request: (id) => stream(`id=${id}&from=`) },
  { name: 'a from of 17 digits', status: 400, request: (id) => stream(`id=${id}&from=${'9'.repeat(17)}`) },
  { name: 'a hexadecimal from', status: 400, request: (id) => stream(`id=${id}&from=0x10`) },
  { name: 'live=yes', status: 400, request: (id) => stream(`id=${id}&live=yes`) },
  { name: 'an id with a space', status: 400, request: () => stream('id=chat%201') },
  { name: 'an id with an encoded NUL', status: 400, request: () => stream('id=chat%00') },
  { name: 'an id with a zero-width joiner', status: 400, request: () => stream('id=chat%E2%80%8D1') },
  { name: 'an id with a right-to-left mark', status: 400, request: () => stream('id=%E2%80%8Fchat') },
  {
    name: 'an id with lone-surrogate bytes',
    status: 400,
    request: () => stream(`id=${HIGH_SURROGATE_BYTES}`),
  },
  { name: 'a malformed percent escape', status: 400, request: () => stream('id=%ZZchat') },
  { name: 'a stream name parameter', status: 400, request: (id) => stream(`id=${id}&stream=chat-${id}`) },
  { name: 'a 12,000-character query string', status: 400, request: () => stream(`id=${LONG_ID}`) },
  { name: 'a chat that does not exist', status: 404, request: () => stream(`id=${UNKNOWN_ID}`) },
  { name: 'the POST method', status: 405, request: (id) => ({ ...stream(`id=${id}`), method: 'POST' }) },
  { name: 'the DELETE method', status: 405, request: (id) => ({ ...stream(`id=${id}`), method: 'DELETE' }) },
]);

const stop = (body: string, headers: Record<string, string> = JSON_TYPE) =>
  postJson('/api/chat/stop', body, headers);
const stopRouteCases = routeCases('POST /api/chat/stop', [
  { name: 'a body that is not JSON', status: 400, request: () => stop('{id') },
  { name: 'an empty object', status: 400, request: () => stop('{}') },
  { name: 'a JSON null body', status: 400, request: () => stop('null') },
  { name: 'a numeric id', status: 400, request: () => stop('{"id":123}') },
  { name: 'an extra field', status: 400, request: (id) => stop(JSON.stringify({ id, force: true })) },
  {
    name: 'a text/plain content type',
    status: 415,
    request: (id) => stop(`{"id":"${id}"}`, { 'content-type': 'text/plain' }),
  },
  { name: 'a 5 KB body', status: 413, request: () => stop(JSON.stringify({ id: 'x'.repeat(5_000) })) },
  { name: 'a chat that does not exist', status: 404, request: () => stop(`{"id":"${UNKNOWN_ID}"}`) },
  { name: 'a chat with no reply in progress', status: 409, request: (id) => stop(`{"id":"${id}"}`) },
  { name: 'the GET method', status: 405, request: () => ({ method: 'GET', path: '/api/chat/stop' }) },
]);

const listRouteCases = routeCases('GET /api/chats', [
  { name: 'the POST method', status: 405, request: () => postJson('/api/chats', '{}') },
  { name: 'the PUT method', status: 405, request: () => ({ method: 'PUT', path: '/api/chats' }) },
  { name: 'the DELETE method', status: 405, request: () => ({ method: 'DELETE', path: '/api/chats' }) },
]);

const detailRouteCases = routeCases('GET /api/chats/:id', [
  { name: 'a 65-character id', status: 400, request: () => chatPath('GET', 'x'.repeat(65)) },
  { name: 'an id with a zero-width space', status: 400, request: () => chatPath('GET', 'chat%E2%80%8B') },
  {
    name: 'an id with a right-to-left override',
    status: 400,
    request: () => chatPath('GET', '%E2%80%AEchat'),
  },
  { name: 'an id with an encoded NUL', status: 400, request: () => chatPath('GET', 'chat%00') },
  { name: 'an id with an escape character', status: 400, request: () => chatPath('GET', 'chat%1B') },
  {
    name: 'an id with lone-surrogate bytes',
    status: 400,
    request: () => chatPath('GET', LOW_SURROGATE_BYTES),
  },
  { name: 'a malformed percent escape', status: 400, request: () => chatPath('GET', 'chat%ZZ') },
  {
    name: 'a malformed escape that looks like a script',
    status: 400,
    request: () => chatPath('GET', '%E2%80.js'),
  },
  { name: 'an id with an encoded slash', status: 400, request: () => chatPath('GET', 'a%2Fb') },
  { name: 'a 12,000-character id', status: 400, request: () => chatPath('GET', LONG_ID) },
  { name: 'a chat that does not exist', status: 404, request: () => chatPath('GET', UNKNOWN_ID) },
  { name: 'a path below the chat', status: 404, request: (id) => chatPath('GET', `${id}/messages`) },
  { name: 'the POST method', status: 405, request: (id) => ({ ...postJson(`/api/chats/${id}`, '{}') }) },
  { name: 'the PUT method', status: 405, request: (id) => chatPath('PUT', id) },
  { name: 'the PATCH method', status: 405, request: (id) => chatPath('PATCH', id) },
]);

const deleteRouteCases = routeCases('DELETE /api/chats/:id', [
  { name: 'a chat that does not exist', status: 404, request: () => chatPath('DELETE', UNKNOWN_ID) },
  { name: 'an id with encoded dots', status: 400, request: () => chatPath('DELETE', '%2E%2E%2Fchats') },
  {
    name: 'an id with a right-to-left mark',
    status: 400,
    request: () => chatPath('DELETE', 'chat%E2%80%8F'),
  },
  { name: 'a malformed percent escape', status: 400, request: () => chatPath('DELETE', '%') },
  {
    name: 'an id with lone-surrogate bytes',
    status: 400,
    request: () => chatPath('DELETE', HIGH_SURROGATE_BYTES),
  },
]);

export const BAD_INPUT_CASES: BadInputCase[] = [
  ...chatRouteCases,
  ...streamRouteCases,
  ...stopRouteCases,
  ...listRouteCases,
  ...detailRouteCases,
  ...deleteRouteCases,
];
