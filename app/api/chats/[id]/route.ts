// GET /api/chats/:id (history and live cursor) and DELETE /api/chats/:id.
import { idSchema } from '@/lib/api-schemas';
import { handle, methodNotAllowed, NotFoundError } from '@/lib/http-errors';
import { requireOwner } from '@/lib/owner';
import { chatDetail, deleteChat } from '@/lib/turns';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

interface Context {
  params: Promise<{ id: string }>;
}

export async function GET(_request: Request, { params }: Context): Promise<Response> {
  return handle(async () => {
    const ownerId = await requireOwner();
    const id = idSchema.parse((await params).id);
    const detail = await chatDetail(ownerId, id);
    if (!detail) throw new NotFoundError();
    return Response.json(detail, { headers: { 'Cache-Control': 'no-store' } });
  });
}

export async function DELETE(_request: Request, { params }: Context): Promise<Response> {
  return handle(async () => {
    const ownerId = await requireOwner();
    await deleteChat(ownerId, idSchema.parse((await params).id));
    return new Response(null, { status: 204 });
  });
}

export const POST = methodNotAllowed('GET, DELETE');
export const PUT = methodNotAllowed('GET, DELETE');
export const PATCH = methodNotAllowed('GET, DELETE');
