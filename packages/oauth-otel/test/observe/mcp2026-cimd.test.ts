/**
 * MCP authorization 2026-07-28, Client ID Metadata Documents: the MCP SDK client with a
 * `clientMetadataUrl` against the example AS, which resolves it with oidc-provider's own CIMD
 * support (the document is served by a small host of the client's). Zero-code parity with the
 * manual API, `route="cimd"`, no registration, no DCR warning, no leak.
 */
import * as http from 'node:http';
import type * as McpAuth from '@modelcontextprotocol/sdk/client/auth.js';
import { authorize } from '../../../../examples/auth-server/test/helpers';
import { hostClone, nativeRequire } from './native';
import { leaks, runParity, sorted, type ParityResult, type Scenario } from './parity';
import { memoryProvider, REDIRECT } from './mcp-provider';

const sdk = nativeRequire('@modelcontextprotocol/sdk/client/auth.js') as typeof McpAuth;
const CIMD_ORIGIN = 'https://mcp-client.example';
const CIMD_ID = `${CIMD_ORIGIN}/oauth/client.json`;

/** The client's own host serving its Client ID Metadata Document (the AS fetches it). */
async function cimdHost(): Promise<{ origin: string; close(): Promise<void> }> {
  const doc = {
    client_id: CIMD_ID,
    client_name: 'MCP client (CIMD)',
    redirect_uris: [REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  };
  const server = http.createServer((req, res) => {
    if (req.url !== '/oauth/client.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('CIMD: the MCP SDK client with a Client ID Metadata Document', () => {
  let result: ParityResult;
  let host: Awaited<ReturnType<typeof cimdHost>>;
  beforeAll(async () => {
    host = await cimdHost();
    const scenario: Scenario = async (as, rec, keep) => {
      const serverUrl = new URL(as.resourceUrl);
      const { provider, state } = memoryProvider(keep, { clientName: 'MCP client (CIMD)', clientMetadataUrl: CIMD_ID, tokenEndpointAuthMethod: 'none' });
      const resourceMetadataUrl = new URL(as.resourceMetadataUrl);
      const call = <T>(then: (s: () => Promise<T>) => Promise<T>, step: () => Promise<T>) =>
        rec.discovery('rfc9728', serverUrl.origin, () => rec.discovery('rfc8414', as.issuer, () => then(step)));
      expect(await call((s) => s(), () => sdk.auth(provider as never, { serverUrl, resourceMetadataUrl }))).toBe('REDIRECT');
      expect(state.client?.client_id).toBe(CIMD_ID);
      const { callback } = await authorize(state.redirect!);
      const code = callback.searchParams.get('code')!;
      keep(code);
      expect(await call((s) => rec.codeExchange(as.issuer, s, 'cimd'), () => sdk.auth(provider as never, { serverUrl, authorizationCode: code, resourceMetadataUrl }))).toBe('AUTHORIZED');
    };
    result = await runParity(scenario, hostClone({ clientMetadataDocumentOrigins: { [CIMD_ORIGIN]: host.origin } }));
  });
  afterAll(() => host.close());

  test('no registration request; the flow counts as route="cimd", the same as recorded by hand', () => {
    expect(sorted(result.observed)).toEqual(sorted(result.manual));
    expect(result.observed.get('oauth_flow_registration_routes_total{provider="127.0.0.1",route="cimd",status="success"}')).toBe(1);
    expect([...result.observed.keys()].filter((k) => k.startsWith('oauth_client_registrations_total'))).toEqual([]);
    expect(result.logs).not.toContain('oauth_dynamic_registration_deprecated');
    expect(leaks(result)).toEqual([]);
  });
});

