import diagnosticsChannel from 'node:diagnostics_channel';
import { internalError } from '../api/common';

/**
 * Subscribes each handler to its diagnostics channel. A subscriber that throws would break the app's
 * request, so every message is guarded here; returns the unsubscribe function.
 */
export function subscribeChannels<M extends object>(handlers: Record<string, (m: M) => void>): () => void {
  const subscribed: Array<[string, (m: unknown) => void]> = [];
  for (const [name, handle] of Object.entries(handlers)) {
    const fn = (m: unknown): void => {
      try {
        if (m !== null && typeof m === 'object') handle(m as M);
      } catch (err) {
        internalError(`observe:${name}`, err);
      }
    };
    diagnosticsChannel.subscribe(name, fn);
    subscribed.push([name, fn]);
  }
  return () => {
    for (const [name, fn] of subscribed) diagnosticsChannel.unsubscribe(name, fn);
  };
}
