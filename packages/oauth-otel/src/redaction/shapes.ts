/**
 * Compiled constructors for the object shapes a walk meets often. The walker never hands a
 * caller's object back: it builds a fresh one from the string keys it read, so what it did not
 * read (symbol keys, `util.inspect.custom`, a non-enumerable `toJSON`) cannot come along. Adding
 * keys one by one to `{}` is a megamorphic store per key (~25 ns each); an object literal
 * compiled once per key list costs about what a spread clone does, and less than the
 * `Object.getOwnPropertySymbols` check that by-reference returns needed (bench/redaction-baseline.mjs).
 *
 * Bounded: at most MAX_SHAPES key lists of at most MAX_SHAPE_CHARS characters in all are
 * remembered (so at most 512 KB of key text is kept), a list is compiled only after
 * COMPILE_AFTER sightings, and the walker compiles at most one per call. Where code generation is
 * disabled (`--disallow-code-generation-from-strings`) nothing is compiled and the walker builds
 * objects key by key.
 */

/** Builds `{ [keys[j]]: vals[base + j] }` for the shape's keys, in order, and clears those
 *  slots of `vals` (the walker's buffer must not keep the caller's values alive). */
export type Build = (vals: unknown[], base: number) => Record<string, unknown>;

export interface Shape {
  readonly keys: readonly string[];
  seen: number;
  build: Build | undefined;
}

export interface ShapeTable {
  /** The shape of `keys[base, base + n)`, with one more sighting; undefined once the table is
   *  full or when the keys are too long to keep. */
  lookup(keys: readonly unknown[], base: number, n: number): Shape | undefined;
  /** Compiles `shape` when it has been seen often enough; true when it now has a constructor. */
  compile(shape: Shape): boolean;
}

export const MAX_SHAPES = 512;
export const MAX_SHAPE_CHARS = 1024;
export const COMPILE_AFTER = 4;

/** A property name as an object-literal key: a JSON string is a JS string literal, and
 *  `__proto__` is computed so that it defines an own property instead of setting the prototype. */
const literalKey = (k: string): string => (k === '__proto__' ? '["__proto__"]' : JSON.stringify(k));

export function createShapeTable(): ShapeTable {
  const byId = new Map<string, Shape>();
  let codegen = true;
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
        s = { keys: list, seen: 0, build: undefined };
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
  };
}
