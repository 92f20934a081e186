import { runtime } from '../internal/runtime';
import { noticeOnce } from '../internal/diag';
import { Observer } from './observer';
import { subscribeUndici } from './undici';
import { subscribeHttp } from './http';
import type { ResolvedObserve } from './types';

/**
 * Zero-code client telemetry: watches the process's outgoing HTTP and records OAuth exchanges.
 *
 *   undici.ts / http.ts   diagnostics_channel subscriptions (never throw)
 *   routes.ts             is this request OAuth? (origin + path, before any parsing)
 *   body.ts form.ts json.ts challenge.ts   bounded, linear parsers of the few fields needed
 *   record.ts             finished exchange → the manual API's recording calls
 *   detectors.ts          reuse, loops, drift, capability drift (bounded state)
 */
const KEY = Symbol.for('oauth-otel.observer.v1');
type Slot = { observer: Observer; stop: () => void };

/** Starts the observer once per process (a second module copy finds the first). Returns its stop. */
export function startObserver(cfg: ResolvedObserve): (() => void) | undefined {
  if (!cfg.enabled) return undefined;
  const g = globalThis as unknown as Record<symbol, Slot | undefined>;
  if (g[KEY] !== undefined) {
    noticeOnce('observe-twice', 'the traffic observer is already running in this process');
    return undefined;
  }
  void runtime();
  const observer = new Observer(cfg);
  const stops = [subscribeUndici(observer), subscribeHttp(observer)];
  const slot: Slot = {
    observer,
    stop: () => {
      for (const s of stops) s();
      if (g[KEY] === slot) g[KEY] = undefined;
    },
  };
  g[KEY] = slot;
  return slot.stop;
}

/** Stops the running observer (tests, and shutdown through the handle). */
export function stopObserver(): void {
  (globalThis as unknown as Record<symbol, Slot | undefined>)[KEY]?.stop();
}

/** Test helper: the running observer, if any. */
export function currentObserver(): Observer | undefined {
  return (globalThis as unknown as Record<symbol, Slot | undefined>)[KEY]?.observer;
}

export { resolveObserve, OBSERVE_ENV } from './config';
export type { ObserveOptions, ResolvedObserve } from './types';
