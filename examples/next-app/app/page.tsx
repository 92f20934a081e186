import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { config } from '@/lib/config';
import { decodeSession, SESSION_COOKIE } from '@/lib/session';
import { viewModel, type ConnectionView } from '@/lib/view';

export const dynamic = 'force-dynamic';

/** One attack or failure demo: what it does, what lights up, where to look in Grafana. */
const ATTACK_CARDS: { name: string; title: string; what: string; signals: string[]; grafana: string }[] = [
  {
    name: 'refresh-replay',
    title: 'Replay a rotated refresh token',
    what: 'Copies your refresh token, rotates it with a normal refresh, then presents the stale copy. The AS answers invalid_grant and revokes the whole family; the client knows it had rotated that token.',
    signals: ['oauth_token_refresh_total{status="reuse_detected"}', 'oauth_security_events_total{event_type="token_reuse",severity="critical"}', 'event oauth_refresh_token_reuse_detected (P0)', 'AS: oauth_server_refresh_token_reuse_total', 'AS: oauth_server_grant_revocations_total{reason="refresh_token_reuse"}'],
    grafana: 'OAuth Security → "Refresh-token reuse", "Security events by priority"',
  },
  {
    name: 'code-injection',
    title: "Callback with another user's state",
    what: "The other demo user starts a flow and signs in at the AS; their callback (real code and state) is delivered in your browser. The state is bound to their session.",
    signals: ['oauth_pkce_validations_total{reason="user_mismatch"}', 'oauth_code_injection_attempts_total', 'event pkce_state_user_mismatch (P0)'],
    grafana: 'OAuth Security → "Code injection attempts", "Critical and high security events"',
  },
  {
    name: 'tampered-state',
    title: 'Tampered state',
    what: 'A real callback for your own flow, with the state altered on the way: its HMAC no longer verifies.',
    signals: ['oauth_pkce_validations_total{reason="invalid_hash"}', 'oauth_integrity_violations_total{violation_type="hash_mismatch"}', 'event pkce_state_integrity_violation (P1)'],
    grafana: 'OAuth Security → "Integrity violations"; OAuth Debugging → "PKCE validation failures by reason"',
  },
  {
    name: 'expired-state',
    title: 'Expired state',
    what: 'A flow whose state lives 1 ms, as if you had spent longer than PKCE_STATE_TTL_SECONDS at the AS. The cleanup job removes the dead state afterwards.',
    signals: ['oauth_pkce_validations_total{reason="expired"}', 'event pkce_state_expired (P3)', 'later oauth_pkce_states_cleaned_total{reason="expired"}'],
    grafana: 'OAuth Debugging → "PKCE validation failures by reason"; OAuth Overview → "Active tokens and PKCE states"',
  },
  {
    name: 'ownership',
    title: "Use another user's connection",
    what: "Tries to refresh the other demo user's newest connection as you. Refused before any token is touched.",
    signals: ['oauth_security_events_total{event_type="ownership_violation"}', 'oauth_token_refresh_total{reason="ownership_failed"}', 'event oauth_ownership_violation (P1)'],
    grafana: 'OAuth Security → "Ownership violations"; OAuth Debugging → "Refresh failures by reason"',
  },
  {
    name: 'mix-up',
    title: 'Mix-up: wrong iss',
    what: 'Signs in at the wrong-iss authorization server, whose response names another issuer (RFC 9207). The code is never sent anywhere.',
    signals: ['oauth_security_events_total{event_type="issuer_mismatch"}', 'oauth_flow_failures_total{reason="issuer_mismatch"}', 'event oauth_issuer_mismatch (P1)'],
    grafana: 'OAuth Security → "Security events by type"; OAuth Debugging → "Flow failures by reason"',
  },
  {
    name: 'pkce-downgrade',
    title: 'PKCE downgrade: AS without S256',
    what: 'Discovers the no-s256 authorization server, whose metadata offers only plain. The client refuses to start the flow.',
    signals: ['oauth_security_events_total{event_type="pkce_downgrade"}', 'oauth_flow_failures_total{reason="pkce_unsupported"}', 'event oauth_pkce_downgrade_detected (P1)'],
    grafana: 'OAuth Security → "Security events by type"; OAuth Debugging → "Flow failures by reason"',
  },
];

function Button({ action, testId, children, fields = {}, disabled = false, kind = 'primary' }: { action: string; testId: string; children: ReactNode; fields?: Record<string, string>; disabled?: boolean; kind?: 'primary' | 'secondary' | 'danger' }) {
  return (
    <form method="post" action={action} className="inline">
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <button type="submit" data-testid={testId} className={`btn ${kind}`} disabled={disabled}>
        {children}
      </button>
    </form>
  );
}

function ConnectionRow({ c }: { c: ConnectionView }) {
  const base = `/api/connections/${c.id}`;
  const active = c.status === 'active';
  return (
    <tr data-testid="connection" data-connection-id={c.id} data-status={c.status}>
      <td>
        <code>{c.id}</code>
      </td>
      <td>
        {c.serverId} <span className="muted small" data-testid="connection-route">{c.route}</span>
      </td>
      <td>
        <span className={`status ${c.status}`}>{c.status.replace(/_/g, ' ')}</span>
        {c.reuseDetected ? <span className="status alert">reuse detected</span> : null}
      </td>
      <td>{c.expiresInSeconds === null ? '–' : `${c.expiresInSeconds} s`}</td>
      <td>{c.generation}</td>
      <td>
        <div className="actions">
        <Button action={`${base}/call`} testId="call" disabled={!active}>
          Call MCP server
        </Button>
        <Button action={`${base}/refresh`} testId="refresh" disabled={!active} kind="secondary">
          Refresh
        </Button>
        <Button action={`${base}/revoke`} testId="revoke" disabled={!active} kind="secondary">
          Revoke
        </Button>
        {/* step-up: /mcp/write needs mcp:write (granted), /mcp/admin needs mcp:admin (never granted: the loop) */}
        <Button action={`${base}/step-up`} testId="step-up-write" fields={{ path: 'write' }} disabled={!active} kind="secondary">
          Step-up: write
        </Button>
        <Button action={`${base}/step-up`} testId="step-up-admin" fields={{ path: 'admin' }} disabled={!active} kind="secondary">
          Step-up: admin
        </Button>
        </div>
      </td>
    </tr>
  );
}

export default async function Page() {
  const appUrl = new URL(config().appUrl);
  // The redirect URI is registered on APP_URL: cookies set on another host would not come back.
  const host = (await headers()).get('host');
  if (host && host !== appUrl.host) redirect(appUrl.href);

  const session = decodeSession((await cookies()).get(SESSION_COOKIE)?.value);
  const vm = viewModel(session);
  const signedIn = vm.user !== null;
  const run = vm.lastScheduledRun;

  return (
    <main>
      <header>
        <div>
          <h1>oauth-otel · Next.js MCP client</h1>
          <p className="muted">
            An OAuth 2.1 client in the MCP style on <code>oauth4webapi</code>, instrumented with <code>oauth-otel</code>. Every step below is recorded as Prometheus metrics
            (<code>/api/metrics</code>) and redacted log events (stdout, OTLP).
          </p>
        </div>
        <div className="user" data-testid="user-panel">
          <span>
            Client-app user: <strong data-testid="current-user">{vm.user ?? 'nobody'}</strong>
          </span>
          {vm.users.map((u) => (
            <Button key={u} action="/api/session" testId={`sign-in-${u}`} fields={{ user: u }} kind={vm.user === u ? 'primary' : 'secondary'}>
              {vm.user === u ? `✓ ${u}` : `Be ${u}`}
            </Button>
          ))}
          {signedIn ? (
            <Button action="/api/session" testId="sign-out" fields={{ user: '' }} kind="secondary">
              Sign out
            </Button>
          ) : null}
        </div>
      </header>

      {vm.result ? (
        <section className={`result ${vm.result.kind}`} data-testid="result" data-kind={vm.result.kind}>
          <h2 data-testid="result-title">{vm.result.title}</h2>
          {vm.result.detail ? <p>{vm.result.detail}</p> : null}
          {vm.result.signals?.length ? (
            <ul className="signals" data-testid="result-signals">
              {vm.result.signals.map((s) => (
                <li key={s}>
                  <code>{s}</code>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      {!signedIn ? <p className="hint">Pick a demo user of the client app (alice or bob) to start. The authorization server has its own login with the same two accounts.</p> : null}

      <section>
        <h2>MCP servers</h2>
        <div className="cards">
          {vm.servers.map((s) => (
            <div className="card" key={s.id} data-testid={`server-${s.id}`}>
              <h3>{s.name}</h3>
              <p className="muted">{s.description}</p>
              <p>
                <code>{s.resourceUrl || 'not configured'}</code>
              </p>
              {s.missing ? <p className="hint">{s.missing}</p> : null}
              <Button action="/api/connect" testId={`connect-${s.id}`} fields={{ server: s.id }} disabled={!signedIn || Boolean(s.missing)}>
                Connect
              </Button>
              {s.id === 'main' ? (
                <Button action="/api/connect" testId="connect-main-cimd" fields={{ server: s.id, route: 'cimd' }} disabled={!signedIn || Boolean(s.missing) || !vm.cimdClientId} kind="secondary">
                  Connect with CIMD
                </Button>
              ) : null}
            </div>
          ))}
        </div>
        <p className="muted small">
          Connect with CIMD = the same flow without registration: the client_id is the URL of this app&apos;s client ID metadata document (
          <code>{vm.cimdClientId ?? 'not configured: set CIMD_CLIENT_ID'}</code>), which the AS fetches (MCP authorization 2026-07-28; DCR is deprecated). Step-up = call a scoped
          path; on 403 insufficient_scope re-authorize for the challenge&apos;s scope, at most 3 times. Grafana: OAuth Security → &quot;Completed flows by registration
          route&quot;, &quot;Step-up challenges per minute by resource&quot;, &quot;Step-up loops&quot;.
        </p>
        <p className="muted small">
          Connect = 401 from the MCP server → RFC 9728 resource metadata → RFC 8414 AS metadata (issuer checked, S256 required) → RFC 7591 registration → authorization request
          with PKCE S256, HMAC-bound state and RFC 8707 resource → callback (state, RFC 9207 iss) → code exchange. Grafana: OAuth Overview → &quot;Flow success&quot;, OAuth
          Performance → &quot;Flow duration by provider (p50, p95, p99)&quot;, &quot;Discovery duration by method (p50, p95, p99)&quot;, &quot;Dynamic client registration duration by status (p50, p95, p99)&quot;.
        </p>
      </section>

      <section>
        <h2>My connections</h2>
        {vm.connections.length === 0 ? (
          <p className="muted">No connection yet.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>id</th>
                <th>server</th>
                <th>status</th>
                <th>access token expires in</th>
                <th>refresh generation</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {vm.connections.map((c) => (
                <ConnectionRow key={c.id} c={c} />
              ))}
            </tbody>
          </table>
        )}
        <p className="muted small">
          Refresh rotates the refresh token (Grafana: OAuth Overview → &quot;Refresh success&quot;; OAuth Performance → &quot;Token refresh duration by status (p50, p95, p99)&quot;). Revoke calls the
          RFC 7009 endpoint (<code>oauth_token_revocations_total{'{reason="manual"}'}</code>; OAuth Overview → &quot;Active tokens and PKCE states&quot; drops).
          {vm.otherUsersConnections ? ` Other users hold ${vm.otherUsersConnections} connection(s).` : ''}
        </p>
      </section>

      <section>
        <h2>Background jobs</h2>
        <div className="cards">
          <div className="card" data-testid="job-scheduled-refresh">
            <h3>Scheduled refresh</h3>
            <p className="muted">
              Every {vm.settings.scheduledRefreshIntervalSeconds} s, tokens expiring within {vm.settings.refreshAheadSeconds} s are refreshed. Now: {vm.activeTokens} active, {vm.expiringSoon}{' '}
              expiring soon.
            </p>
            <p data-testid="last-scheduled-run">
              {run ? `Last run (${run.trigger}): ${run.refreshed} refreshed, ${run.failed} failed, ${run.durationMs} ms, ${new Date(run.at).toISOString().slice(11, 19)} UTC` : 'No run yet.'}
            </p>
            <Button action="/api/jobs/scheduled-refresh" testId="run-scheduled-refresh" kind="secondary">
              Run now (all tokens)
            </Button>
            <p className="muted small">Grafana: OAuth Performance → &quot;Scheduled refresh batch duration (p95)&quot;; OAuth Debugging → &quot;Scheduled refresh errors by type&quot;.</p>
          </div>
          <div className="card" data-testid="job-pkce-cleanup">
            <h3>PKCE state cleanup</h3>
            <p className="muted">
              Every {vm.settings.stateCleanupIntervalSeconds} s, states older than {vm.settings.stateTtlSeconds} s are removed. Pending now: <span data-testid="pending-states">{vm.pendingStates}</span>.
            </p>
            <p>{vm.lastCleanup ? `Last cleanup: ${vm.lastCleanup.removed} removed, ${new Date(vm.lastCleanup.at).toISOString().slice(11, 19)} UTC` : 'No cleanup yet.'}</p>
            <Button action="/api/jobs/pkce-cleanup" testId="run-pkce-cleanup" kind="secondary">
              Clean up now
            </Button>
            <p className="muted small">Grafana: OAuth Overview → &quot;Active tokens and PKCE states&quot;.</p>
          </div>
        </div>
      </section>

      <section>
        <h2>Attacks and failures</h2>
        <div className="cards attacks">
          {ATTACK_CARDS.map((a) => {
            const needsServer = a.name === 'mix-up' ? 'mixup' : a.name === 'pkce-downgrade' ? 'downgrade' : undefined;
            const missing = needsServer ? vm.servers.find((s) => s.id === needsServer)?.missing : undefined;
            return (
              <div className="card" key={a.name} data-testid={`attack-card-${a.name}`}>
                <h3>{a.title}</h3>
                <p>{a.what}</p>
                <ul className="signals">
                  {a.signals.map((x) => (
                    <li key={x}>
                      <code>{x}</code>
                    </li>
                  ))}
                </ul>
                <p className="small muted">
                  <strong>Grafana:</strong> {a.grafana}
                </p>
                {missing ? <p className="hint">{missing}</p> : null}
                <Button action={`/api/attacks/${a.name}`} testId={`attack-${a.name}`} disabled={!signedIn || Boolean(missing)} kind="danger">
                  Run
                </Button>
              </div>
            );
          })}
        </div>
      </section>

      <footer className="muted small">
        Metrics: <code>curl -H &quot;Authorization: Bearer $METRICS_TOKEN&quot; {vm.appUrl}/api/metrics</code> · the same attacks from a shell:{' '}
        <code>node examples/next-app/scripts/attacks.mjs</code>
      </footer>
    </main>
  );
}
