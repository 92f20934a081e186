/**
 * Zero-code proof with openid-client 6: challenge and RFC 9728 with plain fetch (openid-client has
 * no helper for them), then discovery + DCR in one call, the code flow, refresh (rotation), the
 * rotated token replayed (reuse) and revocation, against the real example AS with no recording
 * call. The same steps recorded by hand must give the same series.
 */
import type * as OpenidClient from 'openid-client' with { 'resolution-mode': 'import' };
import { authorize } from '../../../../examples/auth-server/test/helpers';
import { nativeRequire } from './native';
import { leaks, runParity, sorted, type ParityResult, type Scenario } from './parity';

const client = nativeRequire('openid-client') as typeof OpenidClient;
const REDIRECT = 'http://127.0.0.1:9999/callback';

/** The Bearer challenge's resource_metadata, read as an app without a helper would. */
function resourceMetadataOf(res: Response): URL {
  const m = /resource_metadata="([^"]+)"/.exec(res.headers.get('www-authenticate') ?? '');
  expect(m).not.toBeNull();
  return new URL(m![1]!);
}

const scenario: Scenario = async (as, rec, keep) => {
  const resource = new URL(as.resourceUrl);
  const rm = await rec.discovery('www-authenticate', resource.origin, async () => {
    const res = await fetch(resource);
    await res.arrayBuffer();
    expect(res.status).toBe(401);
    return resourceMetadataOf(res);
  });
  const prm = await rec.discovery('rfc9728', resource.origin, async () => {
    const res = await fetch(rm, { headers: { accept: 'application/json' } });
    expect(res.ok).toBe(true);
    return (await res.json()) as { authorization_servers: string[] };
  });
  const issuer = new URL(prm.authorization_servers[0]!);
  // discovery and registration are one call in openid-client: a manual app records both
  const config = await rec.discovery('rfc8414', issuer.href, () =>
    rec.registration(issuer.href, () =>
      client.dynamicClientRegistration(
        issuer,
        { redirect_uris: [REDIRECT], client_name: 'zero-code openid-client', token_endpoint_auth_method: 'client_secret_basic' },
        undefined,
        { execute: [client.allowInsecureRequests], algorithm: 'oauth2' },
      ),
    ),
  );
  const meta = config.clientMetadata();
  keep(meta.client_secret);
  keep(meta.registration_access_token);
  const verifier = client.randomPKCECodeVerifier();
  keep(verifier);
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT, scope: 'mcp:read', resource: as.resourceUrl, state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const { callback } = await authorize(url);
  keep(callback.searchParams.get('code'));
  const provider = config.serverMetadata().issuer;
  const tokens = await rec.codeExchange(provider, () =>
    client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }, { resource: as.resourceUrl }),
  );
  keep(tokens.access_token);
  keep(tokens.refresh_token);
  const first = tokens.refresh_token!;
  const refreshed = await rec.refresh(provider, first, () => client.refreshTokenGrant(config, first, { resource: as.resourceUrl }));
  keep(refreshed.access_token);
  keep(refreshed.refresh_token);
  await rec.reuse(provider, first, () => client.refreshTokenGrant(config, first, { resource: as.resourceUrl }));
  await rec.revocation(provider, () => client.tokenRevocation(config, refreshed.refresh_token!));
};

let result: ParityResult;
beforeAll(async () => {
  result = await runParity(scenario);
});

test('zero-code openid-client: the same OAuth series as the manual API, step for step', () => {
  expect(sorted(result.observed)).toEqual(sorted(result.manual));
  for (const key of [
    'oauth_discovery_attempts_total{method="www-authenticate",status="success"}',
    'oauth_discovery_attempts_total{method="rfc9728",status="success"}',
    'oauth_discovery_attempts_total{method="rfc8414",status="success"}',
    'oauth_client_registrations_total{status="success"}',
    'oauth_flows_total{provider="127.0.0.1",status="success"}',
    'oauth_flow_registration_routes_total{provider="127.0.0.1",route="dcr",status="success"}',
    'oauth_token_refresh_total{reason="normal",status="success"}',
    'oauth_token_refresh_total{reason="reuse_detected",status="reuse_detected"}',
    'oauth_security_events_total{event_type="token_reuse",severity="critical"}',
    'oauth_token_revocations_total{reason="manual"}',
  ]) expect([key, result.observed.get(key)]).toEqual([key, 1]);
});

test('zero-code openid-client: no secret of the flow in the exposition or the log records', () => {
  expect(result.secrets.size).toBeGreaterThanOrEqual(7);
  expect(result.stdoutLines).toBeGreaterThan(10);
  expect(leaks(result)).toEqual([]);
});
