#!/usr/bin/env node
// DPoP (RFC 9449) attack demo against the example authorization server and its protected resource.
//
//   node examples/auth-server/src/main.mjs &          # the AS, instrumented (metrics on :9464)
//   node scripts/attacks/dpop.mjs http://127.0.0.1:4000
//
// A public client registers, signs in as alice with PKCE and a DPoP key (oauth4webapi), and uses its
// DPoP-bound tokens honestly. Then an attacker who captured its traffic tries what RFC 9449 is there
// to stop; every attempt must be refused, and the AS (oauth-otel/oidc-provider) or the resource
// (onResourceDpopRejected) records it:
//   - replayed proof: the captured refresh request, proof included, sent again (AS, proof_replay),
//     and the captured resource request sent again (resource, proof_replay);
//   - stolen token without the key: the access token as a plain Bearer token (resource,
//     bearer_downgrade), with a proof of the attacker's own key (resource, key_mismatch), and the
//     DPoP-bound refresh token without a proof (AS, bearer_downgrade) and with the attacker's
//     proof (AS, key_mismatch);
//   - a proof made for another URL (AS, htu_mismatch).
// Prints one JSON line per step; exits non-zero when an attack was not refused.
// packages/oauth-otel/test/adapters/dpop-attacks.test.ts runs it against the real AS.
import * as crypto from 'node:crypto';
import { pathToFileURL } from 'node:url';

import * as oauth from 'oauth4webapi';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

// login + consent as alice, driven with plain fetch and a cookie jar
import { authorize } from '../../bench/lib/oauth-flow.mjs';
import { insecure, outcome } from './lib.mjs';

/** A DPoP proof of `keyPair` for `method url`, with `ath` when a token is given (RFC 9449 §4.2). */
async function proof(keyPair, method, url, accessToken) {
  const jwk = await exportJWK(keyPair.publicKey);
  return new SignJWT({
    htm: method,
    htu: url,
    jti: crypto.randomUUID(),
    ...(accessToken ? { ath: crypto.hash('sha256', accessToken, 'base64url') } : {}),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
    .setIssuedAt()
    .sign(keyPair.privateKey);
}

/**
 * What a DPoP client does with `use_dpop_nonce` (RFC 9449 §8): oauth4webapi's handle keeps the
 * nonce of the answer's DPoP-Nonce header, and the request is sent once more.
 */
async function nonceRetry(request) {
  try {
    return await request();
  } catch (err) {
    if (!oauth.isDPoPNonceError(err)) throw err;
    return request();
  }
}

/**
 * The honest DPoP client: DCR (public client), code flow with PKCE and a DPoP key, a resource call
 * and a refresh, all through oauth4webapi. Returns what an attacker would capture on the wire.
 */
export async function honestDpopClient({ issuer, resourceUrl }) {
  const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), { algorithm: 'oauth2', ...insecure }));
  const client = await oauth.processDynamicClientRegistrationResponse(
    await oauth.dynamicClientRegistrationRequest(as, { redirect_uris: ['http://127.0.0.1:9999/callback'], token_endpoint_auth_method: 'none', client_name: 'DPoP demo' }, insecure),
  );
  const keyPair = await oauth.generateKeyPair('ES256');
  const DPoP = oauth.DPoP(client, keyPair);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: client.redirect_uris[0],
    scope: 'mcp:read',
    resource: resourceUrl,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const params = oauth.validateAuthResponse(as, client, await authorize(url), state);
  const tokens = await nonceRetry(async () => oauth.processAuthorizationCodeResponse(as, client,
    await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, client.redirect_uris[0], verifier, { DPoP, additionalParameters: { resource: resourceUrl }, ...insecure })));

  // The resource call and the refresh, each captured as an attacker on the wire would see it.
  let resourceRequest;
  const resource = await oauth.protectedResourceRequest(tokens.access_token, 'GET', new URL(resourceUrl), undefined, undefined, {
    DPoP,
    ...insecure,
    [oauth.customFetch]: (u, init) => {
      resourceRequest = { url: String(u), headers: Object.fromEntries(new Headers(init.headers)) };
      return fetch(u, init);
    },
  });
  let refreshRequest;
  const refreshed = await nonceRetry(async () => oauth.processRefreshTokenResponse(as, client,
    await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token, {
      DPoP,
      additionalParameters: { resource: resourceUrl },
      ...insecure,
      [oauth.customFetch]: (u, init) => {
        refreshRequest = { url: String(u), headers: Object.fromEntries(new Headers(init.headers)), body: String(init.body) };
        return fetch(u, init);
      },
    })));
  return {
    as,
    client,
    tokenType: tokens.token_type,
    resourceStatus: resource.status,
    accessToken: refreshed.access_token,
    refreshToken: refreshed.refresh_token,
    resourceRequest,
    refreshRequest,
  };
}

/** A replayed proof: the captured refresh request and the captured resource request, sent again. */
export async function replayedProof(captured) {
  const { refreshRequest: r, resourceRequest: q } = captured;
  const tokenEndpoint = await outcome(await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body }));
  const resource = await outcome(await fetch(q.url, { headers: q.headers }));
  return { tokenEndpoint, resource };
}

/** A stolen DPoP-bound access token and refresh token, used without the client's key. */
export async function stolenTokenWithoutKey(captured, { resourceUrl }) {
  const { accessToken, refreshToken, client, as } = captured;
  const attackerKey = await generateKeyPair('ES256');
  const asBearer = await outcome(await fetch(resourceUrl, { headers: { authorization: `Bearer ${accessToken}` } }));
  const otherKey = await outcome(await fetch(resourceUrl, {
    headers: { authorization: `DPoP ${accessToken}`, dpop: await proof(attackerKey, 'GET', resourceUrl, accessToken) },
  }));
  const form = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id, resource: resourceUrl };
  const refreshWithoutProof = await outcome(await fetch(as.token_endpoint, { method: 'POST', body: new URLSearchParams(form) }));
  const refreshWithOtherKey = await outcome(await fetch(as.token_endpoint, {
    method: 'POST',
    headers: { dpop: await proof(attackerKey, 'POST', as.token_endpoint) },
    body: new URLSearchParams(form),
  }));
  return { asBearer, otherKey, refreshWithoutProof, refreshWithOtherKey };
}

/** A proof made for another URL (wrong `htu`), presented at the token endpoint. */
export async function misdirectedProof(captured, { resourceUrl }) {
  const { refreshToken, client, as } = captured;
  const key = await generateKeyPair('ES256');
  const form = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id, resource: resourceUrl };
  return outcome(await fetch(as.token_endpoint, {
    method: 'POST',
    headers: { dpop: await proof(key, 'POST', resourceUrl) },
    body: new URLSearchParams(form),
  }));
}

/**
 * Nonce churn (RFC 9449 §8): a client that ignores the DPoP-Nonce header and sends `times` fresh
 * proofs without a nonce to an AS that requires one. Each is answered `use_dpop_nonce`.
 */
export async function ignoringNonces(captured, { resourceUrl, times = 5 }) {
  const { refreshToken, client, as } = captured;
  const key = await generateKeyPair('ES256');
  const form = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: client.client_id, resource: resourceUrl };
  const out = [];
  for (let i = 0; i < times; i++) {
    out.push(await outcome(await fetch(as.token_endpoint, { method: 'POST', headers: { dpop: await proof(key, 'POST', as.token_endpoint) }, body: new URLSearchParams(form) })));
  }
  return out;
}

/** Runs every step; `ok` is true when the honest client worked and every attack was refused. */
export async function runDpopAttacks({ issuer, resourceUrl = `${issuer}/mcp` }) {
  const captured = await honestDpopClient({ issuer, resourceUrl });
  const honest = { tokenType: captured.tokenType, resourceStatus: captured.resourceStatus };
  const replay = await replayedProof(captured);
  const stolen = await stolenTokenWithoutKey(captured, { resourceUrl });
  const misdirected = await misdirectedProof(captured, { resourceUrl });
  const refused = [replay.tokenEndpoint, replay.resource, stolen.asBearer, stolen.otherKey, stolen.refreshWithoutProof, stolen.refreshWithOtherKey, misdirected].every((o) => o.status >= 400);
  return { ok: honest.tokenType === 'dpop' && honest.resourceStatus === 200 && refused, honest, replay, stolen, misdirected };
}

// No top-level await: the jest test loads this module with require().
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runDpopAttacks({ issuer: process.argv[2] ?? 'http://127.0.0.1:4000' }).then((result) => {
    for (const [step, value] of Object.entries(result)) console.log(JSON.stringify({ step, ...(typeof value === 'object' ? value : { value }) }));
    process.exitCode = result.ok ? 0 : 1;
  }, (err) => {
    console.error(err);
    process.exitCode = 2;
  });
}
