/**
 * Shared body of the two start-up-order tests: winston records must reach a real OTLP/HTTP
 * endpoint, decoded, whichever of createLogger() and initTelemetry() runs first.
 */
import { createLogger, initTelemetry, type TelemetryHandle } from '../../src';
import { OtlpLogsEndpoint } from '../support/otlp-endpoint';

export function bridgeOrderSuite(order: 'logger-first' | 'init-first'): void {
  let ep: OtlpLogsEndpoint;
  let handle: TelemetryHandle;
  afterAll(async () => {
    await handle?.shutdown();
    await ep?.stop();
  });

  test(`winston records arrive at the OTLP endpoint (${order})`, async () => {
    ep = await new OtlpLogsEndpoint().start();
    const init = () => initTelemetry({ serviceName: 'bridge-test', metrics: false, logs: { stdout: false, level: 'debug', otlp: { endpoint: ep.url, scheduledDelayMillis: 20 } } });
    let logger: ReturnType<typeof createLogger>;
    if (order === 'logger-first') {
      logger = createLogger({ stdout: false, level: 'debug' });
      handle = await init();
    } else {
      handle = await init();
      logger = createLogger({ stdout: false, level: 'debug' });
    }
    logger.info('user-defined record', { event: 'app_event', 'oauth.provider': 'github.com', duration_ms: 12 });
    handle.logger!.warn('package logger record', { event: 'pkg_event' });
    await handle.forceFlush();
    const got = await ep.waitFor(2);
    const app = got.find((r) => r.body === 'user-defined record')!;
    expect(app).toBeDefined();
    expect(app.severityText).toBe('info');
    expect(app.severityNumber).toBe(9);
    expect(app.attributes).toMatchObject({ event: 'app_event', 'oauth.provider': 'github.com', duration_ms: 12 });
    expect(app.resource['service.name']).toBe('bridge-test');
    const pkg = got.find((r) => r.body === 'package logger record')!;
    expect(pkg.severityNumber).toBe(13);
  });
}
