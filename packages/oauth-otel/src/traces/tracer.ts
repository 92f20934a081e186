import { trace, type Attributes, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { shared } from '../internal/registry';
import { VERSION } from '../version';

/**
 * Where oauth-otel's spans go. By default the global TracerProvider, read through the API's proxy
 * (so an SDK the app registers later, or NodeSDK, is picked up without a call); the
 * bring-your-own path may name a provider instead with setOAuthTracerProvider().
 */
export interface TraceState {
  provider: TracerProvider | undefined;
  tracer: Tracer | undefined;
  /** Flows in progress by flow id (traces/flows.ts). */
  flows: Map<string, FlowTrace>;
}

export interface FlowTrace {
  span: import('@opentelemetry/api').Span;
  ctx: import('@opentelemetry/api').Context;
  at: number;
}

const create = (): TraceState => ({ provider: undefined, tracer: undefined, flows: new Map() });
export function traceState(): TraceState {
  return shared('traces', create);
}

const SCOPE = 'oauth-otel';

export function tracer(): Tracer {
  const s = traceState();
  return (s.tracer ??= (s.provider ?? trace.getTracerProvider()).getTracer(SCOPE, VERSION));
}

/**
 * Bring your own SDK: oauth-otel's spans go to `provider` instead of the global one (undefined
 * restores the global). Never throws.
 */
export function setOAuthTracerProvider(provider: TracerProvider | undefined): void {
  try {
    const s = traceState();
    s.provider = provider !== null && typeof provider === 'object' && typeof provider.getTracer === 'function' ? provider : undefined;
    s.tracer = undefined;
  } catch {
    /* never throw into the host app */
  }
}

/** Span attributes without the undefined members (the SDK warns on each). */
export function defined(a: Record<string, string | number | boolean | undefined>): Attributes {
  const out: Attributes = {};
  for (const k in a) {
    const v = a[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}
