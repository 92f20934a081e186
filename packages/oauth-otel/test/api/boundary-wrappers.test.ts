/**
 * The awaited wrappers settle with exactly the wrapped operation's outcome (same value, same
 * rejection reason by identity), whatever their options or the error look like when inspected.
 */
import fc from 'fast-check';
import * as api from '../../src';
import { hostile, hostileOptions, poison, thrownRecipe, throwingGetters } from '../support/hostile';


let handle: api.TelemetryHandle;
beforeAll(async () => {
  handle = await api.initTelemetry({ metrics: { port: 0, server: false }, logs: false });
});
afterAll(() => handle.shutdown());

const wrappers: [string, (op: () => Promise<unknown>, opts: unknown) => Promise<unknown>][] = [
  ['trackTokenRefresh', (op, o) => api.trackTokenRefresh(op, o as never)],
  ['trackDiscovery', (op, o) => api.trackDiscovery(o as never, op, o as never)],
  ['trackClientRegistration', (op, o) => api.trackClientRegistration(op, o as never)],
  ['trackScheduledRefresh', (op) => api.trackScheduledRefresh(op as never)],
];

test('a wrapper resolves with the very value its operation resolved with, whatever its options', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: wrappers.length - 1 }), fc.oneof(hostile, hostileOptions), fc.oneof(hostile, fc.anything()), async (i, optionsRecipe, v) => {
      const [, wrap] = wrappers[i]!;
      const options = optionsRecipe.build();
      if (process.env.BOUNDARY_TRACE) process.stderr.write(`wrap-ok ${wrappers[i]![0]} ${optionsRecipe.label}\n`);
      const value = typeof v === 'object' && v !== null && 'build' in v ? (v as { build(): unknown }).build() : v;
      // A resolved thenable would be unwrapped by any await: hand non-thenables back through a box.
      const box = { value };
      const settled = await wrap(() => Promise.resolve(box), options).then((v) => ({ ok: true, v }), (e: unknown) => ({ ok: false, v: e }));
      expect({ ok: settled.ok, same: settled.v === box }).toEqual({ ok: true, same: true });
    }),
    { numRuns: 1000 },
  );
});

test('a wrapper rejects with the very reason its operation rejected with, whatever that reason does when inspected', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: wrappers.length - 1 }), fc.oneof(hostile, hostileOptions), fc.oneof(thrownRecipe, hostile), async (i, optionsRecipe, reasonRecipe) => {
      const [, wrap] = wrappers[i]!;
      const options = optionsRecipe.build();
      const reason = reasonRecipe.build();
      const settled = await wrap(() => Promise.reject(reason), options).then((v) => ({ ok: true, v }), (e: unknown) => ({ ok: false, v: e }));
      expect({ ok: settled.ok, same: settled.v === reason }).toEqual({ ok: false, same: true });
    }),
    { numRuns: 1000 },
  );
});

test('scheduled refresh results with throwing getters still come back unchanged', async () => {
  for (const f of [() => poison(), () => new Error('x')]) {
    // Not a thenable (no `then`): any await would otherwise read it before the wrapper does.
    const result = throwingGetters(['refreshed', 'failed', 'expiringSoon'], f);
    const got = await api.trackScheduledRefresh(() => Promise.resolve(result as never));
    expect(got === result).toBe(true);
  }
});
