/**
 * The module boundary: every public function, enumerated from the modules' own exports (so a
 * new export is covered without editing this file), is total under hostile values: getters and
 * Proxy traps that throw values which themselves throw when inspected, revoked Proxies, cyclic
 * objects, throwing thenables, huge strings. Recording functions never throw; configuration
 * entry points throw (or reject) with OAuthTelemetryConfigError and nothing else.
 */
import fc from 'fast-check';
import * as api from '../../src';
import { isGuarded } from '../../src/internal/safe';
import { runtime } from '../../src/internal/runtime';
import { boundarySetup, CLASSES, exported, oauthFns, recording, RUNS } from '../support/boundary';
import { anyArgument, build, poison, trapProxy } from '../support/hostile';

/**
 * Functions that run a callback of the caller's (continueOAuthFlow) pass its own errors through,
 * as the track* wrappers reject with the operation's: here the callback is a harmless function
 * and every other argument is hostile.
 */
const CALLBACK_AT = new Map([['continueOAuthFlow', 1]]);
const withCallback = (name: string, args: unknown[]): unknown[] => {
  const at = CALLBACK_AT.get(name);
  if (at === undefined) return args;
  const out = [...args];
  out[at] = () => undefined;
  return out;
};

const { escaped } = boundarySetup();

test('every exported function is wrapped by the boundary guard (classes aside)', () => {
  expect(recording.length).toBeGreaterThan(30);
  const unguarded = exported.filter(([n, f]) => !CLASSES.has(n) && !isGuarded(f)).map(([n]) => n);
  expect(unguarded).toEqual([]);
  for (const [n, f] of oauthFns) expect({ n, guarded: isGuarded(f) }).toEqual({ n, guarded: true });
  // The named export and oauth.* are the same guarded function.
  for (const [n, f] of oauthFns) expect((api as unknown as Record<string, unknown>)[n]).toBe(f);
});

test('every recording function survives the worst single argument: a Proxy throwing poison from every trap', () => {
  for (const [name, fn] of recording) {
    if (process.env.BOUNDARY_TRACE) process.stderr.write(`worst ${name}\n`);
    for (const arg of [poison(), trapProxy({}, poison), trapProxy([], poison)]) {
      expect({ name, threw: throws(() => fn(...withCallback(name, [arg]))) }).toEqual({ name, threw: false });
      expect({ name, threw: throws(() => fn(...withCallback(name, [arg, arg, arg]))) }).toEqual({ name, threw: false });
    }
  }
});

test('recording functions never throw, whatever their arguments do when inspected', async () => {
  const drops = () => [...runtime().drops.values()].reduce((a, b) => a + b, 0);
  const before = drops();
  let calls = 0;
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: recording.length - 1 }), fc.array(anyArgument, { maxLength: 3 }), async (i, recipes) => {
      const [name, fn] = recording[i]!;
      const args = withCallback(name, build(recipes));
      calls++;
      if (process.env.BOUNDARY_TRACE) process.stderr.write(`${calls} ${name}\n`);
      let out: unknown;
      let threw = false;
      try {
        out = fn(...args);
      } catch {
        threw = true;
      }
      // Only plain data in the assertion: printing a hostile value would throw in the reporter.
      expect({ name, threw }).toEqual({ name, threw: false });
      if (out instanceof Promise) await out.catch(() => undefined);
    }),
    { numRuns: RUNS },
  );
  if (process.env.BOUNDARY_TRACE) process.stderr.write('property done\n');
  expect(calls).toBe(RUNS);
  // Hostile input is not silently swallowed: it is counted.
  expect(drops()).toBeGreaterThan(before);
  if (process.env.BOUNDARY_TRACE) process.stderr.write(`drops ok ${escaped.length}\n`);
  expect(escaped).toEqual([]);
}, 120_000);

function throws(f: () => unknown): boolean {
  try {
    const r = f();
    if (r instanceof Promise) r.catch(() => undefined);
    return false;
  } catch {
    return true;
  }
}

