// MCP authorization 2026-07-28 support of the example AS: Client ID Metadata Documents through
// oidc-provider's own feature, the `no-iss` variant (RFC 9207), and the protected resource's
// step-up challenge (403 insufficient_scope). Real oauth4webapi client, real HTTP.
import * as http from 'node:http';

import { authorize } from './helpers';
import { authServer, oauth, type AuthServer } from './native';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const REDIRECT = 'http://127.0.0.1:9999/callback';
const CIMD_ORIGIN = 'https://client.example';
const CIMD_ID = `${CIMD_ORIGIN}/oauth/metadata.json`;

type Metadata = Awaited<ReturnType<typeof oauth.processDiscoveryResponse>>;
/** Options as host-realm objects: oidc-provider runs in the host realm and checks `instanceof Array`. */
const hostClone = new (Buffer.constructor as FunctionConstructor)('v', 'return JSON.parse(JSON.stringify(v))') as <T>(v: T) => T;

const servers: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

/** The client's host: serves its metadata document, and counts how often the AS fetched it. */
async function documentHost(doc: Record<string, unknown>) {
  let fetched = 0;
  const server = http.createServer((req, res) => {
    fetched++;
    if (req.url !== '/oauth/metadata.json') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = { origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`, fetched: () => fetched, close: () => new Promise<void>((r) => server.close(() => r())) };
  servers.push(host);
  return host;
}

async function start(options: Record<string, unknown> = {}): Promise<{ as: AuthServer; md: Metadata }> {
  const as = await authServer.createAuthServer(hostClone(options));
  servers.push(as);
  const md = (await (await fetch(as.metadataUrl)).json()) as Metadata;
  return { as, md };
}

/** A code flow with oauth4webapi; `check` lets the caller look at the callback before the exchange. */
async function codeFlow(as: AuthServer, md: Metadata, client: { client_id: string }, scope: string) {
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(md.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT, scope, resource: as.resourceUrl,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  }).toString();
  const { callback } = await authorize(url);
  return { callback, verifier };
}

test('CIMD: the AS advertises it and resolves an https client_id by fetching its document', async () => {
  const doc = { client_id: CIMD_ID, client_name: 'CIMD demo', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] };
  const host = await documentHost(doc);
  const { as, md } = await start({ clientMetadataDocumentOrigins: { [CIMD_ORIGIN]: host.origin } });
  expect((md as Record<string, unknown>).client_id_metadata_document_supported).toBe(true);
  const client = { client_id: CIMD_ID, token_endpoint_auth_method: 'none' };
  const { callback, verifier } = await codeFlow(as, md, client, 'mcp:read');
  expect(host.fetched()).toBeGreaterThanOrEqual(1);
  const params = oauth.validateAuthResponse(md, client, callback, oauth.skipStateCheck);
  const tokens = await oauth.processAuthorizationCodeResponse(md, client, await oauth.authorizationCodeGrantRequest(md, client, oauth.None(), params, REDIRECT, verifier, { ...insecure, additionalParameters: { resource: as.resourceUrl } }));
  expect(tokens.access_token).toEqual(expect.any(String));
});

test('CIMD: a document whose client_id is not its URL is refused', async () => {
  const host = await documentHost({ client_id: 'https://elsewhere.example/x.json', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' });
  const { as, md } = await start({ clientMetadataDocumentOrigins: { [CIMD_ORIGIN]: host.origin } });
  await expect(codeFlow(as, md, { client_id: CIMD_ID }, 'mcp:read')).rejects.toThrow(/invalid_client|client/);
});

test('no-iss variant: the metadata promises iss, the authorization response lacks it', async () => {
  const { as, md } = await start({ variant: 'no-iss', clients: [{ client_id: 'p', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }] });
  expect(md.authorization_response_iss_parameter_supported).toBe(true);
  const { callback } = await codeFlow(as, md, { client_id: 'p' }, 'mcp:read');
  expect(callback.searchParams.get('code')).toEqual(expect.any(String));
  expect(callback.searchParams.has('iss')).toBe(false);
});

test('step-up: /mcp/write answers 403 insufficient_scope with the scope union; a token with it passes', async () => {
  const { as, md } = await start({ clients: [{ client_id: 'p', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }] });
  const client = { client_id: 'p', token_endpoint_auth_method: 'none' };
  const token = async (scope: string) => {
    const { callback, verifier } = await codeFlow(as, md, client, scope);
    const params = oauth.validateAuthResponse(md, client, callback, oauth.skipStateCheck);
    const res = await oauth.authorizationCodeGrantRequest(md, client, oauth.None(), params, REDIRECT, verifier, { ...insecure, additionalParameters: { resource: as.resourceUrl } });
    return (await oauth.processAuthorizationCodeResponse(md, client, res)).access_token;
  };
  const call = (path: string, t: string) => fetch(`${as.resourceUrl}${path}`, { headers: { authorization: `Bearer ${t}` } });
  const read = await token('mcp:read');
  expect((await call('', read)).status).toBe(200);
  const refused = await call('/write', read);
  expect(refused.status).toBe(403);
  const challenge = refused.headers.get('www-authenticate')!;
  expect(challenge).toMatch(/^Bearer error="insufficient_scope", scope="mcp:read mcp:write", resource_metadata="/);
  expect((await call('/write', await token('mcp:read mcp:write'))).status).toBe(200);
  // mcp:admin is never granted: the re-requested union comes back without it
  expect((await call('/admin', await token('mcp:read mcp:write mcp:admin'))).status).toBe(403);
});
