/**
 * The compiled per-shape constructors: any key text becomes the same own property (no code
 * injection, no prototype change), and the table stays bounded.
 */
import fc from 'fast-check';
import { COMPILE_AFTER, MAX_SHAPES, MAX_SHAPE_CHARS, createShapeTable, type WalkOps } from '../../src/redaction/shapes';

describe('shape table', () => {
  it('builds objects whose own keys and values are exactly the given ones, whatever the key text', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', '"}); throw 1; ({"', '\u2028', '\ud800', '0', '01', 'toJSON')), { minLength: 1, maxLength: 8 }), (keys) => {
        const t = createShapeTable();
        let shape;
        for (let i = 0; i < COMPILE_AFTER; i++) shape = t.lookup(keys, 0, keys.length);
        expect(t.compile(shape!)).toBe(true);
        const vals = keys.map((_, i) => `v${i}`);
        const buf: unknown[] = ['pad', ...vals];
        const out = shape!.build!(buf, 1);
        // The buffer must not keep the values alive: the slots read are cleared, the rest kept.
        expect(buf).toEqual(['pad', ...keys.map(() => undefined)]);
        expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
        expect(Object.keys(out).sort()).toEqual([...keys].sort());
        keys.forEach((k, i) => expect(Object.getOwnPropertyDescriptor(out, k)?.value).toBe(`v${i}`));
      }),
      { numRuns: 300 },
    );
  });

  it('compiled walks read and write exactly the given keys, whatever the key text', () => {
    const ops: WalkOps = {
      str: (_e, v) => `s:${v}`, val: (v) => `v:${String(v)}`, fld: (v, kind) => `f${kind}:${String(v)}`,
      cut: () => ({ cut: true }), unreadable: 'U', maxNodes: 1000,
    };
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('constructor', '"]; throw 1; //', '\u2028', '\ud800', '0', '01', 'toJSON')), { minLength: 1, maxLength: 8 }), fc.boolean(), (keys, plain) => {
        const t = createShapeTable();
        let shape;
        for (let i = 0; i < COMPILE_AFTER; i++) shape = t.lookup(keys, 0, keys.length);
        expect(t.compile(shape!)).toBe(true);
        const entries = keys.map((_, i) => ({ kind: i, m0: undefined, m1: undefined, m2: undefined, m3: undefined, next: 0 }));
        expect(t.compileWalk(shape!, entries, keys.map(() => plain), ops)).toBe(true);
        const src: Record<string, unknown> = {};
        keys.forEach((k, i) => { src[k] = `x${i}`; });
        const out = shape!.walk!(src, 1, { nodes: 0 });
        expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
        expect(Object.keys(out)).toEqual(Object.keys(src));
        keys.forEach((k, i) => expect(out[k]).toBe(plain ? `s:x${i}` : `f${i}:x${i}`));
      }),
      { numRuns: 200 },
    );
    // `__proto__` is left to the key-by-key loop.
    const t = createShapeTable();
    let shape;
    for (let i = 0; i < COMPILE_AFTER; i++) shape = t.lookup(['a', '__proto__'], 0, 2);
    t.compile(shape!);
    expect(t.compileWalk(shape!, [], [true, true], ops)).toBe(false);
  });

  it('compiles only after repeated sightings', () => {
    const t = createShapeTable();
    const s = t.lookup(['a', 'b'], 0, 2)!;
    expect(t.compile(s)).toBe(COMPILE_AFTER <= 1);
    expect(s.build === undefined).toBe(COMPILE_AFTER > 1);
  });

  it('is bounded in key lists and key text', () => {
    const t = createShapeTable();
    for (let i = 0; i < MAX_SHAPES; i++) expect(t.lookup([`k${i}`], 0, 1)).toBeDefined();
    expect(t.lookup(['one-more'], 0, 1)).toBeUndefined();
    expect(t.lookup(['k1'], 0, 1)?.seen).toBe(2);
    expect(createShapeTable().lookup(['x'.repeat(MAX_SHAPE_CHARS + 1)], 0, 1)).toBeUndefined();
  });
});
