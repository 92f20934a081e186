/**
 * Leak gate over every output path (docs/logs.md, Redaction): 10,000 generated cases, each with a
 * fresh planted secret under a secret key (any style), inside free text (any encoding), or in an
 * Error (message, cause, properties), wrapped in random nesting, are logged through the package's
 * winston logger — message and metadata — and also given to the recording API as the values it
 * accepts from callers. The secret's bytes (whole, percent-encoded, base64, 10-character windows)
 * must appear nowhere: not in the stdout JSON lines, not in the OTLP records a real endpoint
 * received (decoded, and the raw protobuf bytes), not in redact()'s output.
 */
import fc from 'fast-check';
import * as api from '../../src';
import { carrierArb, forms, HARMLESS_KEYS, nameArb, secretArb, wrap, wrapsArb } from '../support/leak-arbitraries';
import { logGate } from '../support/log-gate';

const CASES = 10_000;
interface Case {
  id: string;
  forms: string[];
  /** What was logged (for a failure's message). */
  what?: string;
}
const cases = new Map<string, Case>();
const gate = logGate('leak-gate', { logClientId: true });
const { stdoutLines } = gate;

test(`${CASES} planted secrets through stdout JSON, OTLP and redact(): no byte survives`, async () => {
  let n = 0;
  const check = (where: string, text: string, c: Case) => {
    for (const f of c.forms) if (text.includes(f)) throw new Error(`${where} leaked ${JSON.stringify(f)} (case ${c.id}):\n${text.slice(0, 2000)}`);
  };
  fc.assert(
    fc.property(
      secretArb,
      fc.oneof(
        fc.record({ kind: fc.constant('keyed' as const), name: nameArb }),
        fc.record({ kind: fc.constant('text' as const), carrier: carrierArb, key: fc.constantFrom(...HARMLESS_KEYS) }),
        fc.record({ kind: fc.constant('error' as const), carrier: carrierArb }),
        fc.record({ kind: fc.constant('api' as const), carrier: carrierArb }),
      ),
      wrapsArb,
      (secret, shape, wraps) => {
        const id = `case-${n++}`;
        let meta: unknown;
        let message = `leak gate ${id}`;
        let extra: string[] = [];
        if (shape.kind === 'keyed') meta = wrap({ [shape.name]: secret }, wraps);
        else if (shape.kind === 'text' || shape.kind === 'api') {
          const c = shape.carrier(secret);
          extra = c.extra;
          if (shape.kind === 'text') {
            meta = wrap({ [shape.key]: c.text }, wraps);
            message = `${message} ${c.text}`;
          } else {
            // Values the recording API takes from callers: ids, tokens, client ids, free reasons.
            api.codeInjectionAttempt({ provider: c.text, flowId: secret, clientId: c.text, token: secret, reason: c.text });
            api.tokenRefreshed({ outcome: 'failure', reason: 'endpoint_error', error: c.text, provider: c.text, refreshToken: secret });
            api.flowStarted({ provider: c.text, flowId: secret });
            meta = { note: 'api' };
          }
        } else {
          const c = shape.carrier(secret);
          extra = c.extra;
          meta = { err: wrap(new Error(`token request failed: ${c.text}`, { cause: new Error(c.text) }), wraps.slice(0, 3)) };
        }
        const entry: Case = { id, forms: forms(secret, extra), what: `${shape.kind}: ${JSON.stringify(meta)?.slice(0, 300)} ${message.slice(0, 300)}` };
        cases.set(id, entry);
        const before = stdoutLines.length;
        gate.logger.warn(message, { caseId: id, ...(meta as object) });
        for (const line of stdoutLines.slice(before)) check('stdout', line, entry);
        check('redact()', JSON.stringify(api.redact({ message, meta }) ?? null), entry);
      },
    ),
    { numRuns: CASES },
  );
  expect(n).toBe(CASES);

  await gate.handle.forceFlush({ timeoutMillis: 30_000 });
  const got = await gate.ep.waitFor(CASES, (r) => typeof r.attributes.caseId === 'string', 60_000);
  for (const r of got) {
    const c = cases.get(r.attributes.caseId as string)!;
    check('OTLP record', JSON.stringify(r), c);
  }
  // The raw protobuf bytes, whole secrets only (windows across record boundaries mean nothing).
  const raw = Buffer.concat(gate.ep.rawBodies).toString('latin1');
  const inRaw = [...cases.values()].flatMap((c) => c.forms.filter((x) => x.length > 10 && raw.includes(x)).map((f) => `${c.id}: ${f} in ${c.what}`));
  expect(inRaw).toEqual([]);
  // Everything the API emitted (events with provider/flow/token/client values) is in there too.
  expect(gate.ep.received.some((r) => r.attributes.event === 'oauth_code_injection_attempt')).toBe(true);
}, 300_000);
