/**
 * Hostile values for never-throw properties: getters and Proxy traps that throw values which
 * themselves throw when inspected (`instanceof`, `.name`, `String()`, Symbol.toPrimitive),
 * revoked Proxies, cyclic objects, throwing thenables, huge strings. Each generator builds fresh
 * values, so a property run never shares one object across calls.
 */
import fc from 'fast-check';

/** A value that throws (itself, again) on every inspection: the worst thing a getter can throw. */
export function poison(): unknown {
  const handler: ProxyHandler<object> = {};
  for (const trap of ['get', 'set', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'deleteProperty', 'apply', 'construct', 'isExtensible', 'preventExtensions', 'setPrototypeOf'] as const) {
    (handler as Record<string, unknown>)[trap] = () => {
      throw poison();
    };
  }
  return new Proxy(function () {}, handler);
}

/** What a throwing trap or getter throws: a plain Error, the poison, a primitive, or an Error with throwing getters. */
export const thrownValue = fc.constantFrom<() => unknown>(
  () => new Error('boom'),
  () => poison(),
  () => 'a string',
  () => undefined,
  () => Object.defineProperties(new Error('getters'), {
    name: { get: () => { throw poison(); } },
    message: { get: () => { throw poison(); } },
    code: { get: () => { throw poison(); } },
    cause: { get: () => { throw poison(); } },
    stack: { get: () => { throw poison(); } },
  }),
  () => ({ [Symbol.toPrimitive]() { throw poison(); }, toString() { throw poison(); } }),
);

/** Every trap throws `thrown()`; `target` decides what typeof / Array.isArray see. */
export function trapProxy(target: object, thrown: () => unknown): object {
  const t = (): never => {
    throw thrown();
  };
  return new Proxy(target, { get: t, has: t, ownKeys: t, getOwnPropertyDescriptor: t, getPrototypeOf: t, set: t, defineProperty: t, deleteProperty: t, apply: t });
}

export function revoked(target: object): object {
  const r = Proxy.revocable(target, {});
  r.revoke();
  return r.proxy;
}

/** An object that looks ordinary but whose named getters throw. */
export function throwingGetters(keys: readonly string[], thrown: () => unknown): object {
  const o: Record<string, unknown> = {};
  for (const k of keys) Object.defineProperty(o, k, { enumerable: true, get: () => { throw thrown(); } });
  return o;
}

export function cyclic(): object {
  const a: Record<string, unknown> = { provider: 'cyc', outcome: 'success' };
  a.self = a;
  a.list = [a, { back: a }];
  return a;
}

const OPTION_KEYS = [
  'provider', 'flowId', 'outcome', 'reason', 'error', 'durationMs', 'count', 'method', 'tokenId', 'expiresIn', 'expiresAt',
  'violationType', 'errorType', 'grantType', 'refreshed', 'failed', 'expiringSoon', 'stage', 'classification', 'familyRevoked',
  'side', 'flowIds', 'tokenIds', 'refreshToken', 'previousRefreshToken', 'token', 'tokenFingerprint', 'clientId', 'startedAt',
  'ttlMs', 'httpStatus', 'message', 'level', 'err', 'cause', 'code', 'name', 'then', 'toJSON', 'redactor', 'destination',
  'timeoutMillis', 'allowUnauthenticated', 'issuer', 'params', 'client', 'oidc',
] as const;

/**
 * fast-check inspects the values it generates (`in`, cloning, printing), which hostile values
 * would break: the arbitraries below therefore generate recipes, built inside the property.
 */
export interface Recipe {
  readonly label: string;
  build(): unknown;
}

function recipe(label: string, build: () => unknown): Recipe {
  return { label, build, [fc.toStringMethod]: () => label } as Recipe;
}

const LARGE = ['x'.repeat(1 << 20), 'https://' + 'a'.repeat(1 << 20), 'eyJ' + 'A'.repeat(1 << 16), '\ud800'.repeat(1000), 'access_token=' + 'A'.repeat(10 << 20), 'a\udc00b\ud800'.repeat(1 << 10)];

/** A Proxy whose every trap, including the rarely used ones, throws poison. */
function allTraps(target: object): object {
  const handler: ProxyHandler<object> = {};
  for (const trap of ['get', 'set', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'setPrototypeOf', 'defineProperty', 'deleteProperty', 'isExtensible', 'preventExtensions', 'apply', 'construct'] as const) {
    (handler as Record<string, unknown>)[trap] = () => {
      throw poison();
    };
  }
  return new Proxy(target, handler);
}

function detached(): ArrayBuffer {
  const b = new ArrayBuffer(16);
  structuredClone(b, { transfer: [b] });
  return b;
}

function nested(depth: number, array: boolean): unknown {
  let o: unknown = array ? [] : {};
  for (let i = 0; i < depth; i++) o = array ? [o] : { a: o, provider: 'p' };
  return o;
}

/** A rejected promise whose own rejection is handled: an unhandled one can only come from a derived promise. */
function rejected(reason: unknown): Promise<never> {
  const p = Promise.reject(reason);
  p.catch(() => undefined);
  return p;
}

/**
 * The shapes beyond throwing traps and getters (issue 15's independent attack): values an
 * ordinary-looking caller can hand over that break a reader which inspects them naively.
 */
const SHAPES: [string, () => unknown][] = [
  ['all-traps proxy {}', () => allTraps({})],
  ['all-traps proxy fn', () => allTraps(function () {})],
  ['throwing toPrimitive/toString/valueOf/toJSON', () => ({ [Symbol.toPrimitive]() { throw poison(); }, toString() { throw poison(); }, valueOf() { throw poison(); }, toJSON() { throw poison(); } })],
  ['detached ArrayBuffer', detached],
  ['view of a detached buffer', () => { const b = new ArrayBuffer(8); const v = new Uint8Array(b); structuredClone(b, { transfer: [b] }); return v; }],
  ['sparse array of length 2^32-1', () => { const a: unknown[] = []; a.length = 2 ** 32 - 1; a[2 ** 32 - 2] = 'x'; return a; }],
  ['nested objects 1e5 deep', () => nested(100_000, false)],
  ['nested arrays 1e5 deep', () => nested(100_000, true)],
  ['frozen options', () => Object.freeze({ provider: 'p', outcome: 'success', reason: 'normal' })],
  ['sealed options', () => Object.seal({ provider: 'p', error: 'invalid_grant' })],
  ['null-prototype options', () => Object.assign(Object.create(null), { provider: 'p', flowId: 'f' })],
  ['object inheriting from a trap proxy', () => Object.create(allTraps({}))],
  ['function with a throwing name', () => Object.defineProperty(() => 1, 'name', { get() { throw poison(); } })],
  ['promise that never settles', () => new Promise(() => undefined)],
  ['promise rejecting with poison', () => rejected(poison())],
  ['thenable whose then() throws', () => ({ then() { throw poison(); } })],
  ['Map of 1e5 entries', () => new Map(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]))],
  ['object of 1e5 keys', () => Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]))],
  ['bigint', () => 2n ** 80n],
  ['symbol', () => Symbol('s')],
  ['NaN', () => NaN],
  ['-0', () => -0],
  ['Infinity', () => -Infinity],
  ['invalid Date', () => new Date(NaN)],
];

/** One hostile value (fresh objects each build). */
export const hostile: fc.Arbitrary<Recipe> = fc.oneof(
  thrownValue.map((f) => recipe('trap-proxy{}', () => trapProxy({}, f))),
  thrownValue.map((f) => recipe('trap-proxy[]', () => trapProxy([], f))),
  thrownValue.map((f) => recipe('trap-proxy fn', () => trapProxy(function () {}, f))),
  fc.constantFrom<[string, () => object]>(['{}', () => ({})], ['[]', () => []], ['fn', () => function () {}], ['Map', () => new Map()], ['Error', () => new Error('e')])
    .map(([l, f]) => recipe(`revoked ${l}`, () => revoked(f()))),
  fc.tuple(fc.subarray([...OPTION_KEYS], { minLength: 1, maxLength: 6 }), thrownValue).map(([keys, f]) => recipe(`getters ${keys.join(',')}`, () => throwingGetters(keys, f))),
  thrownValue.map((f) => recipe('throwing thenable', () => ({ get then() { throw f(); } }))),
  fc.constant(recipe('cyclic', cyclic)),
  fc.constant(recipe('poison', poison)),
  fc.integer({ min: 0, max: LARGE.length - 1 }).map((i) => recipe(`large string ${i}`, () => LARGE[i])),
  fc.integer({ min: 0, max: SHAPES.length - 1 }).map((i) => recipe(SHAPES[i]![0], SHAPES[i]![1])),
);

const plain = fc.anything({ withBigInt: true, withNullPrototype: true, withMap: true, withSet: true }).map((v) => recipe('plain', () => v));
const word = fc.constantFrom('success', 'failure', 'valid', 'manual', 'rfc8414').map((v) => recipe(v, () => v));

/** An argument object whose option values are hostile, vocabulary words or anything. */
export const hostileOptions: fc.Arbitrary<Recipe> = fc
  .dictionary(fc.constantFrom(...OPTION_KEYS), fc.oneof(hostile, plain, word), { maxKeys: 6 })
  .map((d) =>
    recipe(`options{${Object.keys(d).join(',')}}`, () => {
      const o: Record<string, unknown> = {};
      for (const [k, r] of Object.entries(d)) o[k] = r.build();
      return o;
    }),
  );

/** Any argument a caller could pass: hostile, an options object with hostile values, or anything. */
export const anyArgument: fc.Arbitrary<Recipe> = fc.oneof(hostile, hostileOptions, plain);

/** A thrown value (rejection reason), as a recipe. */
export const thrownRecipe: fc.Arbitrary<Recipe> = thrownValue.map((f) => recipe('thrown', f));

export const build = (rs: readonly Recipe[]): unknown[] => rs.map((r) => r.build());
