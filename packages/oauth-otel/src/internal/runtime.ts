import type { TelemetrySignal, TelemetryDropReason } from '../catalog/vocabularies';
import { randomBytes } from 'node:crypto';
import { resetSharedForTests, shared } from './registry';

export interface InitState {
  /** Settles with the handle of the first initTelemetry() call. */
  promise: Promise<unknown>;
}

/** Drops, diag de-duplication, init state and the fingerprint key: one per process (registry.ts). */
export class Runtime {
  readonly reported = new Set<string>();
  /** Cumulative drops per `signal\u0001reason`, kept outside OTel so drops never need a buffer. */
  readonly drops = new Map<string, number>();
  init: InitState | undefined;
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

const create = () => new Runtime();

export function runtime(): Runtime {
  return shared('runtime', create);
}

/** Test-only: forget all process-wide state (the registry's reset; the next call creates fresh state). */
export function resetRuntimeForTests(): void {
  resetSharedForTests();
}
