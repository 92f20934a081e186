/**
 * The compiled per-shape walks (shapes.ts compileWalk) against the key-by-key loop they replace:
 * for any record, the first call (a fresh walker, nothing compiled) and a call once its key
 * lists are compiled give the same result, key order included, under any node budget, with
 * throwing getters, nested records and secrets. Also: with code generation disabled, the
 * redactor still gives the same results (built key by key).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { createKeyTable } from '../../src/redaction/keys';
import { createTextScanner } from '../../src/redaction/patterns';
import { COMPILE_AFTER, createShapeTable, type ShapeTable, type Walk } from '../../src/redaction/shapes';
import { createWalker } from '../../src/redaction/walker';

const TOKEN = 'gho_16C7e42F292c6912E7710c838347Ae178B4a';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJlc2lnbmF0dXJl';

/** A shape table whose compiled walks count their calls. */
function observedTable(): { table: ShapeTable; walks: () => number } {
  const t = createShapeTable();
  let walks = 0;
  const wrapped = new WeakSet<Walk>();
  const table: ShapeTable = {
    lookup: (keys, base, n) => t.lookup(keys, base, n),
    compile: (shape) => t.compile(shape),
    compileWalk(shape, entries, plainKey, ops) {
      const ok = t.compileWalk(shape, entries, plainKey, ops);
      const w = shape.walk;
      if (w !== undefined && !wrapped.has(w)) {
        const counted: Walk = (s, d, c) => {
          walks++;
          return w(s, d, c);
        };
        wrapped.add(counted);
        shape.walk = counted;
      }
      return ok;
    },
  };
  return { table, walks: () => walks };
}

/** A walker built as createRedactor builds its own, with an observed shape table. */
function walkerWith(maxNodes: number, shapes: ShapeTable): (v: unknown) => unknown {
  let scanner: ReturnType<typeof createTextScanner> | undefined;
  const keys = createKeyTable([], [], (s) => scanner!.hasMarkers(s));
  scanner = createTextScanner({ classify: keys.classify, mask: () => '[REDACTED]', extraPatterns: [], maxStringLength: 4096 });
  return createWalker({ keys, text: scanner, maxDepth: 6, maxNodes, shapes });
}

/** Keys in for…in order, recursively: toStrictEqual ignores the order of keys. */
function keyOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keyOrder);
  if (typeof v !== 'object' || v === null) return null;
  return Object.entries(v).map(([k, x]) => [k, keyOrder(x)]);
}

// Plain keys, secret and ambiguous keys, and keys whose verdict needs their siblings.
const KEYS = ['event', 'status', 'message', 'duration_ms', 'userId', 'accessToken', 'password', 'code', 'state',
  'grant_type', 'auth', 'kty', 'd', 'name', 'value', 'claims', 'id_token', 'headers', 'level', 'nextPageToken'];
const THROWS = Symbol('throws');

const leaf = fc.oneof(
  fc.constantFrom('success', 'failure', 'normal', 'invalid_grant', 'ECONNRESET', '', 'a=b', `Bearer ${TOKEN}`, TOKEN, JWT,
    `https://x.test/cb?code=${TOKEN}&state=s1`, 'password=hunter2', 'user_8f3a2c'),
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -5, max: 500 }),
  fc.boolean(),
  fc.constantFrom(null, undefined, 10n, THROWS),
);
const { record } = fc.letrec((tie) => ({
  record: fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), fc.oneof({ depthSize: 'small', maxDepth: 3 }, leaf, tie('record'), fc.array(tie('value'), { maxLength: 3 }))), {
    selector: ([k]) => k, maxLength: 8,
  }),
  value: fc.oneof({ depthSize: 'small', maxDepth: 3 }, leaf, tie('record')),
}));

/** Materializes a generated record; THROWS becomes an enumerable getter that throws. */
function build(v: unknown): unknown {
  if (Array.isArray(v) && v.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && KEYS.includes(e[0]))) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v as [string, unknown][]) {
      if (x === THROWS) Object.defineProperty(o, k, { enumerable: true, configurable: true, get() { throw new Error(TOKEN); } });
      else o[k] = build(x);
    }
    return o;
  }
  if (Array.isArray(v)) return v.map(build);
  return v === THROWS ? 'x' : v;
}

describe('compiled walks', () => {
  it('give the key-by-key result (values, key order, truncation) for any record and node budget', () => {
    let used = 0;
    fc.assert(
      fc.property(record, fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(10_000)), (spec, maxNodes) => {
        const input = build(spec);
        const { table, walks } = observedTable();
        const walk = walkerWith(maxNodes, table);
        const first = walk(input);
        let last: unknown;
        for (let i = 0; i < COMPILE_AFTER + 4; i++) last = walk(input);
        expect(isDeepStrictEqual(last, first)).toBe(true);
        expect(keyOrder(last)).toEqual(keyOrder(first));
        if (walks() > 0) used++;
      }),
      { numRuns: 400 },
    );
    // Most records have no renamed keys: the compiled path must actually have run.
    expect(used).toBeGreaterThan(120);
  });

  it('a record that alternates with others at the same depth keeps its own walk', () => {
    const { table, walks } = observedTable();
    const walk = walkerWith(10_000, table);
    const a = { event: 'a', status: 'success', accessToken: TOKEN };
    const b = { event: 'b', message: 'password=hunter2', n: 1 };
    const c = { event: 'c', status: 'failure' };
    const want = [walk(a), walk(b), walk(c)];
    for (let i = 0; i < 20; i++) for (const [j, r] of [a, b, c].entries()) expect(walk(r)).toEqual(want[j]);
    expect(want).toEqual([{ event: 'a', status: 'success', accessToken: '[REDACTED]' }, { event: 'b', message: 'password=[REDACTED]', n: 1 }, c]);
    expect(walks()).toBeGreaterThan(0);
  });

  it('records sharing key prefixes, interleaved, each get their own result', () => {
    const LIST = ['event', 'status', 'message', 'password', 'userId', 'code', 'scope'];
    let used = 0;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: LIST.length }), { minLength: 2, maxLength: 6 }), fc.array(fc.nat(), { minLength: 40, maxLength: 80 }), (cuts, order) => {
        // Prefixes of one key list (and the list reversed): candidates agree on their first keys.
        const records = cuts.map((n, j) => Object.fromEntries((j % 2 ? [...LIST].reverse() : LIST).slice(0, n).map((k) => [k, `v_${k}`])));
        const fresh = records.map((r) => walkerWith(10_000, observedTable().table)(r));
        const { table, walks } = observedTable();
        const walk = walkerWith(10_000, table);
        for (const x of order) {
          const j = x % records.length;
          const out = walk(records[j]);
          expect(out).toStrictEqual(fresh[j]);
          expect(Object.keys(out as object)).toEqual(Object.keys(fresh[j] as object));
        }
        if (walks() > 0) used++;
      }),
      { numRuns: 150 },
    );
    expect(used).toBeGreaterThan(100);
  });

  it('an object with more, fewer or reordered keys than a compiled shape is walked as itself', () => {
    const { table, walks } = observedTable();
    const walk = walkerWith(10_000, table);
    const base = { event: 'e', status: 's' };
    for (let i = 0; i < COMPILE_AFTER + 2; i++) walk(base);
    const before = walks();
    walk(base);
    expect(walks()).toBe(before + 1);
    expect(walk({ event: 'e', status: 's', password: 'p' })).toEqual({ event: 'e', status: 's', password: '[REDACTED]' });
    expect(walk({ event: 'e' })).toEqual({ event: 'e' });
    expect(Object.keys(walk({ status: 's', event: 'e' }) as object)).toEqual(['status', 'event']);
    expect(walk({ event: 'e', status: `Bearer ${TOKEN}` })).toEqual({ event: 'e', status: 'Bearer [REDACTED]' });
  });
});

describe('without code generation', () => {
  const dist = join(__dirname, '../../dist/redaction/index.js');
  it('--disallow-code-generation-from-strings gives the same results', () => {
    expect(existsSync(dist)).toBe(true); // else: npm run build
    const script = `
      const { createRedactor } = require(${JSON.stringify(dist)});
      const cases = JSON.parse(process.argv[1]);
      const out = [];
      for (const [maxNodes, rec] of cases) {
        const r = createRedactor({ maxNodes });
        let last;
        for (let i = 0; i < 12; i++) last = r.redact(rec);
        out.push(last);
      }
      process.stdout.write(JSON.stringify(out));`;
    const cases: [number, unknown][] = [
      [10_000, { event: 'oauth.token.refresh', status: 'success', duration_ms: 1, metadata: { accessToken: TOKEN, expiresIn: 3600 } }],
      [10_000, { event: 'x', url: `https://x.test/cb?code=${TOKEN}`, list: ['authorization', `Bearer ${TOKEN}`] }],
      [3, { a: 1, b: { c: 2, d: 3 }, e: 4 }],
      [5, { a: 'x', b: 'y', c: 'z', d: 'w', e: 'v', f: 'u' }],
    ];
    const child = JSON.parse(execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '-e', script, JSON.stringify(cases)], { encoding: 'utf8' })) as unknown[];
    const here = cases.map(([maxNodes, rec]) => {
      const { table } = observedTable();
      const walk = walkerWith(maxNodes, table);
      let last: unknown;
      for (let i = 0; i < 12; i++) last = walk(rec);
      return JSON.parse(JSON.stringify(last)) as unknown;
    });
    expect(child).toEqual(here);
    expect(keyOrder(child)).toEqual(keyOrder(here));
    expect(JSON.stringify(child)).not.toContain(TOKEN);
  });
});
