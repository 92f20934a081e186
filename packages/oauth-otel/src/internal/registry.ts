/**
 * The one registry of oauth-otel's process-wide state. Next.js (and any bundler that loads the
 * package twice) gets two copies of every module; both find the same objects here, on globalThis
 * under registered symbols, so there is one MeterProvider binding, one drop count and one event
 * buffer per process. Every process-wide object is listed in SHARED; the test reset clears them all.
 */
const SHARED = {
  /** Drops, diag de-duplication, init state, fingerprint key (internal/runtime.ts). */
  runtime: Symbol.for('oauth-otel.runtime.v1'),
  /** The OAuth instruments and their pre-init queue (metrics/bind.ts). */
  metrics: Symbol.for('oauth-otel.metrics.v1'),
  /** The `provider` label normalizer (metrics/bind.ts). */
  providers: Symbol.for('oauth-otel.providers.v1'),
  /** The event sink and the pre-init event buffer (api/events.ts). */
  events: Symbol.for('oauth-otel.events.v1'),
  /** Flows in progress, for end-to-end durations (api/flows.ts). */
  flows: Symbol.for('oauth-otel.flows.v1'),
  /** Flows' trace contexts and the tracer override (traces/*). */
  traces: Symbol.for('oauth-otel.traces.v1'),
  /** The /metrics endpoint of initTelemetry() (metrics/handler.ts). */
  metricsEndpoint: Symbol.for('oauth-otel.metrics-endpoint.v1'),
  /** The flow whose callback is running, for the traffic observer (internal/flow-scope.ts). */
  flowScope: Symbol.for('oauth-otel.flow-scope.v1'),
  /** The traffic observer and its channel subscriptions (observe/index.ts). */
  observer: Symbol.for('oauth-otel.observer.v1'),
} as const;

export type SharedName = keyof typeof SHARED;

/**
 * Registered symbols used as property keys on data that one module copy hands to another (a
 * collected data point read by the /metrics serializer). Nothing is stored under them on
 * globalThis, so the reset has nothing to clear; they live here so that every `oauth-otel.*`
 * registered symbol is declared in one place.
 */
export const DATA_KEYS = {
  /** A histogram data point's exemplars, one slot per bucket (metrics/aggregate/series.ts). */
  exemplars: Symbol.for('oauth-otel.exemplars.v1'),
} as const;

const store = globalThis as unknown as Record<symbol, unknown>;
/** This module copy's view of the store: recording calls skip the globalThis lookup. */
const local: { [K in SharedName]?: unknown } = {};

/** The process-wide object `name`, created by `create` on first use. */
export function shared<T>(name: SharedName, create: () => T): T {
  const hit = local[name];
  if (hit !== undefined) return hit as T;
  const key = SHARED[name];
  let v = store[key] as T | undefined;
  if (v === undefined) store[key] = v = create();
  local[name] = v;
  return v;
}

/** The process-wide object `name`, if it exists (read from the store: another module copy may have set it). */
export function peekShared<T>(name: SharedName): T | undefined {
  return store[SHARED[name]] as T | undefined;
}

/** Replaces (or with undefined, removes) the process-wide object `name`. */
export function setShared<T>(name: SharedName, value: T | undefined): void {
  if (value === undefined) delete store[SHARED[name]];
  else store[SHARED[name]] = value;
  local[name] = value;
}

/** The registered symbol of every process-wide object (tests check the reset clears them all). */
export function sharedSymbols(): readonly symbol[] {
  return Object.values(SHARED);
}

/** Test-only: forget every process-wide object (the next use creates fresh ones). */
export function resetSharedForTests(): void {
  for (const name of Object.keys(SHARED) as SharedName[]) {
    delete store[SHARED[name]];
    delete local[name];
  }
}
