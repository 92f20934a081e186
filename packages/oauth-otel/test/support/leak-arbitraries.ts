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
/** Names built from the word catalog: an optional qualifier, a secret word (singular or plural),
 *  an optional wrapper word (`token_value`, `privateKeyPem`, `SECRET_KEY_BASE`), in any style. */
export const SECRET_WORD_NAMES = ['token', 'tokens', 'secret', 'secrets', 'password', 'passwords', 'passwd', 'pass', 'pwd', 'passphrase', 'passcode', 'credential', 'credentials', 'cookie', 'cookies', 'session', 'sid', 'assertion', 'verifier', 'otp', 'bearer', 'api-key', 'api-keys', 'private-key', 'secret-key', 'secret-access-key', 'access-key', 'signing-key', 'auth-code', 'device-code', 'recovery-codes', 'oauth-state', 'session-id', 'csrf', 'signature'];
export const QUALIFIERS = ['', 'refresh', 'access', 'client', 'github', 'db', 'mysql', 'aws', 'stripe', 'app', 'admin', 'webhook', 'smtp', 'laravel', 'connect', 'user'];
export const WRAPPERS = ['', 'value', 'pem', 'b64', 'base64', 'raw', 'encoded', 'plain', 'hint', 'confirmation', 'base', 'hex', 'str'];
export const wordNameArb = fc
  .tuple(fc.constantFrom(...QUALIFIERS), fc.constantFrom(...SECRET_WORD_NAMES), fc.constantFrom(...WRAPPERS), fc.constantFrom(...Object.keys(STYLES)))
  .map(([q, w, x, style]) => STYLES[style]!([q, w, x].filter(Boolean).join('-')));
export const nameArb = fc.oneof(
  fc.tuple(fc.constantFrom(...SECRET_KEYS), fc.constantFrom(...Object.keys(STYLES))).map(([k, s]) => STYLES[s]!(k)),
  wordNameArb,
  fc.constantFrom('PHPSESSID', 'JSESSIONID', 'laravel_session', 'appSession', 'connect.sid', 'AWS_SECRET_ACCESS_KEY', 'SECRET_KEY_BASE', 'STRIPE_SECRET_KEY', 'MYSQL_PWD', 'clientSecretValue', 'privateKeyPem', 'token_value'),
);
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
  // Text formats the scanner parses beyond key=value: bracketed names, Ruby/PHP dumps, XML/SOAP,
  // form_post HTML, multipart, YAML, JSON variants, private JWKs, curl, auth-scheme variants.
  fc.record({
    fmt: fc.constantFrom('bracket', 'bracket-enc', 'bracket-arr', 'ruby', 'php', 'xml', 'soap', 'form-post', 'meta-csrf', 'multipart', 'multipart-typed', 'yaml-block', 'yaml-folded', 'yaml-passphrase', 'json-newline', 'json-uescape', 'jwk', 'curl-u', 'curl-user', 'curl-bearer', 'curl-cookie', 'bearer-colon', 'bearer-nbsp', 'bearer-newline', 'header-folded', 'cookie-jar-json'),
    word: fc.constantFrom('password', 'access_token', 'client_secret', 'refresh_token', 'api_key', 'passphrase', 'secret'),
    eol: fc.constantFrom('\n', '\r\n'),
  }).map(({ fmt, word, eol }) => (s: string): Carrier => {
    const e = encodeURIComponent(s);
    const camel = STYLES.camel!(word);
    switch (fmt) {
      case 'bracket': return { text: `user[${camel}]=${e}&user[name]=bob`, extra: [] };
      case 'bracket-enc': return { text: `user%5B${word}%5D=${e}&commit=Save`, extra: [] };
      case 'bracket-arr': return { text: `${word}[]=${e}&x=1`, extra: [] };
      case 'ruby': return { text: `params: {"${word}"=>"${s}", "utf8"=>"✓"}`, extra: [] };
      case 'php': return { text: `Array${eol}(${eol}    [${word}] => ${s}${eol}    [expires_in] => 3600${eol})`, extra: [] };
      case 'xml': return { text: `<response><${word}>${s}</${word}><expires_in>3600</expires_in></response>`, extra: [] };
      case 'soap': return { text: `<soap:Header><wsse:Security><wsse:UsernameToken><wsse:Username>bob</wsse:Username><wsse:Password Type="#PasswordText">${s}</wsse:Password></wsse:UsernameToken></wsse:Security></soap:Header>`, extra: [] };
      case 'form-post': return { text: `<html><body onload="document.forms[0].submit()"><form method="post" action="https://rp.example/cb"><input type="hidden" name="code" value="${s}"/><input type="hidden" name="state" value="${s.slice(0, 12)}"/></form></body></html>`, extra: [] };
      case 'meta-csrf': return { text: `<head><meta name="csrf-token" content="${s}"></head>`, extra: [] };
      case 'multipart': return { text: `--b0undary${eol}Content-Disposition: form-data; name="${word}"${eol}${eol}${s}${eol}--b0undary--`, extra: [] };
      case 'multipart-typed': return { text: `--XyZ${eol}Content-Disposition: form-data; name="${word}"${eol}Content-Type: text/plain${eol}${eol}${s}${eol}--XyZ--`, extra: [] };
      case 'yaml-block': return { text: `db:${eol}  host: db.internal${eol}  ${word}: |${eol}    ${s}${eol}    ${s.split('').reverse().join('')}${eol}  port: 5432`, extra: [s.split('').reverse().join('')] };
      case 'yaml-folded': return { text: `${word}: >-${eol}  ${s}${eol}user: bob`, extra: [] };
      case 'yaml-passphrase': return { text: `user: bob${eol}${word}: correct horse ${s} battery staple${eol}port: 22`, extra: [] };
      case 'json-newline': return { text: `{${eol}  "${word}":${eol}    "${s}"${eol}}`, extra: [] };
      case 'json-uescape': return { text: `{"\\u00${word.charCodeAt(0).toString(16)}${word.slice(1)}":"${s}"}`, extra: [] };
      case 'jwk': return { text: `jwks={"keys":[{"kty":"RSA","kid":"k1","n":"0vx7agoebGcQSuu","e":"AQAB","d":"${s}","p":"${s}","q":"${s}","dp":"${s}","dq":"${s}","qi":"${s}"}]}`, extra: [] };
      case 'curl-u': return { text: `curl -sS -u admin:${s} https://api.example/v1`, extra: [] };
      case 'curl-user': return { text: `curl --user 'admin:${s}' https://api.example/v1`, extra: [] };
      case 'curl-bearer': return { text: `curl --oauth2-bearer ${s} https://api.example/v1`, extra: [] };
      case 'curl-cookie': return { text: `curl -b "sid=${s}; theme=dark" https://app.example/`, extra: [] };
      case 'bearer-colon': return { text: `Authorization: Bearer: ${s}`, extra: [] };
      case 'bearer-nbsp': return { text: `sent Bearer\u00a0${s} upstream`, extra: [] };
      case 'bearer-newline': return { text: `Authorization: Bearer${eol}${s}`, extra: [] };
      case 'header-folded': return { text: `GET /api HTTP/1.1${eol}Authorization: Bearer${eol} ${s}${eol}Host: rs.example${eol}${eol}`, extra: [] };
      default: return { text: `cookies=[{"name":"sid","value":"${s}","domain":"app.example"}]`, extra: [] };
    }
  }),
  // PEM and PGP private key blocks anywhere: raw, literal \n, collapsed, after a secret-named key.
  fc.record({
    kind: fc.constantFrom('RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'PGP PRIVATE KEY BLOCK'),
    form: fc.constantFrom('raw', 'escaped', 'collapsed', 'keyed', 'keyed-json', 'truncated'),
  }).map(({ kind, form }) => (s: string): Carrier => {
    const body = [`MII${s}`, s.split('').reverse().join('')];
    const begin = `-----BEGIN ${kind}-----`;
    const end = `-----END ${kind}-----`;
    switch (form) {
      case 'raw': return { text: `loaded ${begin}\n${body.join('\n')}\n${end}\n ok`, extra: body };
      case 'escaped': return { text: `{"pem":"${begin}\\n${body.join('\\n')}\\n${end}\\n"}`, extra: body };
      case 'collapsed': return { text: `key ${begin} ${body.join(' ')} ${end} loaded`, extra: body };
      case 'keyed': return { text: `private_key=${begin}\n${body.join('\n')}\n${end}`, extra: body };
      case 'keyed-json': return { text: `{"privateKeyPem":"${begin}\\n${body.join('\\n')}\\n${end}"}`, extra: body };
      default: return { text: `signing with ${begin}\n${body[0]}`, extra: [body[0]!] };
    }
  }),
  // Provider credentials (gitleaks prefixes) whatever carries them.
  fc.record({ prefix: fc.constantFrom('ghp_', 'gho_', 'ghs_', 'github_pat_', 'glpat-', 'xoxb-', 'xoxp-', 'sk_live_', 'rk_live_', 'sk-proj-', 'AIza', 'ya29.', 'npm_', 'hf_', 'shpat_'), where: fc.constantFrom('prose', 'note-field', 'url') })
    .map(({ prefix, where }) => (s: string): Carrier => {
      const alnum = s.replace(/[^A-Za-z0-9]/g, '').padEnd(36, 'Q7x');
      const body = prefix === 'AIza' ? (alnum + alnum).slice(0, 35) : prefix === 'npm_' ? alnum.slice(0, 36) : prefix === 'hf_' ? alnum.replace(/[0-9]/g, 'k').slice(0, 34) : prefix === 'shpat_' ? Buffer.from(alnum).toString('hex').slice(0, 32) : alnum;
      const tok = prefix + body;
      const text = where === 'prose' ? `pushed with ${tok} then failed` : where === 'url' ? `https://api.example/v1?note=${tok}` : `note ${tok}`;
      return { text, extra: [tok, body.slice(0, 24)] };
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


// ---- by-reference shapes -------------------------------------------------------------------
/** Values whose serializers (toJSON, inspect, extra properties) would print what a walk that
 *  hands objects back by reference never looked at. */
export const byRefArb: fc.Arbitrary<(secret: string) => unknown> = fc.constantFrom(
  'non-enumerable-toJSON', 'array-toJSON', 'array-subclass', 'map-subclass', 'map-extra', 'set-extra', 'array-extra', 'symbol-key', 'inspect-custom', 'map-keys-past-budget', 'getter-toJSON',
).map((kind) => (s: string): unknown => {
  switch (kind) {
    case 'non-enumerable-toJSON': return Object.defineProperty({ ok: true }, 'toJSON', { value: () => ({ password: s }) });
    case 'array-toJSON': return Object.assign([1, 2], { toJSON: () => ({ token: s }) });
    case 'array-subclass': {
      class Tokens extends Array { toJSON() { return [s]; } }
      return Tokens.from(['a']);
    }
    case 'map-subclass': {
      class Store extends Map<string, number> { toJSON() { return { s }; } }
      return new Store([['a', 1]]);
    }
    case 'map-extra': return Object.assign(new Map([['a', 1]]), { note: s });
    case 'set-extra': return Object.assign(new Set([1]), { note: s });
    case 'array-extra': return Object.assign(['x'], { note: s });
    case 'symbol-key': return { ok: 1, [Symbol('note')]: s };
    case 'inspect-custom': return { ok: 1, [inspect.custom]: () => s };
    case 'map-keys-past-budget': return new Map<unknown, unknown>([...Array.from({ length: 10_050 }, (_, i) => [i, i] as [unknown, unknown]), [{ note: s }, 'v']]);
    default: return Object.defineProperty({ ok: 1 }, 'toJSON', { get: () => () => s });
  }
});
