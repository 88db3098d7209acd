// GET /api/chats: this browser's chats, newest first.
import { handle, methodNotAllowed } from '@/lib/http-errors';
import { requireOwner } from '@/lib/owner';
import { listChats } from '@/lib/turns';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  return handle(async () => {
    const ownerId = await requireOwner();
    return Response.json({ chats: listChats(ownerId) }, { headers: { 'Cache-Control': 'no-store' } });
  });
}

export const POST = methodNotAllowed('GET');
export const PUT = methodNotAllowed('GET');
export const PATCH = methodNotAllowed('GET');
export const DELETE = methodNotAllowed('GET');
