/**
 * Generators of planted secrets for the leak suites (redact() alone, and every output path):
 * secret values, key names in every style, free-text carriers in every encoding, and nestings.
 */
import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { SECRET_KEYS } from '../../src/redaction';

// ---- secrets -------------------------------------------------------------------------------
export const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
export const secretArb = fc
  .tuple(fc.uint8Array({ minLength: 18, maxLength: 40 }), fc.constantFrom('b64url', 'b64', 'jwt', 'hex'), fc.uint8Array({ minLength: 32, maxLength: 64 }))
  .map(([bytes, kind, sig]) => {
    if (kind === 'b64') return Buffer.from(bytes).toString('base64');
    if (kind === 'hex') return Buffer.from(bytes).toString('hex');
    if (kind === 'jwt') {
      const header = b64url(Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: b64url(bytes.slice(0, 6)) })));
      const payload = b64url(Buffer.from(JSON.stringify({ sub: b64url(bytes), iat: 1_700_000_000 })));
      return `${header}.${payload}.${b64url(sig)}`;
    }
    return b64url(bytes);
  });

/** All forms of a planted secret that must not survive, plus 10-char windows of each. */
export function forms(secret: string, extra: string[] = []): string[] {
  const whole = [secret, encodeURIComponent(secret), encodeURIComponent(encodeURIComponent(secret)), ...extra];
  const out = new Set(whole);
  for (const w of [secret, ...extra]) for (let i = 0; i + 10 <= w.length; i++) out.add(w.slice(i, i + 10));
  return [...out];
}

// ---- key names and styles ------------------------------------------------------------------
export const words = (k: string) => k.split(/[-_.]/).filter(Boolean);
export const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
export const STYLES: Record<string, (k: string) => string> = {
  asListed: (k) => k,
  snake: (k) => words(k).join('_'),
  camel: (k) => words(k)[0] + words(k).slice(1).map(cap).join(''),
  pascal: (k) => words(k).map(cap).join(''),
  kebab: (k) => words(k).join('-'),
  header: (k) => words(k).map(cap).join('-'),
  upper: (k) => words(k).join('_').toUpperCase(),
  dotted: (k) => words(k).join('.'),
  xPrefixed: (k) => `x-${words(k).join('-')}`,
  XPrefixedUpper: (k) => `X_${words(k).join('_').toUpperCase()}`,
};
export const nameArb = fc.tuple(fc.constantFrom(...SECRET_KEYS), fc.constantFrom(...Object.keys(STYLES))).map(([k, s]) => STYLES[s]!(k));
// Names usable as URL/form parameters: everything except pure header names.
export const paramNameArb = fc
  .tuple(fc.constantFrom(...SECRET_KEYS.filter((k) => !['cookie', 'set-cookie', 'authorization', 'proxy-authorization'].includes(k))), fc.constantFrom('asListed', 'snake', 'camel', 'upper', 'kebab', 'dotted'))
  .map(([k, s]) => STYLES[s]!(k));

// ---- text carriers (the secret inside a string, whatever the key) --------------------------
export type Carrier = { text: string; extra: string[] };
export const HEADERS = ['Authorization', 'Proxy-Authorization', 'Cookie', 'Set-Cookie', 'DPoP', 'X-Api-Key', 'X-Access-Token', 'X-Refresh-Token', 'X-CSRF-Token', 'X-Amz-Security-Token'];
export const SCHEMES = ['Bearer', 'bearer', 'BEARER', 'DPoP', 'dpop', 'Basic', 'basic'];

export const carrierArb: fc.Arbitrary<(secret: string) => Carrier> = fc.oneof(
  fc.record({ enc: fc.constantFrom('query', 'fragment', 'form', 'json', 'json-spaced', 'json-escaped', 'json-double-escaped', 'inspect', 'logfmt', 'kv-colon', 'encoded-redirect', 'double-encoded-redirect', 'encoded-name', 'argv'), name: paramNameArb })
    .map(({ enc, name }) => (s: string): Carrier => {
      const e = encodeURIComponent(s);
      const obj = { grant_type: 'refresh_token', [name]: s, client_id: 'app' };
      switch (enc) {
        case 'query': return { text: `GET https://app.example/cb?iss=https%3A%2F%2Fas&${name}=${e}&x=1 -> 302`, extra: [] };
        case 'fragment': return { text: `https://app.example/cb#${name}=${e}&token_type=Bearer&expires_in=3600`, extra: [] };
        case 'form': return { text: `grant_type=refresh_token&${name}=${e}&client_id=app`, extra: [] };
        case 'json': return { text: `token endpoint returned ${JSON.stringify(obj)}`, extra: [] };
        case 'json-spaced': return { text: JSON.stringify(obj, null, 2), extra: [] };
        case 'json-escaped': return { text: `body=${JSON.stringify(JSON.stringify(obj))}`, extra: [] };
        case 'json-double-escaped': return { text: JSON.stringify(JSON.stringify(JSON.stringify(obj))), extra: [] };
        case 'inspect': return { text: `refresh failed: ${inspect(obj)}`, extra: [] };
        case 'logfmt': return { text: `level=error msg="refresh failed" ${name}=${s} provider=github`, extra: [] };
        case 'kv-colon': return { text: `refresh failed, ${name}: ${s}, retrying`, extra: [] };
        case 'encoded-redirect': return { text: `redirect_uri=${encodeURIComponent(`https://app.example/cb?${name}=${e}&y=2`)}`, extra: [] };
        case 'double-encoded-redirect': return { text: `next=${encodeURIComponent(encodeURIComponent(`https://app/cb?${name}=${e}&y=2`))}`, extra: [] };
        case 'encoded-name': return { text: `${name.replace(/_/g, '%5F').replace(/-/g, '%2D')}=${e}&z=1`, extra: [] };
        default: return { text: `node server.js --${words(name).join('-')}=${s} --port=3000`, extra: [] };
      }
    }),
  fc.record({ header: fc.constantFrom(...HEADERS), scheme: fc.constantFrom(...SCHEMES, 'token'), casing: fc.constantFrom('as', 'lower', 'upper'), eol: fc.constantFrom('\r\n', '\n', '\\r\\n') })
    .map(({ header, scheme, casing, eol }) => (s: string): Carrier => {
      const h = casing === 'lower' ? header.toLowerCase() : casing === 'upper' ? header.toUpperCase() : header;
      const basic = Buffer.from(`client:${s}`).toString('base64');
      let value: string;
      if (/authorization/i.test(header)) value = /basic/i.test(scheme) ? `${scheme} ${basic}` : `${scheme} ${s}`;
      else if (/cookie/i.test(header)) value = header === 'Cookie' ? `theme=dark; sid=${s}; lang=en` : `session=${s}; Path=/; HttpOnly; Secure`;
      else value = s;
      return { text: `POST /token HTTP/1.1${eol}Host: as.example${eol}${h}: ${value}${eol}Content-Type: application/json${eol}${eol}`, extra: [basic] };
    }),
  fc.record({ scheme: fc.constantFrom(...SCHEMES), sep: fc.constantFrom(' ', '  ', '\t', '%20', '+') })
    .map(({ scheme, sep }) => (s: string): Carrier => {
      const basic = Buffer.from(`user:${s}`).toString('base64');
      const cred = /basic/i.test(scheme) ? basic : s;
      return { text: `upstream call with ${scheme}${sep}${cred} failed`, extra: [basic] };
    }),
  fc.constantFrom('userinfo', 'userinfo-only', 'pem', 'pem-escaped', 'jwt-free')
    .map((kind) => (s: string): Carrier => {
      switch (kind) {
        case 'userinfo': return { text: `connecting to https://svc:${encodeURIComponent(s)}@db.example:5432/app`, extra: [] };
        case 'userinfo-only': return { text: `git clone https://${encodeURIComponent(s)}@github.com/org/repo.git`, extra: [] };
        case 'pem': return { text: `key=-----BEGIN EC PRIVATE KEY-----\n${s}\n${s.split('').reverse().join('')}\n-----END EC PRIVATE KEY-----`, extra: [] };
        case 'pem-escaped': return { text: `{"pem":"-----BEGIN PRIVATE KEY-----\\n${s}\\n-----END PRIVATE KEY-----\\n"}`, extra: [] };
        default: {
          const jwt = `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIx${s.replace(/[^A-Za-z0-9_-]/g, '')}.c2ln`;
          return { text: `id_token_hint received: ${jwt}`, extra: [] };
        }
      }
    }),
);

// ---- containers and nesting ----------------------------------------------------------------
export class Holder {
  constructor(public readonly inner: unknown, public readonly label = 'holder') {}
}
export const HARMLESS_KEYS = ['data', 'details', 'payload', 'ctx', 'request', 'response', 'meta', 'body', 'info', 'message', 'url', 'raw', 'headers', 'log'];
export const NOISE = { event: 'oauth.token.refresh', status: 'failure', duration_ms: 12, scope: 'openid profile', token_type: 'Bearer' };

export type Wrap = 'object' | 'array' | 'map' | 'set' | 'instance' | 'error-cause' | 'error-prop' | 'aggregate';
export const wrapsArb = fc.array(
  fc.tuple(fc.constantFrom<Wrap>('object', 'array', 'map', 'set', 'instance', 'error-cause', 'error-prop', 'aggregate'), fc.constantFrom(...HARMLESS_KEYS)),
  { minLength: 0, maxLength: 6 },
);

export function wrap(value: unknown, wraps: [Wrap, string][]): unknown {
  let v = value;
  for (const [w, key] of wraps) {
    switch (w) {
      case 'object': v = { ...NOISE, [key]: v }; break;
      case 'array': v = ['noise', 42, v, { ok: true }]; break;
      case 'map': v = new Map<unknown, unknown>([['status', 'failure'], [key, v]]); break;
      case 'set': v = new Set(['a', v]); break;
      case 'instance': v = new Holder(v); break;
      case 'error-cause': v = new Error('outer failure', { cause: v }); break;
      case 'error-prop': v = Object.assign(new Error('request failed with status code 401'), { [key]: v, code: 'ERR_BAD_REQUEST' }); break;
      default: v = new AggregateError([new Error('first'), v], 'all attempts failed');
    }
  }
  return v;
}

