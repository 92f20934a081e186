/**
 * An independent attack on the redactor (issue 15): leak shapes taken from real logs and from
 * secret scanners other than gitleaks, which leak-arbitraries.ts does not generate.
 *
 * Sources of realism:
 * - HTTP clients' error objects as they reach a logger: axios (`config.headers`, `config.data`,
 *   `config.auth`, `request._header`, `response.data`), got (`options.headers`, `username` /
 *   `password`, `searchParams`), undici / fetch (`cause`, flat header arrays), Node's
 *   `IncomingMessage.rawHeaders`, express `req` dumps (`query`, `body`, `cookies`, `signedCookies`).
 * - Process and container dumps: `docker inspect` `Config.Env` (`NAME=value` strings), Kubernetes
 *   `env: [{ name, value }]`, `.npmrc` (`//registry.npmjs.org/:_authToken=`), `.netrc`, dotenv.
 * - Connection strings: Prisma/pg/MySQL/Mongo/Redis/AMQP URLs with userinfo (secretlint's
 *   database-connection-string rule), JDBC query parameters, ADO.NET / Azure `Key=Value;` strings
 *   (detect-secrets' AzureStorageKeyDetector).
 * - OAuth/OIDC wire shapes: token, device authorization, dynamic registration and introspection
 *   responses; private JWKs (RFC 7517 `d p q dp dq qi k oth`); SAML form posts; GraphQL variables
 *   and inline arguments; HTTP/2 pseudo-headers; Set-Cookie with attributes; Sentry breadcrumbs.
 * - Encoded layers: Basic of `client_id:secret`, a JSON body URL-encoded inside a form field,
 *   base64 JSON, a JSON string inside a JSON string.
 * - Provider prefixes from secretlint's recommended preset and trufflehog detectors that the
 *   gitleaks subset in detectors.ts did not carry (Anthropic, Docker Hub, Atlassian, Groq, ...).
 *
 * Each shape maps a fresh high-entropy secret to a value and the extra forms (encodings) that
 * must not survive either.
 */
import { Buffer } from 'node:buffer';
import fc from 'fast-check';

export type Planted = { value: unknown; extra: string[] };
/** A shape; `kind` names its class in failure reports. */
export type Shape = ((secret: string) => Planted) & { kind?: string };
const named = (kind: string, f: (secret: string) => Planted): Shape => Object.assign(f, { kind });

const b64 = (s: string) => Buffer.from(s).toString('base64');
const alnum = (s: string, n: number) => {
  let out = s.replace(/[^A-Za-z0-9]/g, '');
  while (out.length < n) out += 'Q7x' + out;
  return out.slice(0, n);
};
const lowerHex = (s: string, n: number) => {
  let out = Buffer.from(s).toString('hex');
  while (out.length < n) out += out;
  return out.slice(0, n);
};

/** HTTP client error objects (axios, got, undici) carrying the secret in their request config. */
export const httpClientErrorArb: fc.Arbitrary<Shape> = fc.constantFrom(
  'axios-headers', 'axios-data-form', 'axios-data-json', 'axios-auth', 'axios-request-header', 'axios-response-data',
  'axios-response-set-cookie', 'axios-url', 'got-options', 'got-searchparams', 'undici-flat-headers', 'fetch-headers-instance',
  'raw-headers', 'express-req', 'h2-pseudo',
).map((kind) => named(kind, (s: string): Planted => {
  const basic = b64(`my-client-id:${s}`);
  switch (kind) {
    case 'axios-headers': return { value: Object.assign(new Error('Request failed with status code 401'), { name: 'AxiosError', code: 'ERR_BAD_REQUEST', config: { method: 'post', url: 'https://as.example/token', headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${basic}`, 'User-Agent': 'axios/1.7.2' } } }), extra: [basic] };
    case 'axios-data-form': return { value: { name: 'AxiosError', config: { url: 'https://as.example/token', method: 'post', data: `grant_type=client_credentials&client_id=app&client_secret=${encodeURIComponent(s)}&scope=read` } }, extra: [] };
    case 'axios-data-json': return { value: { name: 'AxiosError', config: { url: 'https://as.example/token', data: JSON.stringify({ grant_type: 'refresh_token', refresh_token: s, client_id: 'app' }) } }, extra: [] };
    case 'axios-auth': return { value: { config: { url: 'https://as.example/token', auth: { username: 'my-client-id', password: s } } }, extra: [] };
    case 'axios-request-header': return { value: { request: { _header: `POST /token HTTP/1.1\r\nAccept: application/json\r\nAuthorization: Basic ${basic}\r\nHost: as.example\r\nConnection: keep-alive\r\n\r\n`, method: 'POST', path: '/token' } }, extra: [basic] };
    case 'axios-response-data': return { value: { response: { status: 200, statusText: 'OK', data: { access_token: s, token_type: 'Bearer', expires_in: 3600, scope: 'read' } } }, extra: [] };
    case 'axios-response-set-cookie': return { value: { response: { status: 302, headers: { 'set-cookie': [`__Host-session=${s}; Path=/; Secure; HttpOnly; SameSite=Lax`, 'theme=dark; Path=/'], location: '/home' } } }, extra: [] };
    case 'axios-url': return { value: { config: { url: `https://api.example/v1/users?api_key=${s}&page=2`, method: 'get' } }, extra: [] };
    case 'got-options': return { value: { name: 'HTTPError', options: { url: new URL('https://api.example/v1/me'), method: 'GET', username: 'svc', password: s, headers: { 'user-agent': 'got' } } }, extra: [] };
    case 'got-searchparams': return { value: { options: { searchParams: new URLSearchParams({ access_token: s, page: '2' }) } }, extra: [] };
    case 'undici-flat-headers': return { value: { name: 'TypeError', message: 'fetch failed', cause: { code: 'UND_ERR_SOCKET' }, request: { origin: 'https://api.example', path: '/v1', headers: ['authorization', `Bearer ${s}`, 'accept', '*/*'] } }, extra: [] };
    case 'fetch-headers-instance': return { value: { request: { url: 'https://api.example/v1', headers: new Headers({ authorization: `Bearer ${s}`, accept: 'application/json' }) } }, extra: [] };
    case 'raw-headers': return { value: { req: { rawHeaders: ['host', 'rs.example', 'x-auth-token', s, 'accept', '*/*', 'cookie', `_gh_sess=${s}; logged_in=yes`] } }, extra: [] };
    case 'express-req': return { value: { req: { method: 'GET', url: `/callback?code=${s}&state=af0ifjsldkj`, originalUrl: `/callback?code=${s}&state=af0ifjsldkj`, query: { code: s, state: 'af0ifjsldkj' }, cookies: { 'connect.sid': `s:${s}.sig` }, signedCookies: {}, headers: { host: 'rp.example', cookie: `connect.sid=s%3A${s}` } } }, extra: [] };
    default: return { value: { stream: { ':method': 'POST', ':path': `/token?client_secret=${s}`, ':authority': 'as.example', ':scheme': 'https', authorization: `DPoP ${s}`, dpop: `eyJ0eXAiOiJkcG9wK2p3dCJ9.${s}` } }, extra: [] };
  }
}));

/** Process, container and config dumps. */
export const envDumpArb: fc.Arbitrary<Shape> = fc.constantFrom(
  'docker-env', 'k8s-env', 'npmrc', 'netrc', 'netrc-line', 'redis-conf', 'sql', 'dotenv', 'process-env', 'azure-conn', 'ado-net', 'jdbc',
).chain((kind) => fc.constantFrom('DATABASE_PASSWORD', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'NEXTAUTH_SECRET', 'SESSION_SECRET', 'AUTH0_CLIENT_SECRET', 'OKTA_API_TOKEN', 'SMTP_PASS', 'REDIS_PASSWORD', 'JWT_SIGNING_KEY', 'SENTRY_AUTH_TOKEN', 'NPM_TOKEN', 'DB_PWD', 'PGPASSWORD', 'MYSQL_ROOT_PASSWORD', 'RAILS_MASTER_KEY', 'APP_KEY', 'COOKIE_SECRET').map((name) => [kind, name] as const))
  .map(([kind, name]) => named(`env:${kind}`, (s: string): Planted => {
    switch (kind) {
      case 'docker-env': return { value: { Config: { Image: 'app:1.2', Env: ['PATH=/usr/local/bin:/usr/bin', 'NODE_ENV=production', `${name}=${s}`, 'PORT=3000'] } }, extra: [] };
      case 'k8s-env': return { value: { spec: { containers: [{ name: 'api', env: [{ name: 'LOG_LEVEL', value: 'info' }, { name, value: s }] }] } }, extra: [] };
      case 'npmrc': return { value: { file: '.npmrc', content: `registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=${s}\nalways-auth=true\n` }, extra: [] };
      case 'netrc': return { value: { netrc: `machine api.example.com\n  login deploy\n  password ${s}\n` }, extra: [] };
      case 'netrc-line': return { value: { msg: `wrote ~/.netrc: machine github.com login x-access-token password ${s}` }, extra: [] };
      case 'redis-conf': return { value: { conf: `bind 127.0.0.1\nport 6379\nrequirepass ${s}\nmaxmemory 256mb\n` }, extra: [] };
      case 'sql': return { value: { query: `ALTER ROLE app_user WITH LOGIN PASSWORD '${s}' VALID UNTIL 'infinity'` }, extra: [] };
      case 'dotenv': return { value: { dotenv: `# generated\nNODE_ENV=production\n${name}="${s}"\nexport PORT=3000\n` }, extra: [] };
      case 'process-env': return { value: { env: { HOME: '/root', NODE_ENV: 'production', [name]: s } }, extra: [] };
      case 'azure-conn': return { value: { connectionString: `DefaultEndpointsProtocol=https;AccountName=prodstore;AccountKey=${b64(s)};EndpointSuffix=core.windows.net` }, extra: [b64(s)] };
      case 'ado-net': return { value: { msg: `opening Server=tcp:db.example,1433;Initial Catalog=app;User ID=svc;Password=${s};Encrypt=True;` }, extra: [] };
      default: return { value: { url: `jdbc:postgresql://db.example:5432/app?user=svc&password=${s}&ssl=true` }, extra: [] };
    }
  }));

/** Database and broker URLs with userinfo, as strings, URL objects and in prose. */
export const connectionStringArb: fc.Arbitrary<Shape> = fc
  .tuple(fc.constantFrom('postgres', 'postgresql', 'mysql', 'mongodb+srv', 'mongodb', 'redis', 'rediss', 'amqps', 'sqlserver', 'ftp', 'smtp', 'https'), fc.constantFrom('user', 'empty-user', 'url-object', 'prose', 'prisma-error'))
  .map(([scheme, how]) => named(`conn:${scheme}:${how}`, (s: string): Planted => {
    const pw = encodeURIComponent(s);
    const url = how === 'empty-user' ? `${scheme}://:${pw}@cache.internal:6379/0` : `${scheme}://app_user:${pw}@db.internal:5432/app?sslmode=require`;
    switch (how) {
      case 'url-object': return { value: { target: new URL(url) }, extra: [] };
      case 'prose': return { value: { msg: `Can't reach database server at ${url} (timeout 5s)` }, extra: [] };
      case 'prisma-error': return { value: Object.assign(new Error(`Invalid \`prisma.user.findMany()\` invocation:\n\nAuthentication failed against database server, the provided database credentials for \`app_user\` are not valid.\ndatasource url: "${url}"`), { clientVersion: '5.22.0', errorCode: 'P1000' }), extra: [] };
      default: return { value: { db: url }, extra: [] };
    }
  }));

/** OAuth / OIDC wire shapes. */
export const oauthWireArb: fc.Arbitrary<Shape> = fc.constantFrom(
  'token-response-text', 'device-response', 'registration-response', 'introspection-request', 'jwk-oct', 'jwk-rsa-text',
  'jwks-escaped', 'saml-post', 'graphql-vars', 'graphql-inline', 'sentry-breadcrumb', 'set-cookie-text', 'form-in-form',
  'json-in-json', 'basic-header-obj', 'id-token-hint-url', 'logout-token', 'client-assertion-form',
).map((kind) => named(kind, (s: string): Planted => {
  const basic = b64(`client-4f2a:${s}`);
  switch (kind) {
    case 'token-response-text': return { value: { msg: `token endpoint 200: {"access_token":"${s}","token_type":"Bearer","expires_in":3600,"refresh_token":"${s}x","scope":"openid"}` }, extra: [] };
    case 'device-response': return { value: { body: { device_code: s, user_code: 'WDJB-MJHT', verification_uri: 'https://as.example/device', expires_in: 1800, interval: 5 } }, extra: [] };
    case 'registration-response': return { value: { registered: { client_id: 's6BhdRkqt3', client_secret: s, client_secret_expires_at: 0, registration_access_token: `${s}r`, registration_client_uri: 'https://as.example/reg/s6BhdRkqt3', token_endpoint_auth_method: 'client_secret_basic' } }, extra: [] };
    case 'introspection-request': return { value: { msg: `POST /introspect token=${encodeURIComponent(s)}&token_type_hint=access_token` }, extra: [] };
    case 'jwk-oct': return { value: { jwks: { keys: [{ kty: 'oct', kid: 'hmac-1', alg: 'HS256', k: s }] } }, extra: [] };
    case 'jwk-rsa-text': return { value: { msg: `loaded signing key {"kty": "RSA", "n": "0vx7agoebGcQSuu", "e": "AQAB", "d": "${s}", "p": "${s}p", "q": "${s}q", "dp": "${s}", "dq": "${s}", "qi": "${s}"}` }, extra: [] };
    case 'jwks-escaped': return { value: { body: JSON.stringify(JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', d: s }] })) }, extra: [] };
    case 'saml-post': return { value: { msg: `POST /saml/acs SAMLResponse=${encodeURIComponent(b64(`<samlp:Response>${s}</samlp:Response>`))}&RelayState=%2Fhome` }, extra: [b64(`<samlp:Response>${s}</samlp:Response>`).slice(8, 60)] };
    case 'graphql-vars': return { value: { graphql: { operationName: 'Login', query: 'mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { token } }', variables: { email: 'a@b.example', password: s } } }, extra: [] };
    case 'graphql-inline': return { value: { query: `mutation { login(email: "a@b.example", password: "${s}") { accessToken } }` }, extra: [] };
    case 'sentry-breadcrumb': return { value: { breadcrumbs: [{ type: 'http', category: 'fetch', data: { method: 'GET', url: `https://api.example/v1?access_token=${s}`, status_code: 200 }, level: 'info' }, { category: 'console', message: `authorization: Bearer ${s}` }] }, extra: [] };
    case 'set-cookie-text': return { value: { msg: `response headers:\nset-cookie: next-auth.session-token=${s}; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly; SameSite=Lax\ncontent-type: text/html` }, extra: [] };
    case 'form-in-form': return { value: { body: `payload=${encodeURIComponent(JSON.stringify({ client_id: 'app', client_secret: s }))}&v=2` }, extra: [] };
    case 'json-in-json': return { value: { event: 'upstream', body: JSON.stringify({ ok: false, request: JSON.stringify({ refresh_token: s }) }) }, extra: [] };
    case 'basic-header-obj': return { value: { headers: { authorization: `Basic ${basic}` } }, extra: [basic] };
    case 'id-token-hint-url': return { value: { location: `https://as.example/session/end?id_token_hint=${s}&post_logout_redirect_uri=https%3A%2F%2Frp.example` }, extra: [] };
    case 'logout-token': return { value: { msg: `backchannel logout_token=${s}` }, extra: [] };
    default: return { value: { form: `grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=${s}` }, extra: [] };
  }
}));

/** Provider credentials in prose, from secretlint's preset and trufflehog detectors. */
export const providerProseArb: fc.Arbitrary<Shape> = fc
  .constantFrom(
    ['sk-ant-api03-', 93], ['dckr_pat_', 27], ['ATATT3xFfGF0', 180], ['gsk_', 52], ['r8_', 37], ['tskey-auth-', 40],
    ['NRAK-', 27], ['figd_', 40], ['sbp_', 40], ['xkeysib-', 64], ['glpat-', 20], ['xoxe.xoxp-1-', 60], ['dop_v1_', 64],
    ['CFPAT-', 43], ['AKIA', 16], ['shpss_', 32],
  )
  .chain(([prefix, n]) => fc.constantFrom('prose', 'json-note', 'url-path').map((where) => [prefix as string, n as number, where] as const))
  .map(([prefix, n, where]) => named(`provider:${prefix}`, (s: string): Planted => {
    const hexOnly = prefix === 'dop_v1_' || prefix === 'shpss_' || prefix === 'xkeysib-';
    const body = prefix === 'AKIA' ? alnum(s, n).toUpperCase() : hexOnly ? lowerHex(s, n) : alnum(s, n);
    const tok = prefix + body;
    const value = where === 'prose' ? { msg: `deploy used ${tok} for upload` } : where === 'json-note' ? { note: JSON.stringify({ comment: tok }) } : { url: `https://hooks.example/notify/${tok}` };
    return { value, extra: [tok, body.slice(0, 24)] };
  }));

/** Credential header and setting names of real services and proxies (Azure Functions and APIM,
 *  Google, GitLab, Vault, Hasura, Shopify, OAuth 1, oauth2-proxy, AWS ALB, Cloudflare Access, IAP). */
export const CREDENTIAL_NAMES = [
  'x-functions-key', 'Ocp-Apim-Subscription-Key', 'x-goog-api-key', 'PRIVATE-TOKEN', 'X-Vault-Token', 'x-hasura-admin-secret',
  'X-Shopify-Access-Token', 'oauth_token_secret', 'oauth_signature', 'consumer_secret', 'deploy_key', 'recovery_key', 'encryptionKey',
  'masterKey', 'AWS_SESSION_TOKEN', 'aws_secret_access_key', 'authKey', 'appSecret', 'app_password', 'smtpPass', 'jwtSecret',
  'sessionSecret', 'webhookSigningSecret', 'apiSecret', 'accountKey', 'sasToken', 'mfaCode', 'totpSecret', 'mnemonic',
  'X-XSRF-TOKEN', 'x-amz-security-token', 'X-Goog-IAP-JWT-Assertion', 'Cf-Access-Jwt-Assertion', 'cf-access-token',
  'x-forwarded-access-token', 'x-auth-request-access-token', 'x-ms-token-aad-id-token', 'x-amzn-oidc-accesstoken', 'storageKey', 'licenseKey',
];

/** Secrets under credential names, as object keys and as `{ key | name, value }` pairs (Postman
 *  environments, HAR headers, SSM parameters, CloudFormation parameters, .NET appSettings). */
export const namedPairArb: fc.Arbitrary<Shape> = fc
  .tuple(fc.constantFrom(...CREDENTIAL_NAMES), fc.constantFrom('object', 'header-text', 'postman', 'har', 'ssm', 'cfn', 'dotnet-xml', 'properties'))
  .map(([name, how]) => named(`pair:${how}`, (s: string): Planted => {
    switch (how) {
      case 'object': return { value: { headers: { accept: 'application/json', [name]: s } }, extra: [] };
      case 'header-text': return { value: { raw: `GET /v1 HTTP/1.1\r\nHost: api.example\r\n${name}: ${s}\r\n\r\n` }, extra: [] };
      case 'postman': return { value: { values: [{ key: 'baseUrl', value: 'https://api.example', enabled: true }, { key: name, value: s, enabled: true }] }, extra: [] };
      case 'har': return { value: { request: { method: 'GET', headers: [{ name: 'accept', value: '*/*' }, { name, value: s }] } }, extra: [] };
      case 'ssm': return { value: { Parameters: [{ Name: `/prod/app/${name}`, Type: 'SecureString', Value: s }] }, extra: [] };
      case 'cfn': return { value: { Parameters: [{ ParameterKey: name, ParameterValue: s }] }, extra: [] };
      case 'dotnet-xml': return { value: { config: `<appSettings><add key="Environment" value="prod" /><add key="${name}" value="${s}" /></appSettings>` }, extra: [] };
      default: return { value: { file: `app.name=demo\n${name}=${s}\nserver.port=8080` }, extra: [] };
    }
  }));

export const attackArb: fc.Arbitrary<Shape> = fc.oneof(httpClientErrorArb, envDumpArb, connectionStringArb, oauthWireArb, providerProseArb, namedPairArb);

// ---- over-redaction ------------------------------------------------------------------------

const METADATA: Record<string, unknown> = {
  issuer: 'https://as.example',
  authorization_endpoint: 'https://as.example/authorize',
  token_endpoint: 'https://as.example/token',
  revocation_endpoint: 'https://as.example/revoke',
  introspection_endpoint: 'https://as.example/introspect',
  device_authorization_endpoint: 'https://as.example/device',
  pushed_authorization_request_endpoint: 'https://as.example/par',
  jwks_uri: 'https://as.example/jwks',
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'tls_client_auth', 'none'],
  token_endpoint_auth_signing_alg_values_supported: ['RS256', 'ES256'],
  code_challenge_methods_supported: ['S256'],
  grant_types_supported: ['authorization_code', 'password', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:token-exchange'],
  response_types_supported: ['code', 'id_token', 'code id_token'],
  response_modes_supported: ['query', 'fragment', 'form_post'],
  claims_parameter_supported: true,
  request_parameter_supported: false,
  require_pushed_authorization_requests: false,
  dpop_signing_alg_values_supported: ['ES256', 'EdDSA'],
  id_token_signing_alg_values_supported: ['RS256'],
  claims_supported: ['sub', 'email', 'auth_time', 'acr'],
  scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
  backchannel_logout_supported: true,
  authorization_response_iss_parameter_supported: true,
};

/** Harmless OAuth/OIDC fields and values that must come back unchanged. */
export const harmlessArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.subarray(Object.keys(METADATA), { minLength: 1 }).map((ks) => Object.fromEntries(ks.map((k) => [k, METADATA[k]]))),
  fc.record({
    token_type: fc.constantFrom('Bearer', 'DPoP', 'N_A', 'bearer'),
    expires_in: fc.integer({ min: 0, max: 86_400 }),
    scope: fc.subarray(['openid', 'profile', 'email', 'offline_access', 'read:user', 'repo', 'mcp:tools'], { minLength: 1 }).map((x) => x.join(' ')),
    issued_token_type: fc.constantFrom('urn:ietf:params:oauth:token-type:access_token', 'urn:ietf:params:oauth:token-type:refresh_token', 'urn:ietf:params:oauth:token-type:id_token'),
  }, { requiredKeys: ['token_type'] }),
  fc.record({
    error: fc.constantFrom('invalid_grant', 'invalid_client', 'invalid_request', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'authorization_pending', 'slow_down', 'expired_token', 'access_denied', 'invalid_dpop_proof', 'use_dpop_nonce', 'invalid_token', 'insufficient_scope'),
    error_description: fc.constantFrom('The refresh token is invalid or expired', 'client authentication failed (client_secret_basic)', 'Missing parameter: code_verifier', 'PKCE verification failed', 'The authorization code has expired', 'DPoP proof JWT is missing', 'token expired 30 seconds ago', 'Invalid redirect_uri'),
    error_uri: fc.constant('https://as.example/docs/errors'),
  }, { requiredKeys: ['error'] }),
  fc.record({
    traceId: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex')),
    spanId: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b).toString('hex')),
    requestId: fc.uuid(),
    'x-request-id': fc.uuid(),
    correlation_id: fc.uuid(),
    traceparent: fc.tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 8, maxLength: 8 })).map(([t, sp]) => `00-${Buffer.from(t).toString('hex')}-${Buffer.from(sp).toString('hex')}-01`),
  }, { requiredKeys: ['traceId'] }),
  fc.record({
    etag: fc.uint8Array({ minLength: 16, maxLength: 20 }).map((b) => `W/"${Buffer.from(b).toString('hex')}"`),
    sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
    content_sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
    integrity: fc.uint8Array({ minLength: 48, maxLength: 48 }).map((b) => `sha384-${Buffer.from(b).toString('base64')}`),
    commit_sha: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => Buffer.from(b).toString('hex')),
    checksum: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex')),
    // Lookup keys, not key material.
    cacheKey: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
    idempotency_key: fc.uuid(),
    partitionKey: fc.constantFrom('tenant-42', 'user#8f3a2c'),
    objectKey: fc.constantFrom('uploads/2026/01/avatar.png', 'exports/report-7.csv'),
    public_key: fc.constant('MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE'),
  }, { requiredKeys: ['sha256'] }),
  fc.record({
    response_type: fc.constantFrom('code', 'code id_token', 'none'),
    response_mode: fc.constantFrom('query', 'form_post', 'fragment', 'query.jwt'),
    code_challenge_method: fc.constant('S256'),
    prompt: fc.constantFrom('login', 'consent', 'none', 'select_account'),
    required_parameters: fc.constant(['state', 'nonce', 'code_challenge']),
    state_parameter_name: fc.constant('state'),
    parameter: fc.constantFrom({ name: 'state', in: 'query', required: true }, { name: 'code', in: 'query', schema: { type: 'string' } }),
    acr_values: fc.constantFrom('urn:mace:incommon:iap:silver', 'phr'),
    max_age: fc.integer({ min: 0, max: 3600 }),
    claims: fc.constantFrom({ id_token: { auth_time: { essential: true }, acr: { values: ['phr'] } } }, { userinfo: { email: null, email_verified: { essential: true } } }),
    client_id: fc.constantFrom('s6BhdRkqt3', 'my-app', 'https://client.example/metadata.json'),
    redirect_uri: fc.constantFrom('https://rp.example/cb', 'http://127.0.0.1:3000/api/auth/callback'),
  }, { requiredKeys: ['response_type'] }),
  fc.record({
    token_endpoint_auth_method: fc.constantFrom('client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'),
    grant_type: fc.constantFrom('authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'),
    token_type_hint: fc.constantFrom('access_token', 'refresh_token'),
    subject_token_type: fc.constant('urn:ietf:params:oauth:token-type:jwt'),
    requested_token_type: fc.constant('urn:ietf:params:oauth:token-type:access_token'),
    client_assertion_type: fc.constant('urn:ietf:params:oauth:client-assertion-type:jwt-bearer'),
    use_refresh_token: fc.boolean(),
    refresh_token_rotation: fc.constantFrom('enabled', 'disabled'),
    password_grant_enabled: fc.boolean(),
  }, { requiredKeys: ['token_endpoint_auth_method'] }),
  fc.record({
    message: fc.constantFrom('token refresh failed: invalid_grant', 'state mismatch: expected one value, got another', 'PKCE code_verifier missing', 'client_secret_basic rejected, retrying with client_secret_post', 'session expired, redirecting to /login', 'cookie too large (4096 bytes)', 'password reset email sent'),
    event: fc.constantFrom('oauth.token.refresh', 'oauth.flow.start', 'oauth.session.expired'),
    level: fc.constantFrom('info', 'warn', 'error'),
    http_status: fc.constantFrom(200, 302, 400, 401, 403),
  }, { requiredKeys: ['message'] }),
);
