/**
 * dpopRejected() by class: any side, check, endpoint and token (in-vocabulary values, strings
 * outside it, non-strings, hostile objects) lands in exactly one bounded series of
 * oauth_dpop_failures_total, and in oauth_security_events_total exactly when the check is an
 * attack or a bad proof (never for a nonce challenge). A model computed from the inputs must equal
 * the exposition scraped over HTTP.
 */
import fc from 'fast-check';
import * as api from '../../src';
import { DPOP_CHECK, DPOP_SIDE, EVENTS, SECURITY_EVENT_SEVERITY } from '../../src/catalog';
import { parseExposition } from '../support/prom';

let handle: api.TelemetryHandle;
beforeAll(async () => {
  handle = await api.initTelemetry({ serviceName: 'dpop-class', metrics: { port: 0, allowUnauthenticated: true }, logs: false });
});
afterAll(() => handle.shutdown());

const TYPE_OF: Record<string, string> = {
  proof_replay: EVENTS.dpopProofReplay.type,
  key_mismatch: EVENTS.dpopKeyMismatch.type,
  bearer_downgrade: EVENTS.dpopBoundTokenAsBearer.type,
  nonce_challenge: '',
};

const value = <T extends string>(domain: readonly T[]) =>
  fc.oneof(fc.constantFrom(...domain), fc.string({ maxLength: 40 }), fc.anything({ maxDepth: 1 }));

async function series(): Promise<Map<string, number>> {
  const text = await (await fetch(handle.metricsUrl!)).text();
  const out = new Map<string, number>();
  for (const f of parseExposition(text).values()) {
    if (f.name !== 'oauth_dpop_failures_total' && f.name !== 'oauth_security_events_total') continue;
    for (const s of f.samples) out.set(`${f.name}|${s.labels.side ?? s.labels.event_type}|${s.labels.check ?? s.labels.severity}`, s.value);
  }
  return out;
}

test('every input lands in one bounded series; security events follow the check', async () => {
  const inputs = fc.sample(
    fc.record({ side: value(DPOP_SIDE), check: value(DPOP_CHECK), endpoint: fc.oneof(fc.constantFrom('token', 'resource'), fc.anything()), token: fc.oneof(fc.string(), fc.anything()) }),
    { numRuns: 400, seed: 9449 },
  );
  const before = await series();
  const expected = new Map<string, number>();
  const bump = (k: string) => expected.set(k, (expected.get(k) ?? 0) + 1);
  for (const input of inputs) {
    api.dpopRejected(input as never);
    const side = (DPOP_SIDE as readonly unknown[]).includes(input.side) ? (input.side as string) : 'other';
    const check = (DPOP_CHECK as readonly unknown[]).includes(input.check) ? (input.check as string) : 'other';
    bump(`oauth_dpop_failures_total|${side}|${check}`);
    const type = TYPE_OF[check] ?? EVENTS.dpopProofInvalid.type;
    if (type !== '') bump(`oauth_security_events_total|${type}|${SECURITY_EVENT_SEVERITY[type as keyof typeof SECURITY_EVENT_SEVERITY]}`);
  }
  const after = await series();
  const delta = new Map<string, number>();
  for (const [k, v] of after) if (v - (before.get(k) ?? 0) !== 0) delta.set(k, v - (before.get(k) ?? 0));
  expect(Object.fromEntries(delta)).toEqual(Object.fromEntries(expected));
  for (const k of delta.keys()) {
    const [name, a, b] = k.split('|');
    if (name === 'oauth_dpop_failures_total') {
      expect(DPOP_SIDE).toContain(a);
      expect(DPOP_CHECK).toContain(b);
    }
  }
});
