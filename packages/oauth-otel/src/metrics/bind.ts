import { metrics as metricsApi, type MeterProvider } from '@opentelemetry/api';
import { runtime } from '../internal/runtime';
import { noticeOnce } from '../internal/diag';
import { OAuthMetrics } from './recorder';
import { ProviderNormalizer, type ProviderOptions } from './labels';

const DEFAULT_PROVIDER_CAP = 50;

/** The process-wide recorder; created on first use so calls before init are buffered, not lost. */
export function oauthMetrics(): OAuthMetrics {
  const rt = runtime();
  return (rt.metrics ??= new OAuthMetrics());
}

let providers: ProviderNormalizer | undefined;
const PROVIDERS_KEY = Symbol.for('oauth-otel.providers.v1');

/** The process-wide `provider` normalizer (shared across module copies like the recorder). */
export function providerNormalizer(): ProviderNormalizer {
  if (providers) return providers;
  const g = globalThis as unknown as Record<symbol, ProviderNormalizer | undefined>;
  providers = g[PROVIDERS_KEY] ??= new ProviderNormalizer({ cap: DEFAULT_PROVIDER_CAP });
  return providers;
}

/** Replaces the provider policy (initTelemetry options). Only before the first provider is seen. */
export function configureProviders(options: Partial<ProviderOptions>): void {
  const g = globalThis as unknown as Record<symbol, ProviderNormalizer | undefined>;
  providers = g[PROVIDERS_KEY] = new ProviderNormalizer({
    cap: options.cap ?? DEFAULT_PROVIDER_CAP,
    ...(options.allowList ? { allowList: options.allowList } : {}),
  });
}

/**
 * Binds the OAuth instruments to a MeterProvider: your own SDK's (bring your own SDK) or, by
 * default, the global one. Measurements recorded before this call are replayed. Returns false
 * when the instruments were already bound in this process (the first binding stays).
 */
export function bindOAuthInstruments(meterProvider: MeterProvider = metricsApi.getMeterProvider()): boolean {
  const rt = runtime();
  const m = oauthMetrics();
  if (!m.bind(meterProvider)) {
    noticeOnce('bind-twice', 'OAuth instruments are already bound to a MeterProvider; keeping the first');
    return false;
  }
  const dropped = m.dropCounter();
  if (dropped) rt.onDrop((signal, reason, n) => dropped.add(n, m.attrs('telemetryDropped', signal, reason)));
  return true;
}
