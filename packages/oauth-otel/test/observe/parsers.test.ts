/**
 * The observer's parsers face attacker-controlled bytes (any origin's 401 headers, any AS's
 * bodies). By class: they never throw, they return only the fields they read, bounded, and they
 * run in linear time (time per byte against JSON.stringify of the same input, in this process).
 */
import fc from 'fast-check';
import { parseBearerChallenge } from '../../src/observe/challenge';
import { parseTokenRequest } from '../../src/observe/form';
import { parseJsonObject, str, strList } from '../../src/observe/json';
import { RouteTable } from '../../src/observe/routes';
import { CappedBytes } from '../../src/observe/body';
import { LIMITS } from '../../src/observe/types';
import { Detectors } from '../../src/observe/detectors';
import { Observer } from '../../src/observe/observer';
import { checkAuthorizationResponse } from '../../src/api/security';
import { gzipSync } from 'node:zlib';

const RUNS = 2000;
/** Text built from the characters that matter to each grammar, plus anything. */
const grammarText = (alphabet: string[]) =>
  fc.array(fc.oneof(fc.constantFrom(...alphabet), fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 200 }).map((a) => a.join(''));

describe('parseBearerChallenge', () => {
  const alphabet = ['Bearer', 'bearer', 'Basic', 'DPoP', ' ', ',', '=', '"', '\\', 'resource_metadata', 'error', 'scope', 'realm', '\t', 'abc==', 'https://x/y'];

  test('never throws; returns only resource_metadata / error / scope strings', () => {
    fc.assert(
      fc.property(grammarText(alphabet), (h) => {
        const c = parseBearerChallenge(h);
        if (c === undefined) return;
        for (const [k, v] of Object.entries(c)) {
          expect(['resource_metadata', 'error', 'scope']).toContain(k);
          expect(typeof v).toBe('string');
          expect(v.length).toBeLessThanOrEqual(h.length);
        }
      }),
      { numRuns: RUNS },
    );
  });

  test('reads the parameters of the first Bearer challenge among others, quoted or not', () => {
    fc.assert(
      fc.property(
        fc.webUrl(),
        fc.constantFrom('invalid_token', 'insufficient_scope'),
        fc.array(fc.stringMatching(/^[a-z:]{1,8}$/), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', 'Basic realm="x", ', 'DPoP algs="ES256", ', 'Negotiate abc==, '),
        fc.constantFrom('Bearer', 'bearer', 'BEARER'),
        (url, error, scopes, before, scheme) => {
          const esc = url.replace(/["\\]/g, (m) => `\\${m}`);
          const h = `${before}${scheme} realm="mcp", error=${error}, scope="${scopes.join(' ')}", resource_metadata="${esc}", Bearer resource_metadata="https://evil.example/"`;
          expect(parseBearerChallenge(h)).toEqual({ resource_metadata: url, error, scope: scopes.join(' ') });
        },
      ),
      { numRuns: 500 },
    );
  });

  test('no Bearer challenge, or a header over the bound: nothing', () => {
    expect(parseBearerChallenge('Basic realm="x"')).toBeUndefined();
    expect(parseBearerChallenge(`Bearer resource_metadata="https://a/${'x'.repeat(LIMITS.headerValue)}"`)).toBeUndefined();
  });
});

describe('parseTokenRequest', () => {
  test('never throws; returns only the four fields it reads', () => {
    fc.assert(
      fc.property(grammarText(['&', '=', '%', '%2', '+', 'grant_type', 'refresh_token', 'scope', 'resource', 'code', 'client_secret']), (body) => {
        const f = parseTokenRequest(body);
        for (const k of Object.keys(f)) expect(['grant_type', 'refresh_token', 'scope', 'resource']).toContain(k);
      }),
      { numRuns: RUNS },
    );
  });

  test('round-trips URLSearchParams for the fields read, whatever else the body holds', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('grant_type', 'refresh_token', 'scope', 'resource', 'code', 'code_verifier', 'client_secret', 'x'), fc.string({ unit: 'grapheme', maxLength: 40 })),
        (fields) => {
          const body = new URLSearchParams(fields).toString();
          const got = parseTokenRequest(body);
          for (const k of ['grant_type', 'refresh_token', 'scope', 'resource'] as const) expect(got[k]).toBe(fields[k]);
          expect(Object.keys(got).every((k) => k in fields)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('JSON fields', () => {
  test('never throws on any bytes; fields are own strings within bounds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.json().map((j) => new TextEncoder().encode(j))), (bytes) => {
        const o = parseJsonObject(Buffer.from(bytes));
        const v = str(o, 'issuer');
        if (v !== undefined) expect(typeof v).toBe('string');
        const l = strList(o, 'code_challenge_methods_supported');
        if (l !== undefined) expect(l.every((x) => typeof x === 'string')).toBe(true);
      }),
      { numRuns: RUNS },
    );
    // inherited and __proto__ keys are not fields
    expect(str(parseJsonObject(Buffer.from('{"__proto__":{"issuer":"https://evil"}}')), 'issuer')).toBeUndefined();
    expect(str(parseJsonObject(Buffer.from('{}')), 'toString')).toBeUndefined();
  });
});

describe('CappedBytes', () => {
  test('keeps at most the cap, also once decoded; wipe zeroes what was kept', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), fc.integer({ min: 1, max: 400 }), (chunks, cap) => {
        const b = new CappedBytes(cap);
        for (const c of chunks) b.push(c);
        const total = chunks.reduce((n, c) => n + c.length, 0);
        const got = b.take(undefined);
        if (total > cap) expect(got).toBeUndefined();
        else expect(Buffer.compare(got!, Buffer.concat(chunks))).toBe(0);
        b.wipe();
        if (got) expect(got.every((x) => x === 0)).toBe(true);
      }),
      { numRuns: 500 },
    );
    const bomb = gzipSync(Buffer.alloc(1 << 20)); // 1 MiB of zeros in ~1 KiB
    const b = new CappedBytes(64 * 1024);
    b.push(bomb);
    expect(b.take('gzip')).toBeUndefined();
    const ok = new CappedBytes(1024);
    ok.push(gzipSync(Buffer.from('{"a":1}')));
    expect(ok.take('gzip')!.toString()).toBe('{"a":1}');
    const junk = new CappedBytes(1024);
    junk.push(Buffer.from('not gzip'));
    expect(junk.take('gzip')).toBeUndefined();
  });
});

describe('RouteTable', () => {
  test('classifies the well-known paths, learned endpoints only; anything else is not OAuth', () => {
    const t = new RouteTable(undefined);
    expect(t.classify('https://rs.example', '/.well-known/oauth-protected-resource/mcp')).toEqual({ kind: 'resource_metadata', issuer: '' });
    expect(t.classify('https://as.example', '/.well-known/oauth-authorization-server/tenant')).toEqual({ kind: 'as_metadata', issuer: 'https://as.example/tenant' });
    expect(t.classify('https://as.example', '/tenant/.well-known/openid-configuration')).toEqual({ kind: 'as_metadata', issuer: 'https://as.example/tenant' });
    expect(t.classify('https://as.example', '/.well-known/openid-configuration?x=1')).toEqual({ kind: 'as_metadata', issuer: 'https://as.example' });
    expect(t.classify('https://as.example', '/token')).toBeUndefined();
    t.learn('https://as.example', { token: 'https://as.example/token', registration: 'javascript:alert(1)', revocation: 'not a url' });
    expect(t.classify('https://as.example', '/token?x')).toEqual({ kind: 'token', issuer: 'https://as.example' });
    expect(t.size()).toBe(1);
    const only = new RouteTable(new Set(['https://as.example']));
    expect(only.classify('https://other.example', '/.well-known/oauth-authorization-server')).toBeUndefined();
    expect(only.classify('https://as.example', '/.well-known/oauth-authorization-server')?.kind).toBe('as_metadata');
  });

  test('never throws, and learned state stays within its bounds whatever the metadata says', () => {
    const t = new RouteTable(undefined);
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), fc.webUrl(), fc.string(), (a, b, path) => {
        t.learn(a, { token: b, revocation: a, registration: path });
        t.classify(new URL(a).origin, path);
        t.classify(new URL(b).origin, new URL(b).pathname);
      }),
      { numRuns: RUNS },
    );
    expect(t.size()).toBeLessThanOrEqual(LIMITS.origins * LIMITS.routesPerOrigin);
  });
});

// ---- linear time --------------------------------------------------------------------------

/** Fastest ns per call of fn(input) over a few rounds: the minimum is what other load on the machine disturbs least. */
function timeOf(fn: () => unknown): number {
  const samples: number[] = [];
  for (let r = 0; r < 7; r++) {
    let n = 0;
    const t0 = process.hrtime.bigint();
    let t1 = t0;
    while (t1 - t0 < 2_000_000n) {
      fn();
      n++;
      t1 = process.hrtime.bigint();
    }
    samples.push(Number(t1 - t0) / n);
  }
  return Math.min(...samples);
}

/** Cost of the parser relative to JSON.stringify of the same input, at size n. */
function relative(make: (n: number) => string, parse: (s: string) => unknown, n: number): number {
  const input = make(n);
  return timeOf(() => parse(input)) / timeOf(() => JSON.stringify(input));
}

const redirectObserver = new Observer({ enabled: true, issuers: undefined });
redirectObserver.routes.learnAuthorization('https://as.example', 'https://as.example/auth');

const HOSTILE: Array<[string, (n: number) => string, (s: string) => unknown, number, number]> = [
  ['challenge: escapes in a quoted value', (n) => `Bearer resource_metadata="${'\\a'.repeat(n / 2)}"`, parseBearerChallenge, 512, 8000],
  ['challenge: separators', (n) => `Bearer ${', '.repeat(n / 2)}`, parseBearerChallenge, 512, 8000],
  ['challenge: many schemes', (n) => 'Bearer x=1, '.repeat(n / 12), parseBearerChallenge, 512, 8000],
  ['challenge: equals runs', (n) => `Basic ${'='.repeat(n)}`, parseBearerChallenge, 512, 8000],
  ['form: ampersands', (n) => '&'.repeat(n), parseTokenRequest, 4096, 65536],
  ['form: no equals then one', (n) => `${'a&'.repeat(n / 2)}=`, parseTokenRequest, 4096, 65536],
  ['form: percent runs in a read field', (n) => `grant_type=${'%'.repeat(n)}`, parseTokenRequest, 4096, 65536],
  ['form: pluses in a read field', (n) => `scope=${'+'.repeat(n)}`, parseTokenRequest, 4096, 65536],
  ['step-up: a long scope list', (n) => 'a '.repeat(n / 2), (s) => new Detectors().stepUp('https://rs.example', '/mcp', s), 512, 8000],
  ['authorization response: many parameters', (n) => 'a=b&'.repeat(n / 4), (s) => checkAuthorizationResponse({ response: s, expectedIssuer: 'https://as.example', issRequired: false }), 512, 8000],
  ['authorization redirect: a long query', (n) => `https://as.example/auth?${'a=b&'.repeat(n / 4)}code_challenge_method=S256`, (s) => redirectObserver.authorizationRedirect(s), 512, 8000],
  ['route: long path', (n) => `/${'a/'.repeat(n / 2)}.well-known/openid-configuration`, (s) => new RouteTable(undefined).classify('https://a', s), 4096, 65536],
];

test.each(HOSTILE)('linear time: %s (time per byte vs JSON.stringify stays flat over 16x input)', (_name, make, parse, small, large) => {
  // warm both paths up so the JIT is not what is measured
  for (let i = 0; i < 50; i++) {
    parse(make(small));
    JSON.stringify(make(small));
  }
  const a = relative(make, parse, small);
  const b = relative(make, parse, large);
  // quadratic work would make b about 16x a
  expect(b / a).toBeLessThan(4);
});
