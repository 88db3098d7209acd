// GET /api/chat/stream?id=&from=&live=1: the chat's events as Anthropic-shaped SSE, from a cursor.
import { replayQuerySchema } from '@/lib/api-schemas';
import { handle, methodNotAllowed } from '@/lib/http-errors';
import { requireOwner } from '@/lib/owner';
import { replayTurns } from '@/lib/turns';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const ownerId = await requireOwner();
    const query = replayQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const live = query.live === '1' || query.live === 'true';
    return replayTurns({ ownerId, chatId: query.id, from: query.from, live, signal: request.signal });
  });
}

export const POST = methodNotAllowed('GET');
export const PUT = methodNotAllowed('GET');
export const PATCH = methodNotAllowed('GET');
export const DELETE = methodNotAllowed('GET');
