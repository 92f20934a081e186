import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@opentelemetry/api';
import { shared } from './registry';

/**
 * The flow whose callback is running (continueOAuthFlow). The traffic observer reads it when a
 * token request starts, so the code exchange it sees ends that flow (duration, flow id) and its
 * span is the callback's child, whatever HTTP client spans sit between. Its own store, not the
 * OTel context: it must work with tracing off.
 */
export interface FlowScope {
  readonly id: string;
  /** The callback span's context, when tracing is on. */
  readonly ctx: Context | undefined;
}

const store = (): AsyncLocalStorage<FlowScope> => shared('flowScope', () => new AsyncLocalStorage<FlowScope>());

export function runInFlow<T>(id: string | undefined, ctx: Context | undefined, fn: () => T): T {
  return id === undefined ? fn() : store().run({ id, ctx }, fn);
}

export function currentFlow(): FlowScope | undefined {
  return store().getStore();
}
