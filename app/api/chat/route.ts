// POST /api/chat: start a turn (202); the reply streams through GET /api/chat/stream.

import { MAX_BODY_BYTES, MAX_MESSAGE_BYTES, turnRequestSchema } from '@/lib/api-schemas';
import { clientAddress } from '@/lib/client-address';
import { handle, methodNotAllowed, PayloadTooLargeError } from '@/lib/http-errors';
import { requireOwner } from '@/lib/owner';
import { readJson } from '@/lib/read-json';
import { startTurn } from '@/lib/turns';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const ownerId = await requireOwner();
    const body = await readJson(request, turnRequestSchema, MAX_BODY_BYTES);
    if (Buffer.byteLength(body.message, 'utf8') > MAX_MESSAGE_BYTES)
      throw new PayloadTooLargeError(MAX_MESSAGE_BYTES);
    return startTurn({
      ownerId,
      chatId: body.id,
      message: body.message,
      turnId: body.turnId ?? crypto.randomUUID(),
      clientAddress: clientAddress(request.headers),
    });
  });
}

export const GET = methodNotAllowed('POST');
export const PUT = methodNotAllowed('POST');
export const PATCH = methodNotAllowed('POST');
export const DELETE = methodNotAllowed('POST');
