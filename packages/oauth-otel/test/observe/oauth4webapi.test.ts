/**
 * Zero-code proof with oauth4webapi: challenge → RFC 9728 → RFC 8414 → DCR → code flow →
 * refresh (rotation) → replay of the rotated token (reuse) → revocation, against the real example
 * AS, with no recording call. The same steps recorded by hand must give the same series.
 */
import { authorize } from '../../../../examples/auth-server/test/helpers';
import { oauth } from '../../../../examples/auth-server/test/native';
import { leaks, runParity, sorted, type ParityResult, type Scenario } from './parity';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const REDIRECT = 'http://127.0.0.1:9999/callback';

const scenario: Scenario = async (as, rec, keep) => {
  const resource = new URL(as.resourceUrl);
  // 1. the MCP server's 401 names its metadata
  const rm = await rec.discovery('www-authenticate', resource.origin, async () => {
    // as examples/next-app does: oauth4webapi parses the challenge of a tokenless request
    const err = await oauth
      .protectedResourceRequest('probe', 'GET', resource, undefined, undefined, {
        ...insecure,
        [oauth.customFetch]: (u: string, init: RequestInit) => {
          const headers = new Headers(init.headers);
          headers.delete('authorization');
          return fetch(u, { method: init.method!, headers, redirect: init.redirect! });
        },
      })
      .then(() => undefined, (e: unknown) => e as { code?: string; cause?: Array<{ scheme: string; parameters: Record<string, string> }> });
    expect(err?.code).toBe(oauth.WWW_AUTHENTICATE_CHALLENGE);
    return new URL(err!.cause!.find((c) => c.scheme === 'bearer')!.parameters.resource_metadata!);
  });
  // 2. RFC 9728
  const prm = await rec.discovery('rfc9728', resource.origin, async () =>
    oauth.processResourceDiscoveryResponse(resource, await fetch(rm, { headers: { accept: 'application/json' } })),
  );
  const issuer = new URL(prm.authorization_servers![0]!);
  // 3. RFC 8414
  const md = await rec.discovery('rfc8414', issuer.href, async () =>
    oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure })),
  );
  // 4. RFC 7591
  const client = await rec.registration(md.issuer, async () =>
    oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(md, { redirect_uris: [REDIRECT], client_name: 'zero-code', token_endpoint_auth_method: 'client_secret_basic' }, insecure),
    ),
  );
  keep(client.client_secret);
  keep(client.registration_access_token);
  const auth = oauth.ClientSecretBasic(client.client_secret as string);
  // 5. authorization code flow (the browser part is the test's user agent, not traffic of the client)
  const verifier = oauth.generateRandomCodeVerifier();
  keep(verifier);
  const state = oauth.generateRandomState();
  const url = new URL(md.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'mcp:read', resource: as.resourceUrl, state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  }).toString();
  const { callback } = await authorize(url);
  const params = oauth.validateAuthResponse(md, client, callback, state);
  keep(params.get('code'));
  const tokens = await rec.codeExchange(md.issuer, async () =>
    oauth.processAuthorizationCodeResponse(md, client, await oauth.authorizationCodeGrantRequest(md, client, auth, params, REDIRECT, verifier, { additionalParameters: { resource: as.resourceUrl }, ...insecure })),
  );
  keep(tokens.access_token);
  keep(tokens.refresh_token);
  // 6. refresh: the AS rotates the refresh token
  const first = tokens.refresh_token!;
  const refreshed = await rec.refresh(md.issuer, first, async () =>
    oauth.processRefreshTokenResponse(md, client, await oauth.refreshTokenGrantRequest(md, client, auth, first, { additionalParameters: { resource: as.resourceUrl }, ...insecure })),
  );
  keep(refreshed.access_token);
  keep(refreshed.refresh_token);
  // 7. the rotated token presented again: the AS answers invalid_grant (reuse)
  await rec.reuse(md.issuer, first, async () =>
    oauth.processRefreshTokenResponse(md, client, await oauth.refreshTokenGrantRequest(md, client, auth, first, { additionalParameters: { resource: as.resourceUrl }, ...insecure })),
  );
  // 8. RFC 7009
  await rec.revocation(md.issuer, async () => {
    await oauth.processRevocationResponse(await oauth.revocationRequest(md, client, auth, refreshed.refresh_token!, insecure));
  });
};

let result: ParityResult;
beforeAll(async () => {
  result = await runParity(scenario);
});

test('zero-code oauth4webapi: the same OAuth series as the manual API, step for step', () => {
  expect(sorted(result.observed)).toEqual(sorted(result.manual));
  // and the flow really was seen (not two empty deltas)
  expect(result.observed.get('oauth_discovery_attempts_total{method="www-authenticate",status="success"}')).toBe(1);
  expect(result.observed.get('oauth_discovery_attempts_total{method="rfc9728",status="success"}')).toBe(1);
  expect(result.observed.get('oauth_discovery_attempts_total{method="rfc8414",status="success"}')).toBe(1);
  expect(result.observed.get('oauth_client_registrations_total{status="success"}')).toBe(1);
  expect(result.observed.get('oauth_flows_total{provider="127.0.0.1",status="success"}')).toBe(1);
  expect(result.observed.get('oauth_flow_registration_routes_total{provider="127.0.0.1",route="dcr",status="success"}')).toBe(1);
  expect(result.observed.get('oauth_token_refresh_total{reason="normal",status="success"}')).toBe(1);
  expect(result.observed.get('oauth_token_refresh_total{reason="reuse_detected",status="reuse_detected"}')).toBe(1);
  expect(result.observed.get('oauth_security_events_total{event_type="token_reuse",severity="critical"}')).toBe(1);
  expect(result.observed.get('oauth_token_endpoint_errors_total{error="invalid_grant",grant_type="refresh_token",provider="127.0.0.1"}')).toBe(1);
  expect(result.observed.get('oauth_token_revocations_total{reason="manual"}')).toBe(1);
});

test('zero-code oauth4webapi: no secret of the flow in the exposition or the log records', () => {
  expect(result.secrets.size).toBeGreaterThanOrEqual(7);
  expect(result.stdoutLines).toBeGreaterThan(10);
  expect(result.logs).toContain('oauth_refresh_token_reuse_detected');
  expect(leaks(result)).toEqual([]);
});
