/**
 * The logger's hot path (src/logs/fast-info.ts) builds winston's info from one redaction walk of
 * meta instead of snapshot → winston merge → redaction format. It must change nothing: for
 * generated calls (secret-named and harmless keys, OAuth context siblings, nested data, secrets in
 * free text and in the message, winston's own key names), the stdout line and the record handed to
 * OpenTelemetry equal those of the general path with the same redaction policy, and no planted
 * secret is in either.
 */
import Transport from 'winston-transport';
import fc from 'fast-check';
import { logs } from '@opentelemetry/api';
import { LoggerProvider, type LogRecordProcessor, type ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import * as api from '../../src';
import { lineCapture as capture } from './capture';
import * as fastInfo from '../../src/logs/fast-info';
import { carrierArb, forms, HARMLESS_KEYS, nameArb, secretArb } from '../support/leak-arbitraries';

/** What the winston transport handed to the SDK, before any processor of ours. */
const emitted: string[] = [];
const captureProcessor: LogRecordProcessor = {
  onEmit(r: ReadWriteLogRecord) {
    emitted.push(JSON.stringify({ severityText: r.severityText, severityNumber: r.severityNumber, body: r.body, attributes: r.attributes, eventName: r.eventName }));
  },
  forceFlush: async () => {},
  shutdown: async () => {},
};
logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [captureProcessor] }));

const redactor = api.createRedactor();
// The same policy behind an object createRedactor did not make: the general path only.
const generalOnly: api.Redactor = { redact: (v) => redactor.redact(v), redactString: (s) => redactor.redactString(s) };
const fastOut = capture();
const slowOut = capture();
const fast = api.createLogger({ destination: fastOut.stream, level: 'debug', redactor });
// Sees the info objects the fast logger's transports get: was the record built by the hot path?
let taken = 0;
fast.add(
  new (class extends Transport {
    override log(info: object, cb: () => void) {
      if (fastInfo.isPreRedacted(info)) taken++;
      cb();
    }
  })(),
);
const slow = api.createLogger({ destination: slowOut.stream, level: 'debug', redactor: generalOnly });

type Planted = { value: unknown; secrets: string[] };
const plain = (value: unknown): Planted => ({ value, secrets: [] });
/** Values that carry no secret the policy must find (a bare random string under a harmless key
 *  is data, not a planted secret). */
const dataArb: fc.Arbitrary<Planted> = fc.oneof(
  fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), secretArb).map(plain),
  fc.jsonValue({ maxDepth: 3 }).map(plain),
);
const carriedArb: fc.Arbitrary<Planted> = fc.tuple(carrierArb, secretArb).map(([carry, s]) => {
  const c = carry(s);
  return { value: c.text, secrets: [s, ...c.extra] };
});
// Secret names, harmless names, OAuth context and ambiguous keys, JWK members, label pairs, and
// the names winston and the OTel transport treat specially.
const otherKeyArb = fc.oneof(
  fc.constantFrom(...HARMLESS_KEYS.filter((k) => k !== 'message')),
  fc.constantFrom('grant_type', 'client_id', 'code', 'state', 'kty', 'd', 'k', 'name', 'key', 'value', 'level', 'code_verifier', 'event', 'otel.event.name', 'trace_id', 'event_name', 'severity_text', 'provider', '__proto__', '0', '17'),
);
const entryArb: fc.Arbitrary<[string, Planted]> = fc.oneof(
  fc.tuple(nameArb, secretArb).map(([k, s]) => [k, { value: s, secrets: [s] }] as [string, Planted]),
  fc.tuple(nameArb, dataArb),
  fc.tuple(otherKeyArb, fc.oneof(dataArb, carriedArb)),
  // a key whose own text carries a secret (the walk rewrites the key)
  fc.tuple(carriedArb, dataArb).map(([k, v]) => [k.value as string, { value: v.value, secrets: k.secrets }] as [string, Planted]),
  fc.tuple(otherKeyArb, nameArb, secretArb, fc.constantFrom(...HARMLESS_KEYS)).map(([key, k, s, outer]) => [key, { value: { [outer]: { [k]: s, n: 1 }, list: ['x', 2] }, secrets: [s] }] as [string, Planted]),
);
const metaArb = fc.array(entryArb, { maxLength: 10 }).map((entries) => {
  const meta: Record<string, unknown> = {};
  const planted: string[] = [];
  for (const [k, v] of entries) {
    Object.defineProperty(meta, k, { value: v.value, enumerable: true, writable: true, configurable: true });
    planted.push(...v.secrets);
  }
  // a later entry with the same key replaces an earlier one: only what meta still holds counts
  const json = JSON.stringify(meta) + JSON.stringify(Object.keys(meta));
  return { meta, secrets: planted.filter((s) => json.includes(s)) };
});
const msgArb: fc.Arbitrary<Planted> = fc.oneof(
  fc.string({ maxLength: 40 }).map(plain),
  fc.tuple(carrierArb, secretArb).map(([carry, s]) => {
    const c = carry(s);
    return { value: `refresh failed: ${c.text}`, secrets: [s, ...c.extra] };
  }),
);
const callArb = fc.constantFrom('info', 'warn', 'error', 'debug', 'log', 'info-msg-only');

const noTime = (line: string) => line.replace(/^\{"time":"[^"]*",/, '{');

test('the hot path writes what the general path writes, on stdout and into OpenTelemetry', async () => {
  taken = 0;
  await fc.assert(
    fc.asyncProperty(callArb, msgArb, metaArb, async (call, msg, { meta, secrets }) => {
      const lines: string[][] = [];
      const records: string[][] = [];
      for (const [logger, out] of [[fast, fastOut], [slow, slowOut]] as const) {
        out.lines.length = 0;
        emitted.length = 0;
        const m = msg.value as string;
        if (call === 'log') logger.log('warn', m, meta);
        else if (call === 'info-msg-only') logger.info(m);
        else logger[call](m, meta);
        await new Promise(setImmediate);
        lines.push(out.lines.map(noTime));
        records.push([...emitted]);
      }
      expect(lines[0]).toHaveLength(1);
      expect(lines[0]).toEqual(lines[1]);
      expect(records[0]).toHaveLength(1);
      expect(records[0]).toEqual(records[1]);
      // Planted secrets that a value still carries must not be on the line (the OTel side gets
      // them redacted by the processor; the redaction suites cover that path).
      const kept = call === 'info-msg-only' ? msg.secrets : [...msg.secrets, ...secrets];
      for (const s of kept) for (const form of forms(s)) expect(lines[0]![0]!.includes(form) ? form : undefined).toBeUndefined();
    }),
    { numRuns: 300 },
  );
  // Many generated calls are of the shape the hot path takes (the rest: `%` in the message,
  // a key with a `[` or one the walk rewrites).
  expect(taken).toBeGreaterThan(90);
});

test('calls the hot path does not take still go through the general path unchanged', async () => {
  const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
  const cases: [string, unknown][] = [
    ['with %s token', { password: secret, n: 1 }],
    ['meta message', { message: `Bearer ${secret}`, n: 1 }],
    ['an error', { err: new Error(`token=${secret}`), n: 1 }],
    ['a stack', { stack: 'Error: x\n    at f (a.js:1:1)', code: 'E1' }],
    ['a class instance', new (class Meta { access_token = secret; n = 1; })()],
  ];
  for (const [msg, meta] of [...cases, ['a polluted Object.prototype', { n: 1 }] as [string, unknown]]) {
    const lines: string[] = [];
    for (const [logger, out] of [[fast, fastOut], [slow, slowOut]] as const) {
      out.lines.length = 0;
      const polluted = msg.includes('polluted');
      if (polluted) (Object.prototype as Record<string, unknown>).pollutedKey = `Bearer ${secret}`;
      try {
        logger.warn(msg, meta);
      } finally {
        if (polluted) delete (Object.prototype as Record<string, unknown>).pollutedKey;
      }
      await new Promise(setImmediate);
      lines.push(out.lines.map(noTime).join('\n'));
    }
    expect(lines[0]).toBe(lines[1]);
    expect(lines[0]!.includes(secret.slice(0, 20))).toBe(false);
  }
});
