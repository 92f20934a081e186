/**
 * Zero-code proof with the MCP TypeScript SDK client's auth(): the MCP server's 401, then auth()
 * does RFC 9728, RFC 8414 and DCR and asks for the redirect; the test's user agent logs in; auth()
 * with the code exchanges it; auth() again refreshes; a rotated token presented again is refused
 * (auth() drops the tokens and asks for a new authorization). No recording call; the same steps recorded by hand
 * must give the same series. (The SDK has no revocation call.)
 *
 * The client is pre-registered (route `pre_registered`). The SDK's DCR, which sends the protected
 * resource's scopes (`scope: "mcp:read mcp:write"`), runs in mcp-sdk-dcr.test.ts against the AS with
 * `resourceScopesInRegistration`; its CIMD path in mcp2026-cimd.test.ts.
 */
import type * as McpAuth from '@modelcontextprotocol/sdk/client/auth.js';
import { authorize } from '../../../../examples/auth-server/test/helpers';
import { hostClone, nativeRequire } from './native';
import { leaks, runParity, sorted, type ParityResult, type Scenario } from './parity';
import { memoryProvider, REDIRECT } from './mcp-provider';

const sdk = nativeRequire('@modelcontextprotocol/sdk/client/auth.js') as typeof McpAuth;
const CLIENT = {
  client_id: 'zero-code-mcp',
  client_secret: 'zero-code-mcp-client-secret-0123456789',
  redirect_uris: [REDIRECT],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
};

const scenario: Scenario = async (as, rec, keep) => {
  const serverUrl = new URL(as.resourceUrl);
  const issuer = as.issuer;
  const { provider, state } = memoryProvider(keep);
  keep(CLIENT.client_secret);
  state.client = { client_id: CLIENT.client_id, client_secret: CLIENT.client_secret };
  // the MCP server's 401 (the SDK's transports read it the same way)
  const resourceMetadataUrl = await rec.discovery('www-authenticate', serverUrl.origin, async () => {
    const res = await fetch(serverUrl);
    await res.arrayBuffer();
    return sdk.extractResourceMetadataUrl(res)!;
  });
  /** One auth() call: it discovers (RFC 9728, RFC 8414) every time, then does `then`. */
  const authCall = <T>(then: (step: () => Promise<T>) => Promise<T>, step: () => Promise<T>) =>
    rec.discovery('rfc9728', serverUrl.origin, () => rec.discovery('rfc8414', issuer, () => then(step)));

  expect(await authCall((s) => s(), () => sdk.auth(provider as never, { serverUrl, resourceMetadataUrl }))).toBe('REDIRECT');
  const { callback } = await authorize(state.redirect!);
  const code = callback.searchParams.get('code')!;
  keep(code);
  expect(await authCall((s) => rec.codeExchange(issuer, s), () => sdk.auth(provider as never, { serverUrl, authorizationCode: code, resourceMetadataUrl }))).toBe('AUTHORIZED');
  const first = state.tokens!.refresh_token!;
  expect(await authCall((s) => rec.refresh(issuer, first, s), () => sdk.auth(provider as never, { serverUrl, resourceMetadataUrl }))).toBe('AUTHORIZED');
  expect(state.tokens!.refresh_token).not.toBe(first);
  // the app restores an old copy of its tokens: the SDK presents the rotated refresh token
  state.tokens = { ...state.tokens!, refresh_token: first };
  // On invalid_grant auth() drops the tokens and runs once more (discovery again, then a new
  // authorization request): two discoveries for this one call, which a manual app records too.
  await authCall<void>(
    (retry) => authCall<void>((s) => rec.reuse(issuer, first, s), retry),
    async () => {
      expect(await sdk.auth(provider as never, { serverUrl, resourceMetadataUrl })).toBe('REDIRECT');
      expect(state.tokens).toBeUndefined();
      throw Object.assign(new Error('refresh refused, tokens dropped'), { name: 'InvalidGrantError' });
    },
  );
};

let result: ParityResult;
beforeAll(async () => {
  result = await runParity(scenario, hostClone({ clients: [CLIENT] }));
});

test('zero-code MCP SDK auth(): the same OAuth series as the manual API, step for step', () => {
  expect(sorted(result.observed)).toEqual(sorted(result.manual));
  for (const [key, n] of [
    ['oauth_discovery_attempts_total{method="www-authenticate",status="success"}', 1],
    ['oauth_discovery_attempts_total{method="rfc9728",status="success"}', 5],
    ['oauth_discovery_attempts_total{method="rfc8414",status="success"}', 5],
    ['oauth_flows_total{provider="127.0.0.1",status="success"}', 1],
    ['oauth_flow_registration_routes_total{provider="127.0.0.1",route="pre_registered",status="success"}', 1],
    ['oauth_token_refresh_total{reason="normal",status="success"}', 1],
    ['oauth_token_refresh_total{reason="reuse_detected",status="reuse_detected"}', 1],
    ['oauth_security_events_total{event_type="token_reuse",severity="critical"}', 1],
  ] as const) expect([key, result.observed.get(key)]).toEqual([key, n]);
});

test('zero-code MCP SDK auth(): no secret of the flow in the exposition or the log records', () => {
  expect(result.secrets.size).toBeGreaterThanOrEqual(7);
  expect(result.stdoutLines).toBeGreaterThan(10);
  expect(leaks(result)).toEqual([]);
});
