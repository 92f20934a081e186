import { peekShared, setShared } from '../internal/registry';
import { noticeOnce } from '../internal/diag';
import { Observer } from './observer';
import { subscribeUndici } from './undici';
import { subscribeHttp } from './http';
import { subscribeServer } from './server';
import type { ResolvedObserve } from './types';

/**
 * Zero-code client telemetry: watches the process's outgoing HTTP and records OAuth exchanges.
 *
 *   undici.ts / http.ts   diagnostics_channel subscriptions (never throw)
 *   server.ts             the app server's redirects to an authorization endpoint
 *   routes.ts             is this request OAuth? (origin + path, before any parsing)
 *   body.ts form.ts json.ts challenge.ts   bounded, linear parsers of the few fields needed
 *   record.ts             finished exchange → the manual API's recording calls
 *   detectors.ts          reuse, loops, drift, capability drift, registration route (bounded state)
 *   step-up.ts            403 insufficient_scope challenges and step-up loops
 */
type Slot = { observer: Observer; stop: () => void };

/** Starts the observer once per process (a second module copy finds the first). Returns its stop. */
export function startObserver(cfg: ResolvedObserve): (() => void) | undefined {
  if (!cfg.enabled) return undefined;
  if (peekShared<Slot>('observer') !== undefined) {
    noticeOnce('observe-twice', 'the traffic observer is already running in this process');
    return undefined;
  }
  const observer = new Observer(cfg);
  const stops = [subscribeUndici(observer), subscribeHttp(observer), subscribeServer(observer)];
  const slot: Slot = {
    observer,
    stop: () => {
      for (const s of stops) s();
      if (peekShared<Slot>('observer') === slot) setShared('observer', undefined);
    },
  };
  setShared('observer', slot);
  return slot.stop;
}

/** Stops the running observer (tests, and shutdown through the handle). */
export function stopObserver(): void {
  peekShared<Slot>('observer')?.stop();
}

/** Test helper: the running observer, if any. */
export function currentObserver(): Observer | undefined {
  return peekShared<Slot>('observer')?.observer;
}

export { resolveObserve, OBSERVE_ENV } from './config';
export type { ObserveOptions, ResolvedObserve } from './types';
