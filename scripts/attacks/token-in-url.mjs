#!/usr/bin/env node
// Token in a URL (RFC 9700 §4.3.2, RFC 6750 §2.3) against the example AS and its protected resource.
//
//   node examples/auth-server/src/main.mjs &          # the AS, instrumented (metrics on :9464)
//   node scripts/attacks/token-in-url.mjs http://127.0.0.1:4000
//
// An honest public client gets tokens, then sends them where RFC 9700 rules them out:
//   - the access token in the resource request's query (?access_token=…): the client's traffic
//     observer reports `oauth_token_in_url` (token_in_url, side=client) when the process that sends
//     it runs oauth-otel's observer (initTelemetry({ observe: true }), as the test does);
//   - the refresh token in the token endpoint's query: the AS adapter reports it (side=server,
//     endpoint=token), and the client's observer too.
// Both events carry the parameter's name, never its value.
// packages/oauth-otel/test/adapters/threats.test.ts runs it against the real AS.
import { cli, outcome, register, target, tokensFor } from './lib.mjs';

/** A public client and its tokens, obtained honestly. */
export async function honestClient(t) {
  const client = await register(t, { token_endpoint_auth_method: 'none' });
  return { client, ...(await tokensFor(t, client)) };
}

/** The access token in the protected resource's query string. */
export async function accessTokenInQuery(t, { tokens }) {
  return outcome(await fetch(`${t.resourceUrl}?access_token=${encodeURIComponent(tokens.access_token)}&page=2`));
}

/** The refresh token in the token endpoint's query string (and in the body, so the grant works). */
export async function refreshTokenInQuery(t, { client, tokens }) {
  const url = new URL(t.md.token_endpoint);
  url.searchParams.set('refresh_token', tokens.refresh_token);
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: client.client_id, refresh_token: tokens.refresh_token }) });
  const body = await res.json().catch(() => ({}));
  t.keep(body.access_token);
  t.keep(body.refresh_token);
  return { status: res.status, error: body.error };
}

export async function runTokenInUrl(options) {
  const t = await target(options);
  const accessToken = await accessTokenInQuery(t, await honestClient(t));
  const refreshToken = await refreshTokenInQuery(t, await honestClient(t));
  return { accessToken, refreshToken, expect: { event: 'oauth_token_in_url', metric: 'oauth_token_in_url_total' } };
}

cli(import.meta, runTokenInUrl);
