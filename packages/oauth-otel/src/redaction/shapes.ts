/**
 * Compiled constructors for the object shapes a walk meets often. The walker never hands a
 * caller's object back: it builds a fresh one from the string keys it read, so what it did not
 * read (symbol keys, `util.inspect.custom`, a non-enumerable `toJSON`) cannot come along. Adding
 * keys one by one to `{}` is a megamorphic store per key (~25 ns each); an object literal
 * compiled once per key list costs about what a spread clone does, and less than the
 * `Object.getOwnPropertySymbols` check that by-reference returns needed (bench/redaction-baseline.mjs).
 *
 * A shape seen often also gets a compiled walk (compileWalk): the walker's per-key loop for that
 * key list with the keys as literals, so a record of a common shape costs a key check (for…in
 * against the list), one monomorphic read per key and one object literal, with no per-key cache
 * lookup and no buffer. Its steps, node budget and throw handling are the loop's
 * (test/redaction/compiled-walk.property.test.ts compares the two).
 *
 * Bounded: at most MAX_SHAPES key lists of at most MAX_SHAPE_CHARS characters in all are
 * remembered (so at most 512 KB of key text is kept), a list is compiled only after
 * COMPILE_AFTER sightings, compiled walks hold at most MAX_WALK_KEYS key entries, and the walker
 * compiles at most one function per call. Where code generation is disabled
 * (`--disallow-code-generation-from-strings`) nothing is compiled and the walker builds objects
 * key by key.
 */

import type { KeyEntry } from './keys';

/** Builds `{ [keys[j]]: vals[base + j] }` for the shape's keys, in order, and clears those
 *  slots of `vals` (the walker's buffer must not keep the caller's values alive). */
export type Build = (vals: unknown[], base: number) => Record<string, unknown>;

export interface Shape {
  readonly keys: readonly string[];
  seen: number;
  build: Build | undefined;
  /** The whole walk of an object with exactly these keys (see compileWalk), once compiled. */
  walk: Walk | undefined;
}

/** The part of the walker's per-call state a compiled walk touches. */
export interface WalkCtx {
  nodes: number;
}

/** Walks `src` (whose for…in keys were checked to be the shape's keys, in order) into a fresh
 *  object; `depth` is its values' depth. */
export type Walk = (src: Record<string, unknown>, depth: number, ctx: WalkCtx) => Record<string, unknown>;

/** What a compiled walk calls back into: the walker's own per-value logic, so that the compiled
 *  code holds no policy (a verdict, a memo check and a property read per key, nothing else). */
export interface WalkOps {
  /** A string under a plain key that missed the key's memo: scanned (and remembered if clean). */
  str(e: KeyEntry, v: string): unknown;
  /** Any other non-number, non-boolean value under a plain key (objects, bigint, symbols…). */
  val(v: unknown, depth: number, ctx: WalkCtx): unknown;
  /** A value under any other key (secret-like, renamed or allowed): the walker's field(). */
  fld(v: unknown, kind: number, parent: object, depth: number, ctx: WalkCtx): unknown;
  /** Out of node budget at key `j` with `pending` keys not yet counted before it: the entries
   *  the key-by-key walk would have kept, plus its truncation marker. */
  cut(out: Record<string, unknown>, keys: readonly string[], j: number, pending: number, ctx: WalkCtx): Record<string, unknown>;
  /** The value of a key whose read threw. */
  readonly unreadable: unknown;
  readonly maxNodes: number;
}

export interface ShapeTable {
  /** The shape of `keys[base, base + n)`, with one more sighting; undefined once the table is
   *  full or when the keys are too long to keep. */
  lookup(keys: readonly unknown[], base: number, n: number): Shape | undefined;
  /** Compiles `shape` when it has been seen often enough; true when it now has a constructor. */
  compile(shape: Shape): boolean;
  /**
   * Compiles the walk of `shape` (after compile() succeeded): `entries[j]` is the verdict of
   * key j, `plainKey[j]` whether its value is walked as plain data (memo, scan, value) rather
   * than through field(). False when code generation is off, the key list holds `__proto__`, or
   * the walks compiled so far hold MAX_WALK_KEYS entries (each entry keeps a 4-string memo).
   */
  compileWalk(shape: Shape, entries: readonly KeyEntry[], plainKey: readonly boolean[], ops: WalkOps): boolean;
}

export const MAX_SHAPES = 512;
export const MAX_SHAPE_CHARS = 1024;
export const COMPILE_AFTER = 4;
/** Key entries the compiled walks may hold in all (as many as the key cache's own bound). */
export const MAX_WALK_KEYS = 8192;

/** A property name as an object-literal key: a JSON string is a JS string literal, and
 *  `__proto__` is computed so that it defines an own property instead of setting the prototype. */
const literalKey = (k: string): string => (k === '__proto__' ? '["__proto__"]' : JSON.stringify(k));

/**
 * The source of a compiled walk. Per key, the same steps as the walker's key-by-key loop
 * (walker.ts plain()), in the same order, with the key as a literal: a monomorphic property
 * read instead of a keyed one, the verdict and memo of the key fixed at compile time, and the
 * values stored into an object literal of the shape (one allocation of a fixed layout).
 * - Throws: a read or walk that throws gives `unreadable` for that key, as in the loop.
 * - Node budget: the loop counts one node per key before reading it; here keys are counted in
 *   a local `p` and added to ctx.nodes before any call that can walk further (objects, field())
 *   and at the end. The count only grows, so checking it at those points finds every overrun
 *   the loop finds, and cut() rebuilds exactly the loop's truncated result.
 */
function walkSource(keys: readonly string[], plainKey: readonly boolean[]): string {
  const lines: string[] = [];
  const entries = keys.map((_, j) => `e${j}=E[${j}]`).join(',');
  lines.push(`"use strict";const ${entries};return function walk(s,d,c){let p=0;`);
  lines.push(`const o={${keys.map((k) => `${literalKey(k)}:undefined`).join(',')}};`);
  keys.forEach((k, j) => {
    const L = JSON.stringify(k);
    const e = `e${j}`;
    const over = `if((c.nodes+=p)>M)return cut(o,K,${j},p,c);p=0;`;
    lines.push(`p++;try{`);
    if (plainKey[j]) {
      lines.push(`let v=s[${L}];if(typeof v==="string"){if(v!==${e}.m0&&v!==${e}.m1&&v!==${e}.m2&&v!==${e}.m3)v=str(${e},v);}`);
      lines.push(`else if(typeof v!=="number"&&typeof v!=="boolean"){${over}v=val(v,d,c);}o[${L}]=v;`);
    } else {
      lines.push(`${over}o[${L}]=fld(s[${L}],${e}.kind,s,d,c);`);
    }
    lines.push(`}catch{o[${L}]=U;}`);
  });
  // Trailing keys with no call after them (p of them) are counted here; none left, no check.
  lines.push(`if(p!==0&&(c.nodes+=p)>M)return cut(o,K,${keys.length - 1},p,c);return o;}`);
  return lines.join('');
}

export function createShapeTable(): ShapeTable {
  const byId = new Map<string, Shape>();
  let codegen = true;
  let walkKeys = 0;
  return {
    lookup(keys, base, n) {
      let chars = 0;
      for (let j = base; j < base + n; j++) chars += (keys[j] as string).length;
      if (chars > MAX_SHAPE_CHARS) return undefined;
      const list = keys.slice(base, base + n) as string[];
      // JSON of the list: collision-free, unlike a join on any separator a key may contain.
      const id = JSON.stringify(list);
      let s = byId.get(id);
      if (s === undefined) {
        if (byId.size >= MAX_SHAPES) return undefined;
        s = { keys: list, seen: 0, build: undefined, walk: undefined };
        byId.set(id, s);
      }
      s.seen++;
      return s;
    },
    compile(shape) {
      if (shape.build !== undefined) return true;
      if (!codegen || shape.seen < COMPILE_AFTER) return false;
      const body = shape.keys.map((k, j) => `${literalKey(k)}:v[b+${j}]`).join(',');
      // The buffer slots are cleared as they are read (straight-line code, no loop).
      const clear = shape.keys.map((_, j) => `v[b+${j}]=undefined;`).join('');
      try {
        // eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys are JSON-quoted literals
        shape.build = new Function('v', 'b', `const o={${body}};${clear}return o;`) as Build;
        return true;
      } catch {
        codegen = false;
        return false;
      }
    },
    compileWalk(shape, entries, plainKey, ops) {
      if (shape.walk !== undefined) return true;
      const n = shape.keys.length;
      if (!codegen || shape.build === undefined || n === 0 || walkKeys + n > MAX_WALK_KEYS || shape.keys.includes('__proto__')) return false;
      try {
        // eslint-disable-next-line @typescript-eslint/no-implied-eval -- keys are JSON-quoted literals
        const make = new Function('E', 'K', 'str', 'val', 'fld', 'cut', 'U', 'M', walkSource(shape.keys, plainKey)) as (
          ...a: unknown[]
        ) => Walk;
        shape.walk = make(entries.slice(0, n), shape.keys, ops.str, ops.val, ops.fld, ops.cut, ops.unreadable, ops.maxNodes);
        walkKeys += n;
        return true;
      } catch {
        codegen = false;
        return false;
      }
    },
  };
}
