import { metrics as metricsApi, type MeterProvider } from '@opentelemetry/api';
import { runtime } from '../internal/runtime';
import { setShared, shared } from '../internal/registry';
import { noticeOnce } from '../internal/diag';
import { OAuthMetrics } from './recorder';
import { ProviderNormalizer, type ProviderOptions } from './labels';

const DEFAULT_PROVIDER_CAP = 50;

const createMetrics = () => new OAuthMetrics();
const createProviders = () => new ProviderNormalizer({ cap: DEFAULT_PROVIDER_CAP });

/** The process-wide recorder; created on first use so calls before init are buffered, not lost. */
export function oauthMetrics(): OAuthMetrics {
  return shared('metrics', createMetrics);
}

/** The process-wide `provider` normalizer (shared across module copies like the recorder). */
export function providerNormalizer(): ProviderNormalizer {
  return shared('providers', createProviders);
}

/** Replaces the provider policy (initTelemetry options). Only before the first provider is seen. */
export function configureProviders(options: Partial<ProviderOptions>): void {
  setShared(
    'providers',
    new ProviderNormalizer({
      cap: options.cap ?? DEFAULT_PROVIDER_CAP,
      ...(options.allowList ? { allowList: options.allowList } : {}),
    }),
  );
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
  rt.onDrop((signal, reason, n) => m.add('telemetryDropped', n, m.attrs('telemetryDropped', signal, reason)));
  return true;
}
