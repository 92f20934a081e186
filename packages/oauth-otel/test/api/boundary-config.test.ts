/**
 * The module boundary: every public function, enumerated from the modules' own exports (so a
 * new export is covered without editing this file), is total under hostile values: getters and
 * Proxy traps that throw values which themselves throw when inspected, revoked Proxies, cyclic
 * objects, throwing thenables, huge strings. Configuration entry points throw (or reject) with
 * OAuthTelemetryConfigError and nothing else (own file: they install process-wide state).
 */
import fc from 'fast-check';
import * as api from '../../src';
import * as adapter from '../../src/adapters/oidc-provider';
import { describeThrown, isGuarded } from '../../src/internal/safe';
import { runtime } from '../../src/internal/runtime';
import { build, hostile, hostileOptions } from '../support/hostile';

/** Exported classes: constructed by the OTel SDK or thrown by us, not called as functions. */
const CLASSES = new Set(['OAuthTelemetryConfigError', 'RedactingLogRecordProcessor', 'BoundedBatchLogRecordProcessor']);
/** Entry points that validate configuration: they may fail, but only with a coded config error. */
const CONFIG = new Set([
  'initTelemetry', 'bindOAuthInstruments', 'createOAuthViews', 'createMetricsHandler', 'metricsRequestListener', 'createLogger',
  'createOAuthLogRecordProcessors', 'bridgeLegacyLogsApi', 'setOAuthEventLogger', 'enableOAuthEventLogs', 'createRedactor',
  'fingerprintSecret', 'instrumentOidcProvider',
]);

const RUNS = Number(process.env.BOUNDARY_RUNS ?? 4000);
type Fn = (...a: unknown[]) => unknown;
const exported = [...Object.entries(api), ...Object.entries(adapter)].filter(([, v]) => typeof v === 'function') as [string, Fn][];
const recording = exported.filter(([n]) => !CLASSES.has(n) && !CONFIG.has(n));
const config = exported.filter(([n]) => CONFIG.has(n));
const oauthFns = Object.entries(api.oauth) as [string, Fn][];

let handle: api.TelemetryHandle;
const escaped: string[] = [];
// Strings only: printing a hostile value would throw inside the reporter.
const onUncaught = (e: unknown) => escaped.push(describeThrown(e) + ' ' + safeStack(e));
beforeAll(async () => {
  handle = await api.initTelemetry({ metrics: { port: 0, server: false }, logs: false });
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
  await handle.shutdown();
});

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

function isConfigError(err: unknown): boolean {
  try {
    return err instanceof api.OAuthTelemetryConfigError && err.code === 'ERR_OAUTH_OTEL_CONFIG';
  } catch {
    return false;
  }
}

function safeStack(e: unknown): string {
  try {
    return String((e as Error).stack).slice(0, 600);
  } catch {
    return '';
  }
}

