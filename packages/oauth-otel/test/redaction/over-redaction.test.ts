/**
 * Over-redaction: ordinary log content must come back exactly as it went in (for clean plain
 * data, as an equal fresh copy: the walker never hands the caller's object back).
 */
import fc from 'fast-check';
import { redact, redactString } from '../../src/redaction';

const KEEP_STRINGS = [
  // Words that merely mention tokens
  'token refresh failed', 'token_endpoint not found', 'Token refreshed successfully for provider github',
  'refresh token rotation enabled', 'no refresh_token in response', 'access token expired 30s ago',
  'Basic auth failed', 'Bearer token required', 'DPoP proof rejected: wrong htu', 'use basic authentication',
  'Bearer realm="example", error="invalid_token", error_description="The access token expired"',
  'Bearer resource_metadata="https://rs.example/.well-known/oauth-protected-resource"',
  // OAuth error codes, events, statuses, scopes
  'invalid_grant', 'access_denied', 'temporarily_unavailable', 'oauth.token.refresh', 'oauth_token_refresh_total',
  'openid profile email offline_access', 'read:user repo', 'mcp:tools mcp:resources',
  'error=invalid_grant&error_description=refresh%20token%20revoked', 'token refresh failed: invalid_grant',
  'Token refresh failed: upstream returned 503 Service Unavailable',
  // URLs and metadata
  'https://as.example/.well-known/oauth-authorization-server', 'https://as.example/token', 'https://as.example/authorize',
  'https://as.example/.well-known/openid-configuration', 'https://rs.example/.well-known/oauth-protected-resource/mcp',
  'https://api.example/v1/users?page=2&per_page=50&sort=created', 'http://localhost:3000/callback',
  'ssh-ed25519 host key', 'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  // Dates, durations, ids, numbers
  '2026-01-01T12:30:45.123Z', 'Mon, 01 Jan 2026 12:30:45 GMT', '12:30:45', 'took 182ms', 'duration=182ms',
  '550e8400-e29b-41d4-a716-446655440000', 'req_01HZY3K9Q2', 'status=401', 'HTTP/1.1 401 Unauthorized',
  'exit code=1', 'code: ECONNRESET', 'level=error code=ECONNRESET', "{ code: 'ERR_INVALID_ARG_TYPE' }", 'state: loading',
  '"code":"invalid_grant"', '{"status":"ok","state":"pending"}', '{"error":"x","code":"ERR_BAD_REQUEST"}',
  // Stack frames
  'Error: boom\n    at Object.<anonymous> (/app/src/index.ts:12:34)\n    at node:internal/main/run_main_module:33:47',
  // Headers that carry no credential
  'Content-Type: application/json\r\nAccept: */*\r\nUser-Agent: node', 'WWW-Authenticate: Bearer realm="api"',
  'Cache-Control: no-store',
  // Public key material
  '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----',
  // Prose with colons and equals
  'Note: see docs', 'a = b + c', 'ratio=0.5', 'x:y:z', 'provider github: ok', 'k8s pod: auth-server-7d9f',
  'keyword eyJ but not a token', 'monkeyJump',
];

describe('strings kept exactly', () => {
  it.each(KEEP_STRINGS.map((s) => [s]))('%j', (s) => {
    expect(redactString(s)).toBe(s);
  });
});

describe('records kept exactly (equal copy)', () => {
  const records: Record<string, unknown>[] = [
    {
      event: 'oauth.token.refresh', provider: 'github', status: 'success', reason: 'normal', duration_ms: 182,
      userId: 'user_8f3a2c', serverUuid: '550e8400-e29b-41d4-a716-446655440000', scope: 'read:user repo',
      message: 'Token refreshed successfully',
    },
    {
      event: 'oauth.token.refresh', status: 'failure', reason: 'endpoint_error', error: 'invalid_grant',
      error_description: 'The refresh token is invalid', http_status: 400, token_endpoint: 'https://as.example/token',
      token_type: 'Bearer', expires_in: 3600, tokenCount: 2, hasRefreshToken: true, 'oauth.token.fingerprint': '3f2a9c1b7e4d',
      timestamp: '2026-01-01T12:30:45.123Z', requestId: '550e8400-e29b-41d4-a716-446655440000',
    },
    {
      'oauth.provider': 'github', 'oauth.outcome': 'failure', 'oauth.reason': 'network_error', error_type: 'TypeError',
      'exception.type': 'Error', err: { code: 'ECONNRESET', errno: -104, syscall: 'read' }, statusCode: 502,
      retry: { attempt: 2, max: 3, backoff_ms: [100, 200] }, labels: ['auth', 'refresh'], ok: false, ratio: 0.5, nothing: null,
    },
    {
      metadata: {
        issuer: 'https://as.example', authorization_endpoint: 'https://as.example/authorize',
        token_endpoint: 'https://as.example/token', jwks_uri: 'https://as.example/jwks',
        grant_types_supported: ['authorization_code', 'refresh_token'], code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
        dpop_signing_alg_values_supported: ['ES256'],
      },
      jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', kid: 'k1', use: 'sig', alg: 'ES256' }] },
    },
  ];
  it.each(records.map((r, i) => [i, r]))('record %i', (_i, r) => {
    expect(redact(r)).toEqual(r);
  });
});

describe('generated harmless shapes are kept exactly', () => {
  const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
  const style = (ws: string[], s: number) =>
    s === 0 ? ws.join('_') : s === 1 ? ws[0] + ws.slice(1).map(cap).join('') : s === 2 ? ws.join('-') : s === 3 ? ws.join('_').toUpperCase() : ws.join('.');

  it('metadata about a secret (token_type, passwordPolicy, CLIENT_SECRET_EXPIRES_AT, max_tokens)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('token', 'access_token', 'password', 'client_secret', 'cookie', 'session', 'api_key', 'refresh_token', 'id_token'),
        fc.constantFrom('type', 'endpoint', 'expires_in', 'expires_at', 'length', 'policy', 'count', 'name', 'url', 'ttl', 'format', 'fingerprint', 'lifetime', 'status', 'present', 'enabled', 'domain'),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom<unknown>('Bearer', 'refresh_token', 3600, true, 'https://as.example/token', 'S256'),
        (secretWords, meta, s, v) => {
          const k = style([...secretWords.split('_'), ...meta.split('_')], s);
          const rec = { [k]: v };
          expect(redact(rec)).toEqual(rec);
        },
      ),
      { numRuns: 500 },
    );
    for (const k of ['max_tokens', 'prompt_tokens', 'nextPageToken', 'next_page_token', 'statusCode', 'country_code', 'public_key', 'cache_key', 'code_challenge', 'readyState']) {
      const rec = { [k]: 'x1' };
      expect(redact(rec)).toEqual(rec);
    }
  });

  it('the OIDC claims request parameter, as an object and as text', () => {
    fc.assert(
      fc.property(
        fc.subarray(['auth_time', 'acr', 'email', 'email_verified', 'given_name', 'sub', 'nickname']),
        fc.subarray(['email', 'phone_number', 'address', 'name']),
        fc.constantFrom<unknown>(null, { essential: true }, { values: ['urn:mace:incommon:iap:silver', 'loa-2'] }, { value: 'x' }),
        (idt, ui, spec) => {
          const claims = { id_token: Object.fromEntries(idt.map((c) => [c, spec])), userinfo: Object.fromEntries(ui.map((c) => [c, spec])) };
          const rec = { claims, scope: 'openid' };
          expect(redact(rec)).toEqual(rec);
          const text = `claims=${JSON.stringify(claims)}`;
          expect(redactString(text)).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
  });
});
