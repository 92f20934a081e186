/**
 * createLogger()'s hot path marks the records it hands to OpenTelemetry with the redactor that
 * built them, and the redacting processor skips a record marked with its own redactor (the
 * default policy's, shared by createLogger() and createOAuthLogRecordProcessors()). Whatever is
 * skipped must already be clean, and nothing else may carry the mark: a child logger's records
 * (its metadata was never walked by the hot path) and a logger with its own format.
 */
import fc from 'fast-check';
import { format } from 'winston';
import { logs, type Context } from '@opentelemetry/api';
import { LoggerProvider, type LogRecordProcessor, type ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import * as api from '../../src';
import { PRE_REDACTED_BY } from '../../src/logs/fast-info';
import { carrierArb, forms, nameArb, secretArb } from '../support/leak-arbitraries';

/** Records after the package's processors, and whether each carried the mark. */
const got: { json: string; marked: boolean }[] = [];
const capture: LogRecordProcessor = {
  onEmit(r: ReadWriteLogRecord, ctx?: Context) {
    got.push({ json: JSON.stringify({ body: r.body, attributes: r.attributes }), marked: ctx?.getValue(PRE_REDACTED_BY) !== undefined });
  },
  forceFlush: async () => {},
  shutdown: async () => {},
};
logs.setGlobalLoggerProvider(new LoggerProvider({ processors: [...api.createOAuthLogRecordProcessors(), capture] }));

const logger = api.createLogger({ stdout: false, level: 'debug' });

const plantedArb = fc.oneof(
  fc.tuple(nameArb, secretArb).map(([k, s]) => ({ meta: { [k]: s, provider: 'github.com', n: 1 }, secrets: [s] })),
  fc.tuple(carrierArb, secretArb).map(([carry, s]) => {
    const c = carry(s);
    return { meta: { detail: c.text, grant_type: 'authorization_code', code: s.slice(0, 12) }, secrets: [s, ...c.extra] };
  }),
);

test('a marked record skipped by the processor holds no planted secret, and the hot path marks it', async () => {
  await fc.assert(
    fc.asyncProperty(plantedArb, fc.constantFrom('info', 'warn', 'error'), async ({ meta, secrets }, level) => {
      got.length = 0;
      logger[level as 'info']('token refresh', meta);
      await new Promise(setImmediate);
      expect(got).toHaveLength(1);
      expect(got[0]!.marked).toBe(true);
      for (const s of secrets) for (const f of forms(s)) expect(got[0]!.json.includes(f) ? f : undefined).toBeUndefined();
    }),
    { numRuns: 200 },
  );
});

test('records the hot path did not build are not marked, and are redacted by the processor', async () => {
  const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
  const child = logger.child({ password: secret, note: `Authorization: Bearer ${secret}` });
  const withFormat = api.createLogger({ stdout: false, level: 'debug', format: format((info) => Object.assign(info, { extra: `refresh_token=${secret}` }))() });
  const calls: [string, () => unknown][] = [
    ['child logger', () => child.info('child record', { n: 1 })],
    ['user format', () => withFormat.info('formatted record', { n: 1 })],
    ['general path', () => logger.info('with %s token', { access_token: secret })],
  ];
  for (const [name, call] of calls) {
    got.length = 0;
    call();
    await new Promise(setImmediate);
    expect({ name, n: got.length, marked: got[0]?.marked }).toEqual({ name, n: 1, marked: false });
    expect({ name, leak: got[0]!.json.includes(secret.slice(0, 20)) }).toEqual({ name, leak: false });
  }
});
