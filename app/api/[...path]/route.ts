// Any /api/ path that no route serves: a JSON 404, so API clients never receive the HTML not-found page.
import { jsonError } from '@/lib/http-errors';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

async function noSuchRoute(): Promise<Response> {
  return jsonError(404, 'not_found_error', 'There is no API route at this path.');
}

export const GET = noSuchRoute;
export const POST = noSuchRoute;
export const PUT = noSuchRoute;
export const PATCH = noSuchRoute;
export const DELETE = noSuchRoute;
