import type { TelemetrySignal, TelemetryDropReason } from '../vocabulary';
import type { OAuthMetrics } from '../metrics/recorder';
import type { OAuthEvent, OAuthEventSink } from '../api/events';
import { randomBytes } from 'node:crypto';

/**
 * Process-wide state, anchored on globalThis under a registered symbol. Next.js (and any bundler
 * that loads the package twice) gets two copies of this module; both find the same object, so
 * there is one MeterProvider, one registry and one pre-init buffer per process.
 */
const KEY = Symbol.for('oauth-otel.runtime.v1');

export interface InitState {
  /** Settles with the handle of the first initTelemetry() call. */
  promise: Promise<unknown>;
}

export class Runtime {
  readonly reported = new Set<string>();
  /** Cumulative drops per `signal\u0001reason`, kept outside OTel so drops never need a buffer. */
  readonly drops = new Map<string, number>();
  metrics: OAuthMetrics | undefined;
  init: InitState | undefined;
  /**
   * Receives every recorded OAuth event: set by the logs side when it starts (or by
   * setOAuthEventLogger). `null` means logs are off: events are discarded, not buffered.
   */
  sink: OAuthEventSink | null | undefined;
  /** Events recorded before the logs side started (bounded by emitEvent). */
  readonly pendingEvents: OAuthEvent[] = [];
  /** Key of token / flow-id fingerprints; per process unless configured. */
  fingerprintKey: Buffer = randomBytes(32);
  /** HMAC with the key's pads precomputed (built lazily from fingerprintKey). */
  fingerprinter: ((value: string) => string) | undefined;
  private dropListener: ((signal: TelemetrySignal, reason: TelemetryDropReason, n: number) => void) | undefined;

  countDrop(signal: TelemetrySignal, reason: TelemetryDropReason, n: number): void {
    const key = `${signal}\u0001${reason}`;
    this.drops.set(key, (this.drops.get(key) ?? 0) + n);
    this.dropListener?.(signal, reason, n);
  }

  /** Called once the drop counter exists: replays what was counted so far, then forwards. */
  onDrop(listener: (signal: TelemetrySignal, reason: TelemetryDropReason, n: number) => void): void {
    this.dropListener = listener;
    for (const [key, n] of this.drops) {
      const [signal, reason] = key.split('\u0001') as [TelemetrySignal, TelemetryDropReason];
      listener(signal, reason, n);
    }
  }
}

let cached: Runtime | undefined;

export function runtime(): Runtime {
  if (cached !== undefined) return cached;
  const g = globalThis as unknown as Record<symbol, Runtime | undefined>;
  cached = g[KEY] ??= new Runtime();
  return cached;
}

/** Test-only: forget the process-wide state (the next call creates a fresh one). */
export function resetRuntimeForTests(): void {
  const g = globalThis as unknown as Record<symbol, Runtime | undefined>;
  delete g[KEY];
  cached = undefined;
}
