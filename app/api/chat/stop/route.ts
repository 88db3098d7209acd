// POST /api/chat/stop { id }: end the chat's active turn, keeping its partial reply.
import { stopRequestSchema } from '@/lib/api-schemas';
import { handle, methodNotAllowed } from '@/lib/http-errors';
import { requireOwner } from '@/lib/owner';
import { readJson } from '@/lib/read-json';
import { stopTurn } from '@/lib/turns';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const ownerId = await requireOwner();
    const body = await readJson(request, stopRequestSchema, 4096);
    return stopTurn(ownerId, body.id);
  });
}

export const GET = methodNotAllowed('POST');
export const PUT = methodNotAllowed('POST');
export const PATCH = methodNotAllowed('POST');
export const DELETE = methodNotAllowed('POST');
