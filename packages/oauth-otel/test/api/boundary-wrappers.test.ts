/**
 * The awaited wrappers settle with exactly the wrapped operation's outcome (same value, same
 * rejection reason by identity), whatever their options or the error look like when inspected.
 */
import fc from 'fast-check';
import * as api from '../../src';
import { hostile, hostileOptions, poison, thrownRecipe, throwingGetters } from '../support/hostile';


let handle: api.TelemetryHandle;
beforeAll(async () => {
  // Logs on (no stdout, no exporter): forceFlush() and shutdown() then read their options.
  handle = await api.initTelemetry({ metrics: { port: 0, server: false }, logs: { stdout: false, otlp: false } });
});
afterAll(() => handle.shutdown());

const wrappers: [string, (op: () => Promise<unknown>, opts: unknown) => Promise<unknown>][] = [
  ['trackTokenRefresh', (op, o) => api.trackTokenRefresh(op, o as never)],
  ['trackDiscovery', (op, o) => api.trackDiscovery(o as never, op, o as never)],
  ['trackClientRegistration', (op, o) => api.trackClientRegistration(op, o as never)],
  ['trackScheduledRefresh', (op) => api.trackScheduledRefresh(op as never)],
  ['trackCodeExchange', (op, o) => api.trackCodeExchange(op, o as never)],
  ['trackRevocation', (op, o) => api.trackRevocation(op, o as never)],
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
      expect({ ok: settled.ok, same: Object.is(settled.v, reason) }).toEqual({ ok: false, same: true });
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

test('a synchronous operation: its return value and its synchronous throw are the outcome too', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: wrappers.length - 1 }), fc.oneof(hostile, hostileOptions), fc.oneof(thrownRecipe, hostile), fc.boolean(), async (i, optionsRecipe, reasonRecipe, throwIt) => {
      const [, wrap] = wrappers[i]!;
      const options = optionsRecipe.build();
      const reason = reasonRecipe.build();
      const box = { reason };
      const op = (throwIt ? () => { throw reason; } : () => box) as unknown as () => Promise<unknown>;
      const settled = await wrap(op, options).then((v) => ({ ok: true, v }), (e: unknown) => ({ ok: false, v: e }));
      expect({ ok: settled.ok, same: Object.is(settled.v, throwIt ? reason : box) }).toEqual({ ok: !throwIt, same: true });
    }),
    { numRuns: 500 },
  );
});

test('a wrapper around an operation that never settles never settles either (and never throws)', async () => {
  for (const [name, wrap] of wrappers) {
    let settled = false;
    const p = wrap(() => new Promise(() => undefined), poison());
    void p.then(() => (settled = true), () => (settled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect({ name, settled }).toEqual({ name, settled: false });
  }
});

test('the handle\'s forceFlush() and shutdown() never reject, whatever their options', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(hostile, hostileOptions), async (r) => {
      const o = r.build();
      const settled = await Promise.race([
        handle.forceFlush(o as never).then(() => 'resolved', () => 'rejected'),
        new Promise((res) => setTimeout(res, 5000, 'pending')),
      ]);
      expect(settled).toBe('resolved');
    }),
    { numRuns: 200 },
  );
});

test('shutdown() with hostile options still shuts down and resolves (last: the handle is stopped after it)', async () => {
  const settled = await handle.shutdown(poison() as never).then(() => 'resolved', () => 'rejected');
  expect(settled).toBe('resolved');
  // Stopped for real: the metrics endpoint is gone, so the Web handler answers 503.
  const res = await api.createMetricsHandler({ allowUnauthenticated: true })(new Request('http://127.0.0.1/metrics'));
  expect(res.status).toBe(503);
});
