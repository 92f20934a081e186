/**
 * The structural walk. Plain objects and arrays come back as fresh copies built from what the
 * walk read (never the caller's object, so a symbol key, an inspect hook, a `toJSON` or an extra
 * array property that the walk did not see cannot be printed from the result); the input is never
 * mutated. Everything that is not plain data (Errors, class instances, Dates, binary) is converted.
 * Maps and Sets come back by reference only when plain and unchanged.
 */
import { types } from 'node:util';
import {
  K_ALLOW, K_AMBIGUOUS, K_CLAIMS, K_CLAIMS_MEMBER, K_CONTEXT, K_DIRTY, K_JWK, K_KEYLIKE, K_LINE, K_SCALAR, K_SECRET,
  K_VALUE, isContextKey, isSafeAmbiguous, looksLikeKeyMaterial, type KeyEntry, type KeyTable,
} from './keys';
import { CREDENTIAL_FLAGS } from './patterns';
import { ARGV_ATTACHED, ARGV_KEEP, ARGV_PLAIN, ARGV_SECRET, argvVerdicts } from './argv';
import type { TextScanner } from './patterns';
import { COMPILE_AFTER, createShapeTable, type Shape, type ShapeTable, type WalkOps } from './shapes';

export const MARKER_REDACTED = '[REDACTED]';
export const MARKER_CIRCULAR = '[Circular]';
export const MARKER_DEPTH = '[MaxDepth]';
export const MARKER_TRUNCATED = '[Truncated]';
export const MARKER_UNREADABLE = '[Unreadable]';
export const MARKER_FUNCTION = '[Function]';
/** Returned when the redactor itself fails: fail closed, never the input. */
export const MARKER_FAILED = '[Unredactable]';

export interface WalkerOptions {
  keys: KeyTable;
  text: TextScanner;
  maxDepth: number;
  maxNodes: number;
  /** The compiled-shape table (default: a fresh one); tests pass one to observe its walks. */
  shapes?: ShapeTable;
}

interface Ctx {
  /** Ancestors of the current node, for cycle detection (depth-bounded, so a linear scan). */
  stack: object[];
  nodes: number;
  /** Per depth: the object whose OAuth-context question was last answered, and the answer. Each
   *  object's siblings are read at most once, however many ambiguous keys it has. */
  ctxObj: (object | undefined)[];
  ctxVal: boolean[];
  /** Depth of the innermost OIDC `claims` object being walked, or -1. */
  claims: number;
  /** Walked values of the plain objects being built, SLOT_WIDTH slots per depth (their keys
   *  are the way-1 entries of the key inline cache). */
  valBuf: unknown[];
  /** Depths that use the inline cache and buffers: none in a re-entrant call (a getter calling
   *  redact), which must not move the outer walk's keys. */
  slotDepths: number;
  /** A shape (constructor or walk) was compiled during this call (at most one per call:
   *  compiling costs ~20 µs). */
  compiled: boolean;
}
const newCtx = (slotDepths: number): Ctx => ({
  stack: [], nodes: 0, ctxObj: [], ctxVal: [], claims: -1,
  valBuf: slotDepths > 0 ? Array.from({ length: SLOTS }, () => undefined as unknown) : [], slotDepths, compiled: false,
});
/** The key an object truncated by the node budget gets in place of its remaining entries. */
export const TRUNCATED_KEY = '[Truncated]';

const NAME_KEY = /^[A-Za-z][A-Za-z0-9_-]*$/;
const FLAG_KEY = /^--?[A-Za-z][A-Za-z0-9_.-]*$/;
/** The next array element is another header name (`['authorization', 'content-type']`), not a
 *  value: lower-case, Capitalized or short upper-case words joined by dashes. A random key that
 *  is only letters still fails (mixed case, or one long run). */
const HEADER_NAME_VALUE = /^(?:[A-Z]?[a-z]{1,20}|[A-Z]{1,4}[a-z]{0,20})(?:-(?:[A-Z]?[a-z]{1,20}|[A-Z]{1,4}[a-z]{0,20}))*$/;
/** `apikey` / `api_key` as a header name in a raw header list (Kong, Supabase, APISIX). */
const API_KEY_HEADER = /^api_?key$/i;
/** The next argv element is another flag, not a value (a secret may start with `-`). */
const FLAG_VALUE = /^(?:--[a-z][a-z0-9-]*(?:=.*)?|-[A-Za-z]{1,3})$/;
/** Label members of a `{ name | key, value }` pair, in the spellings of the shapes seen in logs
 *  (cookie jars, HAR, Postman, SSM `Name`, tags `Key`, CloudFormation `ParameterKey`). */
const LABEL_KEYS = ['name', 'key', 'Name', 'Key', 'NAME', 'KEY', 'ParameterKey', 'ParameterName', 'parameterKey', 'parameterName', 'headerName', 'OptionName'];
const SECRETISH = K_SECRET | K_AMBIGUOUS | K_JWK | K_KEYLIKE | K_VALUE | K_CLAIMS | K_CLAIMS_MEMBER;
/** Key inline-cache and build-buffer geometry: depths × keys per object. */
const SLOT_DEPTHS = 16;
const SLOT_WIDTH = 64;
const SLOTS = SLOT_DEPTHS * SLOT_WIDTH;
/** Compiled walks tried per depth before the key-by-key loop. */
const WALK_WAYS = 4;
/** Longest string kept in a key's clean-value memo (bounds memory: 4096 keys × 4 × 256). */
const MEMO_MAX = 256;

function remember(e: KeyEntry, v: string): void {
  switch (e.next) {
    case 0: e.m0 = v; break;
    case 1: e.m1 = v; break;
    case 2: e.m2 = v; break;
    default: e.m3 = v;
  }
  e.next = (e.next + 1) & 3;
}

function ctorName(o: object): string {
  try {
    const c = (o as { constructor?: { name?: unknown } }).constructor;
    const n = c?.name;
    return typeof n === 'string' && /^[A-Za-z0-9_$]{1,40}$/.test(n) ? n : 'Object';
  } catch {
    return 'Object';
  }
}

/** Assigns without invoking the `__proto__` setter (prototype pollution) and without overwriting
 *  an entry another redacted key already produced. */
function put(out: Record<string, unknown>, k: string, v: unknown, renamed: boolean): void {
  if (renamed && Object.hasOwn(out, k)) {
    let i = 2;
    while (Object.hasOwn(out, `${k}#${i}`)) i++;
    k = `${k}#${i}`;
  }
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

/** winston's `MESSAGE` (finalized line), `SPLAT` (raw extra arguments) and `LEVEL`: the only
 *  symbol-keyed properties an output object gets. */
const WINSTON_SYMBOLS = [Symbol.for('message'), Symbol.for('splat'), Symbol.for('level')];

/** Whether `a` and `b` have the same first `n` entries (both have at least n). */
function samePrefix(a: readonly string[], b: readonly string[], n: number): boolean {
  for (let j = 0; j < n; j++) if (a[j] !== b[j]) return false;
  return true;
}

/** Whether `keys` is exactly `buf[base, base + n)`. */
function sameKeys(keys: readonly string[], buf: readonly (string | undefined)[], base: number, n: number): boolean {
  if (keys.length !== n) return false;
  for (let j = 0; j < n; j++) if (keys[j] !== buf[base + j]) return false;
  return true;
}

const changed = (a: unknown, b: unknown): boolean => a !== b && (a === a || b === b);

/** The walk, and a read-only question about parsed JSON: would the walk change anything? */
export interface Walker {
  (value: unknown): unknown;
  /**
   * True only when walking `data` (JSON.parse output: plain objects, arrays, strings, numbers,
   * booleans, null) would give back equal data. Reads and allocates nothing else: the egress
   * guard's clean-line path. False whenever unsure (a secret-like key over an object, a
   * header/argv list, a budget reached): the caller then walks.
   */
  isCleanJson(data: unknown): boolean;
}

export function createWalker(opts: WalkerOptions): Walker {
  const { keys: table, text, maxDepth, maxNodes } = opts;
  const { classify, entry } = table;
  const slotKeys = new Array<string | undefined>(2 * SLOTS).fill(undefined);
  const slotEntries = new Array<KeyEntry | undefined>(2 * SLOTS).fill(undefined);
  const shapes = opts.shapes ?? createShapeTable();
  /** Per depth, the constructor whose keys are the way-1 inline-cache keys there (cleared when
   *  one of those moves): an object whose keys all hit way 1 and as many is built by it with no
   *  key comparison. */
  const shapeAt = new Array<Shape | undefined>(SLOT_DEPTHS).fill(undefined);
  /** Per depth, the two constructors last used (a batch alternating two record shapes). */
  const shapeA = new Array<Shape | undefined>(SLOT_DEPTHS).fill(undefined);
  const shapeB = new Array<Shape | undefined>(SLOT_DEPTHS).fill(undefined);
  /** Per depth, WALK_WAYS shapes with a compiled walk seen there (a batch may interleave a few
   *  record types): an object whose keys are one of theirs is walked by it, with no per-key
   *  cache lookup and no buffer. Replaced round-robin (an LRU of 2 missed every time on 3
   *  alternating shapes). */
  const walkWays = new Array<Shape | undefined>(SLOT_DEPTHS * WALK_WAYS).fill(undefined);
  const walkNext = new Array<number>(SLOT_DEPTHS).fill(0);

  const secret = (v: unknown): unknown => {
    switch (typeof v) {
      case 'string':
        return text.maskSecret(v);
      case 'number':
      case 'bigint':
        return text.maskSecret(String(v));
      case 'boolean':
      case 'undefined':
        return v;
      default:
        return v === null ? v : MARKER_REDACTED;
    }
  };

  const inOAuthContext = (parent: object, depth: number, ctx: Ctx): boolean => {
    if (ctx.ctxObj[depth] === parent) return ctx.ctxVal[depth]!;
    const r = scanContext(parent);
    ctx.ctxObj[depth] = parent;
    ctx.ctxVal[depth] = r;
    return r;
  };

  const scanContext = (parent: object): boolean => {
    try {
      // Bounded like the walk itself: at most maxNodes siblings are looked at, by exact name.
      let n = 0;
      if (types.isMap(parent)) {
        for (const k of (parent as Map<unknown, unknown>).keys()) {
          if (++n > maxNodes) break;
          if (typeof k === 'string' && isContextKey(k)) return true;
        }
      } else {
        for (const k in parent) {
          if (++n > maxNodes) break;
          if (isContextKey(k)) return true;
        }
      }
    } catch {
      return true;
    }
    return false;
  };

  const hasKty = (parent: object): boolean => {
    try {
      return types.isMap(parent) ? (parent as Map<unknown, unknown>).has('kty') : Object.hasOwn(parent, 'kty');
    } catch {
      return true;
    }
  };

  /** A label of a `{ name | key, value }` pair names a secret (`{ key: 'sid', value }`, SSM's
   *  `{ Name: '/prod/db/password', Value }`, CloudFormation's `{ ParameterKey, ParameterValue }`).
   *  Labels are looked up among LABEL_KEYS only, so a record of many `*Value` keys stays linear. */
  const labelIsSecret = (parent: object, v: unknown): boolean => {
    try {
      if (types.isMap(parent)) {
        const m = parent as Map<unknown, unknown>;
        return isSecretLabel(m.get('name') ?? m.get('key') ?? m.get('Name') ?? m.get('Key'), v);
      }
      // A fixed set of label names (constant work per value, whatever the object's size).
      for (const k of LABEL_KEYS) {
        if (Object.hasOwn(parent, k) && isSecretLabel((parent as Record<string, unknown>)[k], v)) return true;
      }
      return false;
    } catch {
      return true;
    }
  };
  const isSecretLabel = (label: unknown, v?: unknown): boolean => {
    if (typeof label !== 'string' || label.length > 128) return false;
    const k = classify(label);
    if ((k & K_ALLOW) !== 0) return false;
    // A qualified key label (`deploy_key`) when the value is key material; bare `key` is a UI key.
    return (k & (K_SECRET | K_AMBIGUOUS)) !== 0 || ((k & K_KEYLIKE) !== 0 && label.length > 3 && looksLikeKeyMaterial(v));
  };

  /** A value under a key with verdict `kind`; `parent` answers the sibling questions. */
  const field = (v: unknown, kind: number, parent: object, depth: number, ctx: Ctx): unknown => {
    if ((kind & SECRETISH) === 0 || (kind & K_ALLOW) !== 0) return value(v, depth, ctx);
    const isObj = typeof v === 'object' && v !== null;
    if ((kind & K_CLAIMS) !== 0 && isObj) {
      // The OIDC `claims` request parameter: its id_token / userinfo members are structure.
      const outer = ctx.claims;
      ctx.claims = depth;
      try {
        return value(v, depth, ctx);
      } finally {
        ctx.claims = outer;
      }
    }
    if ((kind & K_CLAIMS_MEMBER) !== 0 && isObj && ctx.claims === depth - 1) return value(v, depth, ctx);
    if ((kind & (K_SECRET | K_AMBIGUOUS | K_JWK | K_KEYLIKE)) === 0) {
      // Only K_VALUE (or a claims bit that did not apply) is left.
      if ((kind & K_VALUE) !== 0 && labelIsSecret(parent, v)) return secret(v);
      return value(v, depth, ctx);
    }
    if ((kind & K_SCALAR) !== 0 && isObj) return value(v, depth, ctx);
    if ((kind & K_JWK) !== 0) {
      if (!hasKty(parent)) return value(v, depth, ctx);
    } else if ((kind & K_KEYLIKE) !== 0) {
      if (!looksLikeKeyMaterial(v)) return value(v, depth, ctx);
    } else if ((kind & K_AMBIGUOUS) !== 0 && isSafeAmbiguous(v) && !inOAuthContext(parent, depth, ctx)) {
      return value(v, depth, ctx);
    }
    return secret(v);
  };

  const value = (v: unknown, depth: number, ctx: Ctx): unknown => {
    switch (typeof v) {
      case 'string':
        return text.scan(v);
      case 'object':
        return v === null ? v : object(v, depth, ctx);
      case 'number':
      case 'boolean':
      case 'undefined':
        return v;
      case 'bigint':
        return String(v);
      case 'symbol':
        return text.scan(v.toString());
      default:
        return MARKER_FUNCTION;
    }
  };

  const object = (o: object, depth: number, ctx: Ctx): unknown => {
    if (depth >= maxDepth) return MARKER_DEPTH;
    const stack = ctx.stack;
    for (let i = 0; i < stack.length; i++) if (stack[i] === o) return MARKER_CIRCULAR;
    stack.push(o);
    try {
      if (Array.isArray(o)) return array(o, depth, ctx);
      const proto: unknown = Object.getPrototypeOf(o);
      if (proto === Object.prototype || proto === null) return plain(o, depth, ctx);
      return special(o, depth, ctx);
    } catch {
      return MARKER_UNREADABLE;
    } finally {
      stack.pop();
    }
  };

  /** Makes `shape` (with a compiled walk) a candidate at `depth`. */
  const promote = (depth: number, shape: Shape): void => {
    const w0 = depth * WALK_WAYS;
    for (let w = w0; w < w0 + WALK_WAYS; w++) if (walkWays[w] === shape) return;
    const w = walkNext[depth]!;
    walkWays[w0 + w] = shape;
    walkNext[depth] = (w + 1) % WALK_WAYS;
  };

  /**
   * The compiled walk at `depth` whose keys are `src`'s, if any. One for…in pass for all the
   * candidates (starting a for…in collects every key of a dictionary-mode object, so a 1e6-key
   * object must not be started once per candidate): the first candidate is followed, and on a
   * mismatch at key i the next one with the same first i keys takes over. At most 65 keys read.
   */
  const walkFor = (src: object, depth: number): Shape | undefined => {
    const w0 = depth * WALK_WAYS;
    let s = walkWays[w0];
    if (s === undefined) return undefined;
    let w = 0;
    let i = 0;
    for (const k in src) {
      while (i >= s.keys.length || s.keys[i] !== k) {
        const t = nextCandidate(w0, w, s, i);
        if (t < 0) return undefined;
        w = t;
        s = walkWays[w0 + w]!;
      }
      i++;
    }
    while (s.keys.length !== i) {
      const t = nextCandidate(w0, w, s, i);
      if (t < 0) return undefined;
      w = t;
      s = walkWays[w0 + w]!;
    }
    return s;
  };

  /** The next way after `w` whose shape starts with the first `i` keys of `s`, or -1. */
  const nextCandidate = (w0: number, w: number, s: Shape, i: number): number => {
    for (let v = w + 1; v < WALK_WAYS; v++) {
      const t = walkWays[w0 + v];
      if (t === undefined) return -1;
      if (t.keys.length >= i && samePrefix(s.keys, t.keys, i)) return v;
    }
    return -1;
  };

  /** Compiles the walk of `shape` (keys in way 1 at `base`) unless a key can be renamed. */
  const compileWalk = (shape: Shape, base: number, n: number, ctx: Ctx): void => {
    const entries = slotEntries.slice(base, base + n) as KeyEntry[];
    for (const e of entries) if ((e.kind & K_DIRTY) !== 0) return;
    ctx.compiled = true;
    shapes.compileWalk(shape, entries, entries.map((e) => (e.kind & SECRETISH) === 0), ops);
  };

  /** The object walked at `depth` (keys in way 1 of the inline cache, values in the buffer),
   *  as a fresh object: a compiled constructor when its key list is common, else key by key.
   *  The buffer is cleared: it must not keep the caller's values alive between calls. */
  const fromBuffers = (depth: number, base: number, n: number, ctx: Ctx): Record<string, unknown> => {
    const vb = ctx.valBuf;
    let shape: Shape | undefined = shapeA[depth];
    if (shape === undefined || !sameKeys(shape.keys, slotKeys, base, n)) {
      shape = shapeB[depth];
      if (shape === undefined || !sameKeys(shape.keys, slotKeys, base, n)) {
        shape = shapes.lookup(slotKeys, base, n);
        if (shape !== undefined && shape.build === undefined && !ctx.compiled && shape.seen >= COMPILE_AFTER) {
          ctx.compiled = true;
          shapes.compile(shape);
        }
      }
    }
    let out: Record<string, unknown>;
    if (shape?.build !== undefined) {
      if (shapeA[depth] !== shape) {
        shapeB[depth] = shapeA[depth];
        shapeA[depth] = shape;
      }
      shapeAt[depth] = shape;
      out = shape.build(vb, base);
      if (shape.walk === undefined && !ctx.compiled) compileWalk(shape, base, n, ctx);
      if (shape.walk !== undefined) promote(depth, shape);
    } else out = spill(base, n, ctx);
    return out;
  };

  /** Entries `[base, base + n)` of the buffer, put one by one into a fresh object. */
  const spill = (base: number, n: number, ctx: Ctx): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let j = base; j < base + n; j++) {
      put(out, slotKeys[j]!, ctx.valBuf[j], false);
      ctx.valBuf[j] = undefined;
    }
    return out;
  };

  /**
   * Plain objects become a fresh plain object of the walked entries, never the caller's object:
   * what the walk does not read (symbol keys, a non-enumerable `toJSON`) cannot pass by
   * construction. Entries go to per-depth buffers and a compiled constructor for the key list
   * builds the object (shapes.ts); a renamed key, more than SLOT_WIDTH keys or a deep level
   * builds it key by key. `for…in` is V8's fastest own-property walk. Under a polluted
   * Object.prototype it also yields the inherited enumerable keys: those are walked and copied
   * like own ones (redacted, never passed through); filtering them costs 20–50 ns per call.
   */
  const plain = (o: object, depth: number, ctx: Ctx): unknown => {
    const src = o as Record<string, unknown>;
    if (depth < ctx.slotDepths) {
      // A key list seen often: its compiled walk (shapes.ts), same steps and result as below.
      const s = walkFor(src, depth);
      if (s !== undefined) {
        const out = s.walk!(src, depth + 1, ctx);
        if (depth === 0 && typeof src.level === 'string') winstonSymbols(src, out, ctx);
        return out;
      }
    }
    const vb = ctx.valBuf;
    const base = depth < ctx.slotDepths ? depth * SLOT_WIDTH : -1;
    let out: Record<string, unknown> | undefined = base < 0 ? {} : undefined;
    let i = 0;
    for (const k in src) {
      if (++ctx.nodes > maxNodes) {
        // Out of budget: the walked entries and one marker; the rest is neither read nor copied.
        if (out === undefined) out = spill(base, i, ctx);
        put(out, TRUNCATED_KEY, MARKER_TRUNCATED, false);
        break;
      }
      // Inline cache: the same record shape puts the same key at the same (depth, index).
      // Two ways, so two shapes alternating at one depth (a batch of mixed records) both hit;
      // the key always ends in way 1, which is where the object's key list is read from.
      let e: KeyEntry;
      if (base >= 0 && i < SLOT_WIDTH) {
        const j = base + i;
        if (slotKeys[j] === k) e = slotEntries[j]!;
        else {
          const j2 = j + SLOTS;
          e = slotKeys[j2] === k ? slotEntries[j2]! : entry(k);
          slotKeys[j2] = slotKeys[j];
          slotEntries[j2] = slotEntries[j];
          slotKeys[j] = k;
          slotEntries[j] = e;
          shapeAt[depth] = undefined;
        }
      } else e = entry(k);
      const kind = e.kind;
      let nv: unknown;
      let nk = k;
      try {
        const v = src[k];
        if ((kind & (SECRETISH | K_DIRTY)) === 0) {
          if (typeof v === 'string') {
            if (v === e.m0 || v === e.m1 || v === e.m2 || v === e.m3) nv = v;
            else {
              nv = text.scan(v);
              if (nv === v && v.length <= MEMO_MAX) remember(e, v);
            }
          } else nv = value(v, depth + 1, ctx);
        } else {
          nv = field(v, kind, o, depth + 1, ctx);
          if ((kind & K_DIRTY) !== 0) nk = text.scan(k);
        }
      } catch {
        nv = MARKER_UNREADABLE;
      }
      if (out === undefined) {
        if (nk === k && i < SLOT_WIDTH) {
          vb[base + i] = nv;
          i++;
          continue;
        }
        out = spill(base, i, ctx);
      }
      put(out, nk, nv, nk !== k);
      i++;
    }
    if (out === undefined) {
      // Every key hit way 1 and none moved since shapeAt was set: its keys are these keys.
      const s = shapeAt[depth];
      if (s !== undefined && s.keys.length === i) {
        out = s.build!(vb, base);
        if (s.walk === undefined && !ctx.compiled) compileWalk(s, base, i, ctx);
        if (s.walk !== undefined) promote(depth, s);
      } else out = fromBuffers(depth, base, i, ctx);
    }
    // Symbol reads miss slowly on ordinary records; winston info objects always carry `level`.
    if (depth === 0 && typeof src.level === 'string') winstonSymbols(src, out, ctx);
    return out;
  };

  /**
   * Symbol-keyed properties are not walked (Object.getOwnPropertySymbols costs more than the
   * whole fast path) and so never reach the output, except winston's: the finalized line and the
   * raw splat arguments of a root info object (walked as text and data) and its level name.
   */
  const winstonSymbols = (src: Record<string | symbol, unknown>, out: Record<string | symbol, unknown>, ctx: Ctx): void => {
    for (const sym of WINSTON_SYMBOLS) {
      try {
        const v = src[sym];
        if (v !== undefined) out[sym] = value(v, 1, ctx);
      } catch {
        out[sym] = MARKER_UNREADABLE;
      }
    }
  };

  /** Class instances: always a fresh plain object of their own enumerable properties. */
  const instance = (o: object, depth: number, ctx: Ctx): unknown => {
    const src = o as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o)) {
      if (++ctx.nodes > maxNodes) {
        put(out, TRUNCATED_KEY, MARKER_TRUNCATED, false);
        break;
      }
      const kind = classify(k);
      let nv: unknown;
      try {
        nv = field(src[k], kind, o, depth + 1, ctx);
      } catch {
        nv = MARKER_UNREADABLE;
      }
      const nk = (kind & K_DIRTY) !== 0 ? text.scan(k) : k;
      put(out, nk, nv, nk !== k);
    }
    return out;
  };

  /** Kind applied to the element after `v` in an array: raw header lists and argv flags. */
  const pairKind = (v: string): number => {
    if (v.length < 2 || v.length > 40) return 0;
    if (CREDENTIAL_FLAGS.has(v)) return K_SECRET;
    const flag = v.charCodeAt(0) === 45;
    if (flag ? !FLAG_KEY.test(v) : !NAME_KEY.test(v)) return 0;
    const kind = classify(v);
    if ((kind & K_SECRET) === 0 || (kind & K_ALLOW) !== 0) return 0;
    if (flag || (kind & K_LINE) !== 0 || v.indexOf('-') > 0 || API_KEY_HEADER.test(v)) return kind | (flag ? 0 : K_LINE);
    return 0;
  };

  /** Arrays: always a fresh array of the walked elements (a subclass, a `toJSON` or extra own
   *  properties of the input cannot pass by construction). */
  const array = (a: unknown[], depth: number, ctx: Ctx): unknown => {
    const n = a.length;
    const out: unknown[] = [];
    let pending = 0;
    const argv = n > 1 && typeof a[0] === 'string' ? argvVerdicts(a) : null;
    for (let i = 0; i < n; i++) {
      if (++ctx.nodes > maxNodes) {
        // Out of budget: the walked prefix and one marker (a sparse `new Array(1e9)` or a lying
        // Proxy length must not be iterated, let alone copied).
        out.push(MARKER_TRUNCATED);
        return out;
      }
      let nv: unknown;
      try {
        const v = a[i];
        const t = typeof v;
        const verdict = argv !== null && i < argv.length ? argv[i]! : ARGV_KEEP;
        if (verdict === ARGV_SECRET) nv = secret(v);
        else if (verdict === ARGV_ATTACHED) nv = (v as string).slice(0, 2) + String(secret((v as string).slice(2)));
        else if (verdict === ARGV_PLAIN) nv = value(v, depth + 1, ctx);
        else if (pending !== 0 && (t === 'number' || (t === 'string' &&
            ((pending & K_LINE) !== 0 ? !HEADER_NAME_VALUE.test(v as string) : !FLAG_VALUE.test(v as string))))) {
          nv = secret(v);
        } else nv = value(v, depth + 1, ctx);
        pending = t === 'string' ? pairKind(v as string) : 0;
      } catch {
        nv = MARKER_UNREADABLE;
        pending = 0;
      }
      out.push(nv);
    }
    return out;
  };

  /** Maps and Sets are handed back by reference only when they are plain (no subclass, no own
   *  properties, no symbols): anything else could print what the walk did not see. */
  const exoticCollection = (c: object, proto: object): boolean => {
    try {
      return Object.getPrototypeOf(c) !== proto || Reflect.ownKeys(c).length !== 0;
    } catch {
      return true;
    }
  };

  const map = (m: Map<unknown, unknown>, depth: number, ctx: Ctx): unknown => {
    const keys: unknown[] = [];
    const vals: unknown[] = [];
    let dirty = exoticCollection(m, Map.prototype);
    for (const [k, v] of m) {
      if (++ctx.nodes > maxNodes) {
        // Out of budget: one marker entry; the remaining keys (objects too) are never handed back.
        keys.push(TRUNCATED_KEY);
        vals.push(MARKER_TRUNCATED);
        dirty = true;
        break;
      }
      let nk: unknown;
      let nv: unknown;
      if (typeof k === 'string') {
        const kind = classify(k);
        // A Map keyed by the credential itself (a token cache): the key goes like a value would.
        nk = (kind & K_DIRTY) !== 0 ? text.scan(k) : looksLikeKeyMaterial(k) ? secret(k) : k;
        nv = field(v, kind, m, depth + 1, ctx);
      } else {
        nk = value(k, depth + 1, ctx);
        nv = value(v, depth + 1, ctx);
      }
      if (changed(nk, k) || changed(nv, v)) dirty = true;
      keys.push(nk);
      vals.push(nv);
    }
    if (!dirty) return m;
    const out = new Map<unknown, unknown>();
    for (let i = 0; i < keys.length; i++) {
      let k = keys[i];
      if (out.has(k) && typeof k === 'string') {
        let j = 2;
        while (out.has(`${k}#${j}`)) j++;
        k = `${k}#${j}`;
      }
      out.set(k, vals[i]);
    }
    return out;
  };

  const set = (s: Set<unknown>, depth: number, ctx: Ctx): unknown => {
    const vals: unknown[] = [];
    let dirty = exoticCollection(s, Set.prototype);
    for (const v of s) {
      if (++ctx.nodes > maxNodes) {
        vals.push(MARKER_TRUNCATED);
        dirty = true;
        break;
      }
      const nv = value(v, depth + 1, ctx);
      if (changed(nv, v)) dirty = true;
      vals.push(nv);
    }
    return dirty ? new Set(vals) : s;
  };

  const get = (o: object, k: string): unknown => {
    try {
      return (o as Record<string, unknown>)[k];
    } catch {
      return MARKER_UNREADABLE;
    }
  };

  /** Errors become plain objects: name, message, stack (scanned as text), code, own properties,
   *  `cause` chains and AggregateError `errors`. */
  const error = (e: Error, depth: number, ctx: Ctx): unknown => {
    const out: Record<string, unknown> = {};
    const name = get(e, 'name');
    out.name = typeof name === 'string' ? text.scan(name) : ctorName(e);
    const message = get(e, 'message');
    out.message = value(message, depth + 1, ctx);
    const stack = get(e, 'stack');
    if (stack !== undefined) out.stack = value(stack, depth + 1, ctx);
    const keys = Object.keys(e);
    for (const k of keys) {
      if (k === 'name' || k === 'message' || k === 'stack') continue;
      if (++ctx.nodes > maxNodes) {
        put(out, TRUNCATED_KEY, MARKER_TRUNCATED, false);
        break;
      }
      const kind = classify(k);
      const nk = (kind & K_DIRTY) !== 0 ? text.scan(k) : k;
      let nv: unknown;
      try {
        nv = field((e as unknown as Record<string, unknown>)[k], kind, e, depth + 1, ctx);
      } catch {
        nv = MARKER_UNREADABLE;
      }
      put(out, nk, nv, nk !== k);
    }
    if (!Object.hasOwn(out, 'code')) {
      const code = get(e, 'code');
      if (code !== undefined) out.code = field(code, classify('code'), e, depth + 1, ctx);
    }
    if (!Object.hasOwn(out, 'cause') && 'cause' in e) out.cause = value(get(e, 'cause'), depth + 1, ctx);
    if (!Object.hasOwn(out, 'errors')) {
      const errors = get(e, 'errors');
      if (Array.isArray(errors)) out.errors = value(errors, depth + 1, ctx);
    }
    return out;
  };

  const headers = (h: Headers, depth: number, ctx: Ctx): unknown => {
    const out: Record<string, unknown> = {};
    h.forEach((v, k) => {
      const kind = classify(k);
      put(out, (kind & K_DIRTY) !== 0 ? text.scan(k) : k, field(v, kind, out, depth + 1, ctx), false);
    });
    return out;
  };

  const special = (o: object, depth: number, ctx: Ctx): unknown => {
    if (types.isNativeError(o) || o instanceof Error) return error(o as Error, depth, ctx);
    if (types.isDate(o)) {
      const t = (o as Date).getTime();
      return Number.isNaN(t) ? 'Invalid Date' : (o as Date).toISOString();
    }
    if (types.isMap(o)) return map(o as Map<unknown, unknown>, depth, ctx);
    if (types.isSet(o)) return set(o as Set<unknown>, depth, ctx);
    if (Buffer.isBuffer(o)) return `[Buffer ${o.length} bytes]`;
    if (ArrayBuffer.isView(o)) return `[${ctorName(o)} ${o.byteLength} bytes]`;
    if (types.isAnyArrayBuffer(o)) return `[${ctorName(o)} ${(o as ArrayBuffer).byteLength} bytes]`;
    if (types.isRegExp(o)) return text.scan(String(o));
    if (types.isBoxedPrimitive(o)) return value((o as { valueOf(): unknown }).valueOf(), depth, ctx);
    if (o instanceof URL) return text.scan(o.href);
    if (o instanceof URLSearchParams) return text.scan(o.toString());
    if (typeof Headers === 'function' && o instanceof Headers) return headers(o, depth, ctx);
    if (types.isPromise(o) || types.isWeakMap(o) || types.isWeakSet(o) || o instanceof WeakRef) return `[${ctorName(o)}]`;
    return instance(o, depth, ctx);
  };

  /** The callbacks of compiled walks: the same per-value steps as plain()'s loop. */
  const ops: WalkOps = {
    str(e, v) {
      const nv = text.scan(v);
      if (nv === v && v.length <= MEMO_MAX) remember(e, v);
      return nv;
    },
    val: value as WalkOps['val'],
    fld: field as WalkOps['fld'],
    cut(full, keys, j, pending, ctx) {
      // The loop counts one node per key and stops at the first key past the budget; here
      // `pending` keys up to j were counted at once on top of n0.
      const n0 = ctx.nodes - pending;
      const stop = j - pending + 1 + Math.max(0, maxNodes - n0);
      ctx.nodes = Math.max(n0, maxNodes) + 1;
      const out: Record<string, unknown> = {};
      for (let i = 0; i < stop; i++) put(out, keys[i]!, full[keys[i]!], false);
      put(out, TRUNCATED_KEY, MARKER_TRUNCATED, false);
      return out;
    },
    unreadable: MARKER_UNREADABLE,
    maxNodes,
  };

  /** isCleanJson's walk: the same verdicts as value()/field(), no output built. */
  const cleanJson = (v: unknown, depth: number, ctx: Ctx): boolean => {
    if (typeof v !== 'object') return typeof v !== 'string' || text.scan(v) === v;
    if (v === null) return true;
    if (depth >= maxDepth) return false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (++ctx.nodes > maxNodes) return false;
        const x: unknown = v[i];
        // An element after a header name or credential flag is judged by the pair rule: walk.
        if (typeof x === 'string' && (pairKind(x) !== 0 || text.scan(x) !== x)) return false;
        if (typeof x === 'object' && !cleanJson(x, depth + 1, ctx)) return false;
      }
      return true;
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      if (++ctx.nodes > maxNodes) return false;
      const e = entry(k);
      const x = o[k];
      if ((e.kind & K_DIRTY) !== 0) return false;
      if ((e.kind & SECRETISH) !== 0) {
        if (typeof x === 'object' && x !== null) return false;
        if (changed(field(x, e.kind, o, depth + 1, ctx), x)) return false;
      } else if (typeof x === 'string') {
        if (x !== e.m0 && x !== e.m1 && x !== e.m2 && x !== e.m3) {
          if (text.scan(x) !== x) return false;
          if (x.length <= MEMO_MAX) remember(e, x);
        }
      } else if (typeof x === 'object' && !cleanJson(x, depth + 1, ctx)) return false;
    }
    return true;
  };

  // One context reused across calls; a re-entrant call (from a getter) gets its own.
  let idle: Ctx | undefined = newCtx(SLOT_DEPTHS);
  const enter = (): Ctx => {
    let ctx = idle;
    idle = undefined;
    if (ctx === undefined) ctx = newCtx(0);
    ctx.nodes = 0;
    // Setting an array's length is a runtime call (15 % of the fast path): only when used.
    if (ctx.ctxObj.length !== 0) ctx.ctxObj.length = 0;
    ctx.claims = -1;
    ctx.compiled = false;
    return ctx;
  };
  const walk = (input: unknown): unknown => {
    const ctx = enter();
    try {
      return value(input, 0, ctx);
    } catch {
      return MARKER_FAILED;
    } finally {
      // push/pop are balanced in object(), so the stack is already empty here.
      idle = ctx;
    }
  };
  return Object.assign(walk, {
    isCleanJson(data: unknown): boolean {
      const ctx = enter();
      try {
        return cleanJson(data, 0, ctx);
      } catch {
        return false;
      } finally {
        idle = ctx;
      }
    },
  });
}
