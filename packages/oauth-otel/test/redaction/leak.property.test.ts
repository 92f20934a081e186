/**
 * Property-based leak gate (redaction.md section 7): every case plants a freshly generated
 * high-entropy secret under a secret key or inside free text, in a random key style, encoding and
 * container, wraps it in random nesting (objects, arrays, Maps, Sets, class instances, Errors with
 * causes), and asserts that neither the secret, nor its percent/base64 forms, nor any 10-character
 * window of them appears in JSON.stringify or util.inspect of the output.
 */
import { Buffer } from 'node:buffer';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { AMBIGUOUS_KEYS, SECRET_KEYS, createRedactor, redact } from '../../src/redaction';

const fingerprinting = createRedactor({ fingerprint: { key: 'leak-suite-key-0123456789abcdef' } });
let cases = 0;

// ---- secrets -------------------------------------------------------------------------------
const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const secretArb = fc
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
function forms(secret: string, extra: string[] = []): string[] {
  const whole = [secret, encodeURIComponent(secret), encodeURIComponent(encodeURIComponent(secret)), ...extra];
  const out = new Set(whole);
  for (const w of [secret, ...extra]) for (let i = 0; i + 10 <= w.length; i++) out.add(w.slice(i, i + 10));
  return [...out];
}

function serialize(v: unknown): string {
  const json = JSON.stringify(v, (_k, x) => (x instanceof Map ? [...x] : x instanceof Set ? [...x] : x)) ?? '';
  const insp = inspect(v, { depth: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity, breakLength: Infinity, showHidden: false });
  return `${json}\n${insp}`;
}

function assertNoLeak(input: unknown, secretForms: string[]): void {
  cases++;
  for (const out of [redact(input), fingerprinting.redact(input)]) {
    const text = serialize(out);
    for (const f of secretForms) {
      if (text.includes(f)) {
        throw new Error(`leaked ${JSON.stringify(f)}\n--- output ---\n${text.slice(0, 4000)}`);
      }
    }
  }
}

// ---- key names and styles ------------------------------------------------------------------
const words = (k: string) => k.split(/[-_.]/).filter(Boolean);
const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);
const STYLES: Record<string, (k: string) => string> = {
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
const nameArb = fc.tuple(fc.constantFrom(...SECRET_KEYS), fc.constantFrom(...Object.keys(STYLES))).map(([k, s]) => STYLES[s]!(k));
// Names usable as URL/form parameters: everything except pure header names.
const paramNameArb = fc
  .tuple(fc.constantFrom(...SECRET_KEYS.filter((k) => !['cookie', 'set-cookie', 'authorization', 'proxy-authorization'].includes(k))), fc.constantFrom('asListed', 'snake', 'camel', 'upper', 'kebab', 'dotted'))
  .map(([k, s]) => STYLES[s]!(k));

// ---- text carriers (the secret inside a string, whatever the key) --------------------------
type Carrier = { text: string; extra: string[] };
const HEADERS = ['Authorization', 'Proxy-Authorization', 'Cookie', 'Set-Cookie', 'DPoP', 'X-Api-Key', 'X-Access-Token', 'X-Refresh-Token', 'X-CSRF-Token', 'X-Amz-Security-Token'];
const SCHEMES = ['Bearer', 'bearer', 'BEARER', 'DPoP', 'dpop', 'Basic', 'basic'];

const carrierArb: fc.Arbitrary<(secret: string) => Carrier> = fc.oneof(
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
class Holder {
  constructor(public readonly inner: unknown, public readonly label = 'holder') {}
}
const HARMLESS_KEYS = ['data', 'details', 'payload', 'ctx', 'request', 'response', 'meta', 'body', 'info', 'message', 'url', 'raw', 'headers', 'log'];
const NOISE = { event: 'oauth.token.refresh', status: 'failure', duration_ms: 12, scope: 'openid profile', token_type: 'Bearer' };

type Wrap = 'object' | 'array' | 'map' | 'set' | 'instance' | 'error-cause' | 'error-prop' | 'aggregate';
const wrapsArb = fc.array(
  fc.tuple(fc.constantFrom<Wrap>('object', 'array', 'map', 'set', 'instance', 'error-cause', 'error-prop', 'aggregate'), fc.constantFrom(...HARMLESS_KEYS)),
  { minLength: 0, maxLength: 6 },
);

function wrap(value: unknown, wraps: [Wrap, string][]): unknown {
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

/** REDACTION_LEAK_SCALE=10 runs a deeper local exploration (the default keeps CI under ~30 s). */
const SCALE = Math.max(1, Number(process.env.REDACTION_LEAK_SCALE) || 1);
const RUNS = { keyed: 3000 * SCALE, text: 4700 * SCALE, errors: 2300 * SCALE };

describe('leak gate (fast-check)', () => {
  afterAll(() => {
    expect(cases).toBeGreaterThanOrEqual(10_000 * SCALE);
  });

  it(`secret keys in any style, any value container, any depth (${RUNS.keyed} cases)`, () => {
    fc.assert(
      fc.property(secretArb, nameArb, fc.constantFrom('string', 'bearer', 'array', 'object', 'map-entry', 'raw-headers', 'buffer-free'), wrapsArb, (s, name, shape, wraps) => {
        let v: unknown;
        switch (shape) {
          case 'string': v = { [name]: s, ...NOISE }; break;
          case 'bearer': v = { [name]: `Bearer ${s}` }; break;
          case 'array': v = { [name]: [s, `${s}2`] }; break;
          case 'object': v = { [name]: { value: s, nested: { deeper: s } } }; break;
          case 'map-entry': v = new Map([[name, s]]); break;
          case 'raw-headers': v = { rawHeaders: ['Host', 'as', STYLES.header!(name), s] }; break;
          default: v = { [name]: s, other: Buffer.from(s) };
        }
        const ambiguous = AMBIGUOUS_KEYS.some((k) => words(k).join('') === words(name.replace(/^x[-_]/i, '')).join('').toLowerCase());
        // Raw header lists only exist for header-like names (fc.pre regenerates, not counted).
        fc.pre(!(shape === 'raw-headers' && !/^(authorization|proxy-authorization|cookie|set-cookie)$/i.test(STYLES.header!(name)) && !STYLES.header!(name).includes('-')));
        fc.pre(!(ambiguous && shape === 'raw-headers'));
        assertNoLeak(wrap(v, wraps), forms(s));
      }),
      { numRuns: RUNS.keyed },
    );
  });

  it(`secrets inside free text under harmless keys, every encoding (${RUNS.text} cases)`, () => {
    fc.assert(
      fc.property(secretArb, carrierArb, fc.constantFrom(...HARMLESS_KEYS), wrapsArb, fc.constantFrom('field', 'array', 'map-value', 'set', 'map-key'), (s, carrier, key, wraps, place) => {
        const { text, extra } = carrier(s);
        let v: unknown;
        switch (place) {
          case 'field': v = { [key]: text }; break;
          case 'array': v = [text]; break;
          case 'map-value': v = new Map([[key, text]]); break;
          case 'set': v = new Set([text]); break;
          default: v = new Map([[text, 1]]);
        }
        assertNoLeak(wrap(v, wraps), forms(s, extra));
      }),
      { numRuns: RUNS.text },
    );
  });

  it(`secrets in Error messages, stacks, properties and cause chains (${RUNS.errors} cases)`, () => {
    fc.assert(
      fc.property(secretArb, carrierArb, fc.integer({ min: 0, max: 5 }), fc.constantFrom('message', 'cause-message', 'prop', 'aggregate', 'custom-class'), wrapsArb, (s, carrier, chain, where, wraps) => {
        const { text, extra } = carrier(s);
        let e: unknown;
        switch (where) {
          case 'message': e = new Error(text); break;
          case 'cause-message': e = new TypeError('fetch failed', { cause: new Error(text) }); break;
          case 'prop': e = Object.assign(new Error('Request failed with status code 400'), { response: { data: text, status: 400 } }); break;
          case 'aggregate': e = new AggregateError([new Error(text)], 'retries exhausted'); break;
          default: {
            class OAuthError extends Error {
              override name = 'OAuthError';
              constructor(msg: string, public readonly body: string) { super(msg); }
            }
            e = new OAuthError(`token request failed: ${text}`, text);
          }
        }
        for (let i = 0; i < chain; i++) e = new Error(`level ${i}`, { cause: e });
        assertNoLeak(wrap({ err: e }, wraps.slice(0, 3)), forms(s, extra));
      }),
      { numRuns: RUNS.errors },
    );
  });
});
