// The redirect_uri. Every outcome is recorded through oauth-otel, then the browser goes back to
// the page, which shows what happened (the URL with code and state is not kept anywhere).
import { action, respond } from '@/lib/http';
import { handleCallback } from '@/lib/oauth';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = action(
  async (request, session) => {
    const result = await handleCallback(session, new URL(request.url).searchParams);
    const status = result.kind === 'ok' ? 200 : 400;
    return respond(request, session, result, { status });
  },
  { requireSession: false },
);
