/** Bring your own SDK, logs side: the app's NodeSDK exports the package's events, redacted first. */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { createLogger, createOAuthLogRecordProcessors, refreshTokenReuseDetected, setOAuthEventLogger } from '../../src';
import { OtlpLogsEndpoint } from '../support/otlp-endpoint';

test('NodeSDK + createOAuthLogRecordProcessors + createLogger + setOAuthEventLogger', async () => {
  const ep = await new OtlpLogsEndpoint().start();
  const sdk = new NodeSDK({
    serviceName: 'byo-logs',
    logRecordProcessors: createOAuthLogRecordProcessors({ exporter: new OTLPLogExporter({ url: ep.url }), batch: { scheduledDelayMillis: 20 } }),
    metricReaders: [],
    spanProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  const logger = createLogger({ stdout: false, level: 'info' });
  setOAuthEventLogger(logger);
  const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
  refreshTokenReuseDetected({ provider: 'as.example', token: secret });
  logger.warn(`refresh failed with Bearer ${secret}`, { event: 'app_event', nested: { refreshToken: secret } });
  const got = await ep.waitFor(2);
  expect(got.find((r) => r.attributes.event === 'oauth_refresh_token_reuse_detected')).toMatchObject({
    eventName: 'oauth.security.refresh_token.reuse_detected',
    severityNumber: 21,
    attributes: { priority: 'P0', 'security_rule.name': 'authn_token_reuse' },
  });
  const app = got.find((r) => r.attributes.event === 'app_event')!;
  expect(app.body).toContain('Bearer [REDACTED]');
  expect(Buffer.concat(ep.rawBodies).includes(secret)).toBe(false);
  await sdk.shutdown();
  await ep.stop();
});
