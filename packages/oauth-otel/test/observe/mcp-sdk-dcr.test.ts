/**
 * The MCP SDK client's dynamic client registration (deprecated by MCP 2026-07-28, still its fallback
 * without a `clientMetadataUrl`) against the example AS, which accepts the resource scopes the SDK
 * registers (`resourceScopesInRegistration`). Zero-code parity with the manual API: the registration
 * counted, the flow `route="dcr"`; the deprecation warning written once; no leak.
 */
import type * as McpAuth from '@modelcontextprotocol/sdk/client/auth.js';
import { authorize } from '../../../../examples/auth-server/test/helpers';
import { hostClone, nativeRequire } from './native';
import { leaks, runParity, sorted, type ParityResult, type Scenario } from './parity';
import { memoryProvider } from './mcp-provider';

const sdk = nativeRequire('@modelcontextprotocol/sdk/client/auth.js') as typeof McpAuth;

const scenario: Scenario = async (as, rec, keep) => {
  const serverUrl = new URL(as.resourceUrl);
  const { provider, state } = memoryProvider(keep, { clientName: 'MCP client (DCR)' });
  const resourceMetadataUrl = new URL(as.resourceMetadataUrl);
  const call = <T>(then: (s: () => Promise<T>) => Promise<T>, step: () => Promise<T>) =>
    rec.discovery('rfc9728', serverUrl.origin, () => rec.discovery('rfc8414', as.issuer, () => then(step)));
  // the first auth() discovers, registers (DCR, with the resource's scopes) and asks for the redirect
  expect(await call((s) => rec.registration(as.issuer, s), () => sdk.auth(provider as never, { serverUrl, resourceMetadataUrl }))).toBe('REDIRECT');
  expect(state.client?.client_id).toEqual(expect.any(String));
  const { callback } = await authorize(state.redirect!);
  const code = callback.searchParams.get('code')!;
  keep(code);
  expect(await call((s) => rec.codeExchange(as.issuer, s), () => sdk.auth(provider as never, { serverUrl, authorizationCode: code, resourceMetadataUrl }))).toBe('AUTHORIZED');
};

let result: ParityResult;
beforeAll(async () => {
  result = await runParity(scenario, hostClone({ resourceScopesInRegistration: true }));
});

test('zero-code MCP SDK DCR: registration counted, the flow is route="dcr", the same as recorded by hand', () => {
  expect(sorted(result.observed)).toEqual(sorted(result.manual));
  expect(result.observed.get('oauth_client_registrations_total{status="success"}')).toBe(1);
  expect(result.observed.get('oauth_flow_registration_routes_total{provider="127.0.0.1",route="dcr",status="success"}')).toBe(1);
});

test('zero-code MCP SDK DCR: the deprecation warning once; no secret in any signal', () => {
  const warnings = result.logs.split('\n').filter((l) => l.startsWith('{') && l.includes('"event":"oauth_dynamic_registration_deprecated"'));
  expect(warnings).toHaveLength(1);
  expect(result.secrets.size).toBeGreaterThanOrEqual(4);
  expect(leaks(result)).toEqual([]);
});
