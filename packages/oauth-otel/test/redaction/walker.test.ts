/**
 * Containers, purity and totality: every value type, cycles, throwing getters and proxies,
 * deep nesting, huge strings, and inputs that are never mutated.
 */
import { inspect } from 'node:util';
import {
  TRUNCATED_KEY, MARKER_CIRCULAR, MARKER_DEPTH, MARKER_TRUNCATED, MARKER_UNREADABLE, createRedactor, redact,
} from '../../src/redaction';

const R = '[REDACTED]';
const TOKEN = 'gho_16C7e42F292c6912E7710c838347Ae178B4a';

function deepFreeze<T>(o: T, seen = new Set<unknown>()): T {
  if (o === null || typeof o !== 'object' || seen.has(o)) return o;
  seen.add(o);
  if (o instanceof Map || o instanceof Set || ArrayBuffer.isView(o)) return o;
  for (const v of Object.values(o)) deepFreeze(v, seen);
  return Object.freeze(o);
}

describe('containers', () => {
  it('arrays, nested arrays and sparse arrays', () => {
    const out = redact([1, 'a', { password: 'x' }, [[{ token: 't' }]], , null]) as unknown[];
    expect(out).toEqual([1, 'a', { password: R }, [[{ token: R }]], undefined, null]);
  });

  it('Maps keep their type; keys go through the key rules, non-string keys are walked', () => {
    const key = { k: 1 };
    const m = new Map<unknown, unknown>([['accessToken', TOKEN], ['n', 1], [key, { secret: 's' }], [`Bearer ${TOKEN}`, 1]]);
    const out = redact(m) as Map<unknown, unknown>;
    expect(out).toBeInstanceOf(Map);
    expect(out.get('accessToken')).toBe(R);
    expect(out.get('n')).toBe(1);
    expect([...out.values()]).toContainEqual({ secret: R });
    expect(out.has(`Bearer ${R}`)).toBe(true);
    expect(m.get('accessToken')).toBe(TOKEN);
  });

  it('Sets keep their type', () => {
    const out = redact(new Set([`Bearer ${TOKEN}`, 1])) as Set<unknown>;
    expect(out).toEqual(new Set(['Bearer [REDACTED]', 1]));
  });

  it('binary becomes a short description', () => {
    expect(redact({
      b: Buffer.alloc(32), u: new Uint8Array(16), f: new Float64Array(2), ab: new ArrayBuffer(8), dv: new DataView(new ArrayBuffer(4)),
    })).toEqual({ b: '[Buffer 32 bytes]', u: '[Uint8Array 16 bytes]', f: '[Float64Array 16 bytes]', ab: '[ArrayBuffer 8 bytes]', dv: '[DataView 4 bytes]' });
  });

  it('class instances become plain objects of their own enumerable properties', () => {
    class Session {
      id = 'sess-1';
      refreshToken = TOKEN;
      get hidden() { return TOKEN; }
      toJSON() { return { leak: TOKEN }; }
      [inspect.custom]() { return TOKEN; }
    }
    const out = redact({ s: new Session() }) as { s: object };
    expect(Object.getPrototypeOf(out.s)).toBe(Object.prototype);
    expect(out.s).toEqual({ id: 'sess-1', refreshToken: R });
    expect(JSON.stringify(out)).not.toContain(TOKEN);
    expect(inspect(out)).not.toContain(TOKEN);
  });

  it('Dates, RegExps, URLs, URLSearchParams, Headers, boxed primitives, functions, symbols, bigint', () => {
    const out = redact({
      d: new Date(0), bad: new Date(NaN), re: /code=abc123XYZ/, u: new URL(`https://h/cb?code=${TOKEN}`),
      q: new URLSearchParams({ refresh_token: TOKEN, a: '1' }), h: new Headers({ Authorization: `Bearer ${TOKEN}`, Accept: 'json' }),
      bs: Object('x'), bn: Object(1), fn() {}, sym: Symbol(`Bearer ${TOKEN}`), big: 12n, p: Promise.resolve(1), wm: new WeakMap(),
    });
    expect(out).toEqual({
      d: '1970-01-01T00:00:00.000Z', bad: 'Invalid Date', re: `/code=${R}`, u: `https://h/cb?code=${R}`,
      q: `refresh_token=${R}&a=1`, h: { authorization: `Bearer ${R}`, accept: 'json' }, bs: 'x', bn: 1, fn: '[Function]',
      sym: `Symbol(Bearer ${R})`, big: '12', p: '[Promise]', wm: '[WeakMap]',
    });
  });

  it('raw header arrays and argv lists', () => {
    expect(redact(['Authorization', `Bearer ${TOKEN}`, 'Cookie', 'sid=abc', 'X-Api-Key', 'k3yV4lue9', 'Accept', 'json'])).toEqual(
      ['Authorization', `Bearer ${R}`, 'Cookie', R, 'X-Api-Key', R, 'Accept', 'json'],
    );
    expect(redact(['node', 'app', '--client-secret', 'abc123', '--port', '80'])).toEqual(['node', 'app', '--client-secret', R, '--port', '80']);
    // Letter-only or dash-leading secrets are still values, not header names or flags.
    expect(redact(['Access-Token', 'AAAAAAAAAAAAAAAAAAAAAAAA', 'X-Api-Key', 'QwErTyUiOpAsDf'])).toEqual(['Access-Token', R, 'X-Api-Key', R]);
    expect(redact(['--client-secret', '-Xk9aB2cD4eF6gH8'])).toEqual(['--client-secret', R]);
    expect(redact(['--token', '--verbose'])).toEqual(['--token', '--verbose']);
    // A list of header names is not a header block.
    const names = ['authorization', 'content-type', 'cookie', 'set-cookie'];
    expect(redact(names)).toEqual(names);
  });
});

describe('Errors', () => {
  it('become plain objects with name, message, stack, code, own properties, cause and errors', () => {
    const inner = Object.assign(new Error(`inner access_token=${TOKEN}`), { code: 'ECONNRESET' });
    const err = new Error(`token endpoint said {"refresh_token":"${TOKEN}"}`, { cause: inner }) as Error & Record<string, unknown>;
    err.config = { headers: { Authorization: `Bearer ${TOKEN}` }, url: `https://as/token?client_secret=${TOKEN}` };
    err.request = { _header: `POST /token HTTP/1.1\r\nAuthorization: Basic ${Buffer.from('app:pw').toString('base64')}\r\n\r\n` };
    const agg = new AggregateError([err, new TypeError(`Bearer ${TOKEN}`)], 'all failed');
    const out = redact({ agg }) as any;
    const text = JSON.stringify(out);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(Buffer.from('app:pw').toString('base64'));
    expect(out.agg.name).toBe('AggregateError');
    expect(out.agg.errors[0].message).toBe('token endpoint said {"refresh_token":"[REDACTED]"}');
    expect(out.agg.errors[0].stack).toContain('token endpoint said {"refresh_token":"[REDACTED]"}');
    expect(out.agg.errors[0].cause).toMatchObject({ name: 'Error', message: 'inner access_token=[REDACTED]', code: 'ECONNRESET' });
    expect(out.agg.errors[0].config.headers.Authorization).toBe('Bearer [REDACTED]');
    expect(out.agg.errors[1]).toMatchObject({ name: 'TypeError', message: 'Bearer [REDACTED]' });
  });

  it('cause cycles and self-causes stop with [Circular]', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    const out = redact(a) as any;
    expect(out.cause.cause).toBe(MARKER_CIRCULAR);
  });

  it('long cause chains stop at the depth limit', () => {
    let e: Error = new Error('root');
    for (let i = 0; i < 100; i++) e = new Error(`level ${i}`, { cause: e });
    let out = redact(e) as any;
    let depth = 0;
    while (typeof out === 'object') {
      out = out.cause;
      depth++;
    }
    expect(out).toBe(MARKER_DEPTH);
    expect(depth).toBeLessThanOrEqual(12);
  });
});

describe('purity', () => {
  it('never mutates its input (deep-frozen input, structuredClone compared)', () => {
    const input = {
      access_token: TOKEN, nested: { list: [{ password: 'p', ok: 1 }, `Bearer ${TOKEN}`], m: 'https://u:p@h/' },
      headers: { Authorization: `Bearer ${TOKEN}`, 'x-request-id': '550e8400-e29b-41d4-a716-446655440000' },
      __proto__x: 1,
    };
    const before = structuredClone(input);
    deepFreeze(input);
    const out = redact(input);
    expect(input).toEqual(before);
    expect(out).not.toBe(input);
  });

  it('returns clean plain data as an equal fresh copy, never the caller objects', () => {
    const clean = { event: 'oauth.token.refresh', status: 'success', nested: { a: [1, 2, { b: 'c' }] } };
    // Often enough that the shape's compiled constructor builds the copy, then once more.
    for (let i = 0; i < 8; i++) {
      const out = redact(clean) as typeof clean;
      expect(out).toEqual(clean);
      expect(out).not.toBe(clean);
      expect(out.nested).not.toBe(clean.nested);
      expect(out.nested.a).not.toBe(clean.nested.a);
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    }
    const mixed = { clean: clean.nested, dirty: { token: 'x' } };
    const out = redact(mixed) as typeof mixed;
    expect(out.clean).toEqual(clean.nested);
    expect(out.dirty).toEqual({ token: R });
  });

  it('does not pollute prototypes through __proto__ keys', () => {
    const input = JSON.parse(`{"__proto__": {"polluted": "yes", "password": "x"}, "token": "t"}`);
    const out = redact(input) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(out.__proto__).toEqual({ polluted: 'yes', password: R });
  });

  it('keeps distinct entries when two keys redact to the same text', () => {
    const out = redact({ [`Bearer ${TOKEN}`]: 1, [`Bearer ${TOKEN}x`]: 2 }) as Record<string, unknown>;
    expect(Object.values(out).sort()).toEqual([1, 2]);
    expect(JSON.stringify(out)).not.toContain(TOKEN);
  });
});

describe('totality', () => {
  it('cycles in objects, arrays and Maps', () => {
    const o: Record<string, unknown> = { token: 't' };
    o.self = o;
    o.list = [o];
    const m = new Map<string, unknown>();
    m.set('m', m);
    o.map = m;
    const out = redact(o) as any;
    expect(out.self).toBe(MARKER_CIRCULAR);
    expect(out.list[0]).toBe(MARKER_CIRCULAR);
    expect(out.map.get('m')).toBe(MARKER_CIRCULAR);
  });

  it('shared (non-cyclic) references are walked, not reported as cycles', () => {
    const shared = { a: 1 };
    expect(redact({ x: shared, y: shared })).toEqual({ x: shared, y: shared });
  });

  it('getters that throw, proxies that throw, revoked proxies', () => {
    const getter = { ok: 1, get bad(): string { throw new Error(TOKEN); } };
    const trap = new Proxy({}, { ownKeys() { throw new Error(TOKEN); } });
    const getTrap = new Proxy({ a: 1 }, { get() { throw new Error(TOKEN); } });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const out = redact({ getter, trap, getTrap, proxy, arr: new Proxy([1], { get() { throw new Error('x'); } }) }) as any;
    expect(out.getter).toEqual({ ok: 1, bad: MARKER_UNREADABLE });
    expect(out.trap).toBe(MARKER_UNREADABLE);
    expect(out.proxy).toBe(MARKER_UNREADABLE);
    expect(JSON.stringify(out)).not.toContain(TOKEN);
  });

  it('10,000-deep nesting stops at the depth limit without a stack overflow', () => {
    let deep: Record<string, unknown> = { token: TOKEN };
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    let arr: unknown[] = [TOKEN];
    for (let i = 0; i < 10_000; i++) arr = [arr];
    const out = redact({ deep, arr });
    expect(JSON.stringify(out)).toContain(MARKER_DEPTH);
    expect(JSON.stringify(out)).not.toContain(TOKEN);
  });

  it('10 MB strings are scanned up to the limit and cut with a marker', () => {
    const huge = `${'a'.repeat(10 * 1024 * 1024)} Bearer ${TOKEN}`;
    const cut = `x=1 ${'b'.repeat(262_100)} access_token=${TOKEN} ${'c'.repeat(1000)}`;
    const out = redact({ huge, cut }) as { huge: string; cut: string };
    // Booleans only: a failing matcher would print megabytes.
    expect(out.huge.length < 300_000).toBe(true);
    expect(out.huge.endsWith(`…[TRUNCATED ${huge.length} chars]`)).toBe(true);
    expect(out.huge.includes(TOKEN.slice(0, 8))).toBe(false);
    expect(out.cut.includes(TOKEN.slice(0, 8))).toBe(false);
    expect(/\[REDACTE?D?…/.test(out.cut)).toBe(false);
  });

  it('maxNodes bounds the work: arrays and objects keep the walked prefix and one marker', () => {
    const r = createRedactor({ maxNodes: 10 });
    const out = r.redact({ list: Array.from({ length: 100 }, (_, i) => i) }) as { list: unknown[] };
    expect(out.list).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, MARKER_TRUNCATED]);
    const wide = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, `Bearer ${TOKEN}`]));
    const w = r.redact(wide) as Record<string, unknown>;
    expect(Object.keys(w)).toHaveLength(11);
    expect(w[TRUNCATED_KEY]).toBe(MARKER_TRUNCATED);
    expect(JSON.stringify(w)).not.toContain(TOKEN);
    // Maps stop too: keys past the budget (objects included) are never handed back.
    const secretKey = { token: TOKEN };
    const m = r.redact(new Map<unknown, unknown>([...Array.from({ length: 20 }, (_, i) => [i, i] as [unknown, unknown]), [secretKey, 1]])) as Map<unknown, unknown>;
    expect(m.size).toBe(11);
    expect([...m.keys()]).not.toContain(secretKey);
  });

  it('giant sparse arrays and proxies lying about their length are not iterated to the end', () => {
    const sparse = new Array(1e9);
    sparse[5] = `Bearer ${TOKEN}`;
    const liar = new Proxy([1, 2], { get: (t, p) => (p === 'length' ? 2 ** 32 - 1 : Reflect.get(t, p)) });
    const t0 = Date.now();
    const outSparse = redact(sparse) as unknown[];
    const outLiar = redact(liar) as unknown[];
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(outSparse[5]).toBe('Bearer [REDACTED]');
    expect(outSparse).toHaveLength(10_001);
    expect(outSparse.at(-1)).toBe(MARKER_TRUNCATED);
    expect(outLiar.slice(0, 2)).toEqual([1, 2]);
    expect(outLiar.at(-1)).toBe(MARKER_TRUNCATED);
  });

  it("walks winston's MESSAGE and SPLAT symbols on a root info object", () => {
    const MESSAGE = Symbol.for('message');
    const SPLAT = Symbol.for('splat');
    const LEVEL = Symbol.for('level');
    const info = { level: 'info', message: 'refresh ok', [LEVEL]: 'info', [MESSAGE]: `{"level":"info","access_token":"${TOKEN}"}`, [SPLAT]: [{ refresh_token: TOKEN }] };
    const out = redact(info) as Record<string | symbol, unknown>;
    expect(out[MESSAGE]).toBe('{"level":"info","access_token":"[REDACTED]"}');
    expect(out[SPLAT]).toEqual([{ refresh_token: R }]);
    expect(out[LEVEL]).toBe('info');
    expect(info[MESSAGE]).toContain(TOKEN);
    const clean = { level: 'info', message: 'ok', [MESSAGE]: '{"level":"info","message":"ok"}' };
    expect(redact(clean)).toEqual(clean);
  });

  it('primitives and odd values pass through or become strings', () => {
    for (const v of [undefined, null, 0, -0, NaN, Infinity, true, '', 'plain']) expect(Object.is(redact(v), v)).toBe(true);
    expect(redact(() => 1)).toBe('[Function]');
    expect(redact(Object.create(null))).toEqual({});
    expect(redact({ n: NaN })).toEqual({ n: NaN });
  });

  it('a polluted Object.prototype: inherited keys of plain objects are walked, never passed through', () => {
    const P = Object.prototype as Record<string, unknown>;
    P.pollutedAuth = `Bearer ${TOKEN}`;
    try {
      for (let i = 0; i < 8; i++) {
        const out = JSON.stringify(redact({ own: 'x', nested: { token: 't' } }));
        expect(out).not.toContain(TOKEN);
        expect(out).toContain('"own":"x"');
      }
    } finally {
      delete P.pollutedAuth;
    }
  });

  it('inherited enumerable properties (polluted prototypes) are not copied into the output', () => {
    const proto = { inherited: `Bearer ${TOKEN}` };
    const o = Object.create(proto) as Record<string, unknown>;
    Object.setPrototypeOf(proto, Object.prototype);
    o.own = 'x';
    o.token = 't';
    const out = redact(o) as Record<string, unknown>;
    expect(out).toEqual({ own: 'x', token: R });
  });
});
