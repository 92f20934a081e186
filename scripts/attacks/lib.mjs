// Shared steps of the attack demos under scripts/attacks/: discovery, dynamic registration and an
// honest code flow with PKCE, all through oauth4webapi against the example AS (examples/auth-server).
// Every secret a step handles (client secrets, codes, verifiers, tokens) is passed to `keep`, so a
// test can check that none of them reached the telemetry; the demos never print one.
import { pathToFileURL } from 'node:url';

import * as oauth from 'oauth4webapi';

// login + consent, driven with plain fetch and a cookie jar
import { authorize } from '../../bench/lib/oauth-flow.mjs';

export const insecure = { [oauth.allowInsecureRequests]: true };
const ignore = () => {};

/**
 * The demo's view of the example AS. `resourceUrl` and `resourceMetadataUrl` follow the example's
 * layout (`/mcp`, RFC 9728 `/.well-known/oauth-protected-resource/mcp`) unless given.
 */
export async function target({ issuer, resourceUrl, resourceMetadataUrl, keep = ignore }) {
  const url = new URL(issuer);
  const md = await oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, { algorithm: 'oauth2', ...insecure }));
  return {
    issuer,
    md,
    resourceUrl: resourceUrl ?? `${issuer.replace(/\/$/, '')}/mcp`,
    resourceMetadataUrl: resourceMetadataUrl ?? `${url.origin}/.well-known/oauth-protected-resource/mcp`,
    keep: (s) => {
      if (s) keep(s);
      return s;
    },
  };
}

/** RFC 7591 registration; `headers` lets a demo pose as a source (X-Forwarded-For behind a trusted proxy). */
export async function register(t, metadata, headers = {}) {
  const response = await oauth.dynamicClientRegistrationRequest(t.md, { redirect_uris: ['http://127.0.0.1:9999/callback'], client_name: 'attack demo', ...metadata }, { headers, ...insecure });
  const client = await oauth.processDynamicClientRegistrationResponse(response);
  t.keep(client.client_secret);
  t.keep(client.registration_access_token);
  return client;
}

/** An honest code flow with PKCE for `client`, signed in as `user`; resolves to its tokens and state. */
export async function tokensFor(t, client, user = 'alice') {
  const verifier = t.keep(oauth.generateRandomCodeVerifier());
  const state = oauth.generateRandomState();
  const url = new URL(t.md.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: client.client_id,
    response_type: 'code',
    redirect_uri: client.redirect_uris[0],
    scope: 'mcp:read',
    resource: t.resourceUrl,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const callback = await authorize(url, { username: user, password: `${user}-password` });
  const params = oauth.validateAuthResponse(t.md, client, callback, state);
  t.keep(params.get('code'));
  const auth = client.token_endpoint_auth_method === 'none' ? oauth.None() : oauth.ClientSecretBasic(client.client_secret);
  const response = await oauth.authorizationCodeGrantRequest(t.md, client, auth, params, client.redirect_uris[0], verifier, {
    additionalParameters: { resource: t.resourceUrl },
    ...insecure,
  });
  const tokens = await oauth.processAuthorizationCodeResponse(t.md, client, response);
  t.keep(tokens.access_token);
  t.keep(tokens.refresh_token);
  return { tokens, state };
}

/** The parts of a response a reader needs (never a token). */
export async function outcome(response) {
  const body = await response.text();
  let error;
  try {
    error = JSON.parse(body).error;
  } catch {
    error = undefined;
  }
  return { status: response.status, error };
}

/**
 * The command line of every demo: `node scripts/attacks/<demo>.mjs [issuer]` runs `run` against
 * the AS at `issuer` (default http://127.0.0.1:4000) and prints one JSON line per step.
 * No top-level await: the jest tests load these modules with require().
 */
export function cli(meta, run) {
  if (meta.url !== pathToFileURL(process.argv[1] ?? '').href) return;
  run({ issuer: process.argv[2] ?? 'http://127.0.0.1:4000' }).then((result) => {
    for (const [step, value] of Object.entries(result)) console.log(JSON.stringify({ step, ...(value && typeof value === 'object' && !Array.isArray(value) ? value : { value }) }));
    process.exitCode = result.ok === false ? 1 : 0;
  }, (err) => {
    console.error(err);
    process.exitCode = 2;
  });
}
