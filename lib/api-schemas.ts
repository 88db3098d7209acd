// Request shapes of the chat API, validated with zod; limits shared by routes and tests.
import { z } from 'zod';

/** Largest accepted user message, in UTF-8 bytes. */
export const MAX_MESSAGE_BYTES = 32 * 1024;
/** Largest accepted JSON body: the message plus room for ids and escaping. */
export const MAX_BODY_BYTES = 4 * MAX_MESSAGE_BYTES;

/** Client-generated ids (UUIDs in the UI): safe in URLs and S2 stream names. */
export const idSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"');

// Control characters other than tab, newline and carriage return are refused rather than stored.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const messageSchema = z
  .string({ error: 'must be a string' })
  .refine((text) => text.trim().length > 0, 'must not be empty')
  .refine((text) => !CONTROL_CHARACTERS.test(text), 'must not contain control characters')
  .refine((text) => !LONE_SURROGATE.test(text), 'must be valid Unicode');

export const turnRequestSchema = z.strictObject({
  id: idSchema,
  message: messageSchema,
  turnId: idSchema.optional(),
});

export const stopRequestSchema = z.strictObject({ id: idSchema });

/** A replay cursor: a non-negative safe integer written in plain digits. */
export const cursorSchema = z
  .string()
  .regex(/^\d{1,16}$/, 'must be a non-negative integer')
  .transform(Number)
  .refine(Number.isSafeInteger, 'must be a safe integer');

export const replayQuerySchema = z.strictObject({
  id: idSchema,
  from: cursorSchema.optional(),
  live: z.enum(['0', '1', 'true', 'false']).optional(),
});
