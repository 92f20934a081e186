// "Run now" buttons of the background jobs started by instrumentation.ts.
import { action, respond } from '@/lib/http';
import { cleanupExpiredStates, runScheduledRefresh } from '@/lib/jobs';

export const runtime = 'nodejs';

export const POST = action<{ params: Promise<{ job: string }> }>(async (request, session, ctx) => {
  const { job } = await ctx.params;
  if (job === 'scheduled-refresh') {
    const r = await runScheduledRefresh('button', true);
    return respond(
      request,
      session,
      {
        kind: r.failed > 0 ? 'warn' : 'ok',
        title: `Scheduled refresh: ${r.refreshed} refreshed, ${r.failed} failed (${r.durationMs} ms)`,
        detail: `${r.expiringSoon} token(s) expiring within REFRESH_AHEAD_SECONDS.`,
        signals: ['oauth_scheduled_refresh_total', 'oauth_scheduled_refresh_duration_seconds', 'oauth_tokens_expiring_soon', 'scheduled_refresh_completed', ...(r.failed ? ['oauth_scheduled_refresh_errors_total', 'scheduled_token_refresh_failed'] : [])],
      },
      { extra: { run: r } },
    );
  }
  if (job === 'pkce-cleanup') {
    const { removed } = cleanupExpiredStates();
    return respond(request, session, {
      kind: 'ok',
      title: `PKCE cleanup: ${removed} expired state(s) removed`,
      signals: removed ? ['oauth_pkce_states_cleaned_total{reason="expired"}', 'oauth_active_pkce_states', 'pkce_cleanup_completed'] : [],
    }, { extra: { removed } });
  }
  return respond(request, session, { kind: 'warn', title: 'Unknown job' }, { status: 404 });
});
