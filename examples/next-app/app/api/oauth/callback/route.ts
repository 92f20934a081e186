// The redirect_uri. Every outcome is recorded through oauth-otel, then the browser goes back to
// the page, which shows what happened (the URL with code and state is not kept anywhere), or on to
// the AS again when a step-up re-authorizes once more.
import { action, respond } from '@/lib/http';
import { handleCallback } from '@/lib/oauth';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = action(
  async (request, session) => {
    const { redirect, ...result } = await handleCallback(session, new URL(request.url).searchParams);
    const status = result.kind === 'ok' || result.kind === 'info' ? 200 : 400;
    return respond(request, session, result, { status, ...(redirect ? { redirect } : {}) });
  },
  { requireSession: false },
);
