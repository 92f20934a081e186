/**
 * The module boundary: every public function, enumerated from the modules' own exports (so a
 * new export is covered without editing this file), is total under hostile values: getters and
 * Proxy traps that throw values which themselves throw when inspected, revoked Proxies, cyclic
 * objects, throwing thenables, huge strings. Configuration entry points throw (or reject) with
 * OAuthTelemetryConfigError and nothing else (own file: they install process-wide state).
 */
import fc from 'fast-check';
import { boundarySetup, config, isConfigError } from '../support/boundary';
import { build, hostile, hostileOptions } from '../support/hostile';

const { escaped } = boundarySetup();

test('configuration entry points throw or reject only with OAuthTelemetryConfigError', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: config.length - 1 }), fc.array(fc.oneof(hostile, hostileOptions), { minLength: 1, maxLength: 2 }), async (i, recipes) => {
      const args = build(recipes);
      const [name, fn] = config[i]!;
      if (process.env.BOUNDARY_TRACE) process.stderr.write(`${name} ${recipes.map((r) => r.label).join(' | ')}\n`);
      let out: unknown;
      try {
        out = fn(...args);
      } catch (err) {
        expect({ name, config: isConfigError(err) }).toEqual({ name, config: true });
        return;
      }
      if (out instanceof Promise) {
        const err = await out.then(() => undefined, (e: unknown) => e);
        if (err !== undefined) expect({ name, config: isConfigError(err) }).toEqual({ name, config: true });
      }
    }),
    { numRuns: 1500 },
  );
  if (process.env.BOUNDARY_TRACE) process.stderr.write(`escaped: ${escaped.join('\n')}\n`);
  expect(escaped).toEqual([]);
}, 120_000);

