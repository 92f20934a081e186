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

const LARGE = ['x'.repeat(1 << 20), 'https://' + 'a'.repeat(1 << 20), 'eyJ' + 'A'.repeat(1 << 16), '\ud800'.repeat(1000)];

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
