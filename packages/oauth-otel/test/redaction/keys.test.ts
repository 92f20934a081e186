/**
 * Secret keys in every case and style, at every depth; ambiguous `code` / `state`; JWK members;
 * harmless look-alikes; allowKeys / extraKeys.
 */
import {
  AMBIGUOUS_KEYS, SECRET_KEYS, createRedactor, isSafeAmbiguous, normalizeKey, redact,
} from '../../src/redaction';

const R = '[REDACTED]';
const SECRET = 'Zk9pQ2xvdWRTZWNyZXQxMjM0NTY3ODkw';

/** The same key in snake, camel, Pascal, kebab, upper, dotted and Header-Case spelling. */
function styles(key: string): string[] {
  const words = key.split(/[-_.]/).filter(Boolean);
  const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
  const out = new Set([
    key,
    words.join('_'),
    words[0] + words.slice(1).map(cap).join(''),
    words.map(cap).join(''),
    words.join('-'),
    words.join('_').toUpperCase(),
    words.join('.'),
    words.map(cap).join('-'),
  ]);
  if (words.length === 1) out.add(key.toUpperCase());
  return [...out];
}

describe('normalizeKey', () => {
  it('makes every naming style compare equal', () => {
    for (const k of ['access_token', 'accessToken', 'Access-Token', 'ACCESS_TOKEN', 'access.token', 'AccessToken']) {
      expect(normalizeKey(k)).toBe('accesstoken');
    }
  });
});

describe('secret keys', () => {
  const unambiguous = SECRET_KEYS.filter((k) => !AMBIGUOUS_KEYS.includes(k));

  it.each(unambiguous)('%s is redacted in every style at depth 0, 1 and 3', (key) => {
    for (const k of styles(key)) {
      const out = redact({ [k]: SECRET, a: { [k]: SECRET, b: { c: { [k]: SECRET } } } }) as any;
      expect(out[k]).not.toContain(SECRET.slice(4));
      expect(out.a[k]).not.toContain(SECRET.slice(4));
      expect(out.a.b.c[k]).not.toContain(SECRET.slice(4));
    }
  });

  it('redacts x- prefixed header names and flattened OTel header attributes', () => {
    const out = redact({
      'x-access-token': SECRET, 'X-Refresh-Token': SECRET, X_API_KEY: SECRET, 'x-csrf-token': SECRET,
      'http.request.header.authorization': SECRET, 'http.request.header.x-api-key': SECRET,
      'req.headers.cookie': SECRET,
    }) as Record<string, unknown>;
    for (const v of Object.values(out)) expect(v).toBe(R);
  });

  it('redacts compound names through the reviewed suffix list', () => {
    const out = redact({
      githubAccessToken: SECRET, encrypted_refresh_token: SECRET, webhookSecret: SECRET, dbPassword: SECRET,
      sessionCookie: SECRET, samlAssertion: SECRET, pkceCodeVerifier: SECRET, X_Amz_Security_Token: SECRET,
    }) as Record<string, unknown>;
    for (const v of Object.values(out)) expect(v).toBe(R);
  });

  it('keeps the auth scheme of an Authorization value', () => {
    expect(redact({ Authorization: `Bearer ${SECRET}` })).toEqual({ Authorization: 'Bearer [REDACTED]' });
    expect(redact({ 'proxy-authorization': `Basic ${SECRET}` })).toEqual({ 'proxy-authorization': 'Basic [REDACTED]' });
    expect(redact({ authorization: `Weird ${SECRET}` })).toEqual({ authorization: R });
  });

  it('redacts every value type under a secret key but keeps absence markers', () => {
    const out = redact({
      token: 12345678, secret: 2n ** 70n, password: { nested: 'x' }, api_key: ['a', 'b'], session: Buffer.from('x'),
      access_token: null, refresh_token: undefined, id_token: true, client_secret: '',
    }) as Record<string, unknown>;
    expect(out).toEqual({
      token: R, secret: R, password: R, api_key: R, session: R,
      access_token: null, refresh_token: undefined, id_token: true, client_secret: '',
    });
  });
});

describe('harmless keys are not redacted', () => {
  const record = {
    token_type: 'Bearer', tokenType: 'DPoP', token_endpoint: 'https://as.example/token', expires_in: 3600,
    scope: 'openid profile', tokenCount: 3, event: 'oauth.token.refresh', status: 'success', error: 'invalid_grant',
    error_description: 'The refresh token is invalid', token_type_hint: 'refresh_token', client_id: 'app-1',
    client_secret_expires_at: 0, code_challenge_method: 'S256', grant_type: 'refresh_token', nextPageToken: 'abc',
    hasRefreshToken: true, 'oauth.token.fingerprint': 'a1b2c3d4e5f6', 'oauth.flow_id': 'f-1', statusCode: 401,
    exitCode: 1, readyState: 4, countryCode: 'US', max_tokens: 1024, tokens_used: 10, d: 'plain', p: 2, k: 'v',
  };
  it('returns the record unchanged (an equal copy)', () => {
    expect(redact(record)).toEqual(record);
  });
});

describe('ambiguous code / state', () => {
  it.each([
    ['ECONNRESET'], ['ENOTFOUND'], ['ERR_INVALID_ARG_TYPE'], ['UND_ERR_CONNECT_TIMEOUT'], ['invalid_grant'],
    ['access_denied'], ['loading'], ['in-progress'], ['404'], [200], [-4077], [0], [1.5], [true], [null],
  ])('keeps the safe value %p', (v) => {
    expect(redact({ code: v, state: v })).toEqual({ code: v, state: v });
  });

  it.each([
    ['SplxlOBeZQQYbYS6WxSbIA'], ['af0ifjsldkj123'], ['WDJB-MJHT'], ['WDJBMJHT'], ['e3f2a98b7c6d5e4f3a2b1c0d'],
    ['E3F2A98B7C6D5E4F3A2B1C0D'], [123456], ['xY'.repeat(10)], [2n ** 64n],
  ])('redacts the secret-shaped value %p', (v) => {
    expect(redact({ code: v, state: v })).toEqual({ code: R, state: R });
  });

  it('treats code / state as secrets inside an OAuth request or response object', () => {
    expect(redact({ code: 'loading', state: 'idle', redirect_uri: 'https://app/cb' })).toEqual({ code: R, state: R, redirect_uri: 'https://app/cb' });
    expect(redact({ state: 'abc', error: 'access_denied', error_description: 'no' })).toEqual({ state: R, error: 'access_denied', error_description: 'no' });
    expect(redact(new Map<string, unknown>([['code', 'abc'], ['clientId', 'x']]))).toEqual(new Map([['code', R], ['clientId', 'x']]));
  });

  it('keeps Node error codes on Errors', () => {
    const err = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect((redact(err) as any).code).toBe('ECONNRESET');
  });

  it('exposes the safe-shape predicate', () => {
    expect(isSafeAmbiguous('ECONNRESET')).toBe(true);
    expect(isSafeAmbiguous('a'.repeat(30))).toBe(false);
  });
});

describe('JWK private members', () => {
  it('are secret only next to kty', () => {
    const jwk = { kty: 'RSA', kid: 'k1', n: 'modulus', e: 'AQAB', d: 'x', p: 'y', q: 'z', dp: 'a', dq: 'b', qi: 'c' };
    expect(redact(jwk)).toEqual({ kty: 'RSA', kid: 'k1', n: 'modulus', e: 'AQAB', d: R, p: R, q: R, dp: R, dq: R, qi: R });
    expect(redact({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] })).toEqual({ keys: [{ kty: 'oct', k: R }] });
    const plain = { d: 'day', p: 'page', q: 'query', dp: 1, qi: 'x' };
    expect(redact(plain)).toEqual(plain);
  });
});

describe('scalar-only secret keys', () => {
  it('auth is secret as a string, walked as an object', () => {
    expect(redact({ auth: 'user:pass' })).toEqual({ auth: R });
    expect(redact({ auth: { method: 'client_secret_basic', username: 'app', password: 'pw' } })).toEqual({
      auth: { method: 'client_secret_basic', username: 'app', password: R },
    });
  });
});

describe('allowKeys and extraKeys', () => {
  it('short extraKeys are found in text too, with prefixes', () => {
    const r = createRedactor({ extraKeys: ['pw'] });
    expect(r.redactString('login pw=hunter2 x-pw: hunter3 a.pw=hunter4')).toBe('login pw=[REDACTED] x-pw: [REDACTED] a.pw=[REDACTED]');
  });

  it('extraKeys makes an ambiguous name strict', () => {
    expect(createRedactor({ extraKeys: ['code'] }).redact({ code: 'ECONNRESET' })).toEqual({ code: R });
  });

  it('allowKeys wins over the built-in list, extraKeys adds names in any style', () => {
    const r = createRedactor({ allowKeys: ['state', 'session'], extraKeys: ['tenant_pin'] });
    expect(r.redact({ state: 'xYz123abcDEF456', session: 's', tenantPin: '1234', TENANT_PIN: '5678' })).toEqual({
      state: 'xYz123abcDEF456', session: 's', tenantPin: R, TENANT_PIN: R,
    });
    // Allowed keys are still scanned as text.
    expect(r.redact({ state: 'Bearer abcDEF123456' })).toEqual({ state: 'Bearer [REDACTED]' });
    expect(r.redactString('https://app/cb?state=abcDEF123&tenant_pin=42')).toBe('https://app/cb?state=abcDEF123&tenant_pin=[REDACTED]');
  });
});
