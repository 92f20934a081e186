/**
 * The public surface the boundary tests drive, enumerated from the modules' own exports (a new
 * export is covered without editing a test), and the per-file setup they share: an initialized
 * package and a record of anything that escaped as an uncaught exception or rejection.
 */
import * as api from '../../src';
import * as adapter from '../../src/adapters/oidc-provider';
import { describeThrown } from '../../src/internal/safe';

/** Exported classes: constructed by the OTel SDK or thrown by us, not called as functions. */
export const CLASSES = new Set(['OAuthTelemetryConfigError', 'RedactingLogRecordProcessor', 'BoundedBatchLogRecordProcessor', 'RedactingSpanProcessor']);
/** Entry points that validate configuration: they may fail, but only with a coded config error. */
export const CONFIG = new Set([
  'initTelemetry', 'bindOAuthInstruments', 'createOAuthViews', 'createOAuthMetricProducer', 'createMetricsHandler', 'metricsRequestListener', 'createLogger',
  'createOAuthLogRecordProcessors', 'bridgeLegacyLogsApi', 'setOAuthEventLogger', 'enableOAuthEventLogs', 'createRedactor',
  'fingerprintSecret', 'instrumentOidcProvider',
]);

export const RUNS = Number(process.env.BOUNDARY_RUNS ?? 4000);
export type Fn = (...a: unknown[]) => unknown;
export const exported = [...Object.entries(api), ...Object.entries(adapter)].filter(([, v]) => typeof v === 'function') as [string, Fn][];
export const recording = exported.filter(([n]) => !CLASSES.has(n) && !CONFIG.has(n));
export const config = exported.filter(([n]) => CONFIG.has(n));
export const oauthFns = Object.entries(api.oauth) as [string, Fn][];

export function isConfigError(err: unknown): boolean {
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

/**
 * Initializes the package for the file's tests and collects what escapes to the process
 * (as strings only: printing a hostile value would throw inside the reporter).
 */
export function boundarySetup(): { escaped: string[] } {
  let handle: api.TelemetryHandle;
  const escaped: string[] = [];
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
  return { escaped };
}
