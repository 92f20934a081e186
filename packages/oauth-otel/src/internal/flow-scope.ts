import { AsyncLocalStorage } from 'node:async_hooks';
import { shared } from './registry';

/**
 * The flow whose callback is running (continueOAuthFlow). The traffic observer reads it when a
 * token request starts, so the code exchange it sees ends that flow (duration, trace, flow id)
 * without a call site. Its own store, not the OTel context: it must work with tracing off.
 */
const store = (): AsyncLocalStorage<string> => shared('flowScope', () => new AsyncLocalStorage<string>());

export function runInFlow<T>(flowId: string | undefined, fn: () => T): T {
  return flowId === undefined ? fn() : store().run(flowId, fn);
}

export function currentFlow(): string | undefined {
  return store().getStore();
}
