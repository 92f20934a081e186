/**
 * The preload entry point, the OTel JS norm for zero-code:
 *
 *   node --require oauth-otel/register app.js
 *   node --import oauth-otel/register app.mjs
 *
 * Starts `initTelemetry()` once, configured from the environment only (OTEL_*, OAUTH_OTEL_*), and
 * shuts it down when the process ends so buffered logs and spans are flushed. It exports nothing.
 */
import { diag } from '@opentelemetry/api';
import { initTelemetry } from './init/init';
import type { TelemetryHandle } from './types';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
/** Past the logs side's own 10 s bound, so a slow but finishing flush still completes. */
const SHUTDOWN_BOUND_MS = 12_000;

/**
 * A preload cannot reject into the host: a bad environment (or a port in use) is said once on
 * stderr, because no diag logger exists this early and an operator reads stderr, and the app runs
 * without telemetry rather than not at all.
 */
function reportFailure(err: unknown): undefined {
  try {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`oauth-otel/register: telemetry is off: ${message}\n`);
    diag.error('oauth-otel/register: telemetry is off', message);
  } catch {
    // Reporting must not become the failure.
  }
  return undefined;
}

function register(): void {
  const ready: Promise<TelemetryHandle | undefined> = initTelemetry().then((h) => h, reportFailure);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= ready.then((h) => h?.shutdown()).then(() => undefined, reportFailure));

  // beforeExit: the event loop emptied (the metrics server is unref'd), so there is time to flush.
  // process.exit() skips it: 'exit' listeners cannot wait for an export.
  process.once('beforeExit', () => void stop());

  // A signal listener replaces Node's default (terminate). Ours flushes, then, if the app has no
  // listener of its own, re-raises the signal so the process ends as it would have without us.
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const s of SIGNALS) process.removeListener(s, onSignal);
    const reraise = () => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    // An exporter that hangs must not keep a process alive that was asked to end.
    setTimeout(reraise, SHUTDOWN_BOUND_MS).unref();
    void stop().finally(reraise);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
}

try {
  register();
} catch (err) {
  reportFailure(err);
}
