#!/usr/bin/env node
// Dynamic client registration abuse (RFC 7591 §5, RFC 9700 §4.1) against the example AS.
//
//   TRUST_PROXY=1 node examples/auth-server/src/main.mjs &   # trusts X-Forwarded-For for the burst
//   node scripts/attacks/registration-abuse.mjs http://127.0.0.1:4000
//
// What the AS adapter (instrumentOidcProvider, `registration` policy) reports:
//   - a burst of registrations from one source (X-Forwarded-For 203.0.113.7): one
//     `oauth_registration_rate_exceeded` per window, reason rate_exceeded;
//   - redirect URIs on suspicious hosts: http on a public name and an IP literal
//     (`oauth_registration_suspicious_redirect_uri`); loopback http is fine;
//   - a client that registers and never obtains a token (`oauth_registration_abandoned`), swept
//     on a later registration once the policy's abandonedAfterMs has passed.
// All count in oauth_server_registration_anomalies_total and registration_abuse security events.
// packages/oauth-otel/test/adapters/threats.test.ts runs it against the real AS.
import { cli, register, target, tokensFor } from './lib.mjs';

export const BURST_SOURCE = '203.0.113.7';

/** `count` registrations that all claim to come from one public address. */
export async function burst(t, count) {
  const ids = [];
  for (let i = 0; i < count; i++) ids.push((await register(t, { token_endpoint_auth_method: 'none' }, { 'x-forwarded-for': BURST_SOURCE })).client_id);
  return ids;
}

/** One http redirect URI on a public name, one IP literal, and a harmless loopback pair. */
export async function suspiciousRedirects(t) {
  await register(t, { redirect_uris: ['http://attacker.example/cb'], token_endpoint_auth_method: 'none' });
  await register(t, { redirect_uris: ['https://198.51.100.4/cb'], token_endpoint_auth_method: 'none' });
  await register(t, { redirect_uris: ['http://localhost:4000/cb', 'http://[::1]:5000/cb'], token_endpoint_auth_method: 'none' });
}

/**
 * A client that registers and goes idle next to one that completes a flow; after `waitMs` (longer
 * than the policy's abandonedAfterMs) a further registration lets the AS sweep. Resolves to the
 * idle client's id.
 */
export async function abandonedClient(t, { waitMs }) {
  const idle = (await register(t, { token_endpoint_auth_method: 'none' })).client_id;
  await tokensFor(t, await register(t, { token_endpoint_auth_method: 'none' }));
  await new Promise((r) => setTimeout(r, waitMs));
  await register(t, { token_endpoint_auth_method: 'none' });
  return idle;
}

export async function runRegistrationAbuse({ burstSize = 25, waitMs = 0, ...options }) {
  const t = await target(options);
  const registered = (await burst(t, burstSize)).length;
  await suspiciousRedirects(t);
  const idle = waitMs > 0 ? await abandonedClient(t, { waitMs }) : undefined;
  return { burst: { registered }, idle: { clientId: idle }, expect: { metric: 'oauth_server_registration_anomalies_total', events: ['oauth_registration_rate_exceeded', 'oauth_registration_suspicious_redirect_uri', 'oauth_registration_abandoned'] } };
}

cli(import.meta, (o) => runRegistrationAbuse({ ...o, waitMs: Number(process.argv[3] ?? 0) }));
