/** Bad configuration fails fast at init, naming the option and the allowed values. */
import { createServer } from 'node:net';
import { createOAuthViews, initTelemetry, OAuthTelemetryConfigError } from '../../src';
import { resetRuntimeForTests } from '../../src/internal/runtime';

afterEach(() => {
  delete process.env.OTEL_EXPORTER_PROMETHEUS_PORT;
  resetRuntimeForTests();
});

async function rejection(p: Promise<unknown>): Promise<OAuthTelemetryConfigError> {
  const err = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OAuthTelemetryConfigError);
  expect((err as OAuthTelemetryConfigError).code).toBe('ERR_OAUTH_OTEL_CONFIG');
  return err as OAuthTelemetryConfigError;
}

test.each([
  [{ metricz: {} }, 'metricz', /one of the options serviceName, .*metrics/],
  [{ metrics: { prot: 1 } }, 'metrics.prot', /server, port, host/],
  [{ metrics: { port: 70000 } }, 'metrics.port', /integer from 0 to 65535/],
  [{ metrics: { port: -1 } }, 'metrics.port', /integer from 0 to 65535/],
  [{ metrics: { port: '9464' } }, 'metrics.port', /integer from 0 to 65535/],
  [{ metrics: { server: 'yes' } }, 'metrics.server', /true or false/],
  [{ metrics: { token: 'short' } }, 'metrics.token', /at least 16 visible ASCII characters.*got a string of 5 characters/],
  [{ metrics: { allowUnauthenticated: 'yes' } }, 'metrics.allowUnauthenticated', /true or false/],
  [{ metrics: { endpoint: 'metrics' } }, 'metrics.endpoint', /path starting with \//],
  [{ serviceName: 42 }, 'serviceName', /non-empty string/],
  [{ providers: { cap: 0 } }, 'providers.cap', /integer from 1 to 10000/],
  [{ providers: { allowList: 'github' } }, 'providers.allowList', /array of non-empty strings/],
  [{ resourceAttributes: { a: {} } }, 'resourceAttributes.a', /string, number or boolean/],
  [{ metrics: [] }, 'metrics', /an object/],
])('%j is rejected naming %s', async (options, option, allowed) => {
  const err = await rejection(initTelemetry(options as never));
  expect(err.option).toBe(option);
  expect(err.message).toContain(option);
  expect(err.message).toMatch(allowed);
});

test('a short secret (metrics token, fingerprint key) is described by its length, never echoed', async () => {
  for (const options of [{ metrics: { token: 'pw-short-1' } }, { fingerprintKey: 'pw-short-1' }]) {
    const err = await rejection(initTelemetry({ ...options, logs: false }));
    expect(err.message).not.toContain('pw-short-1');
    expect(err.message).toContain('a string of 10 characters');
  }
});

test('a secret-looking value is not echoed in the error', async () => {
  const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
  const err = await rejection(initTelemetry({ serviceName: 7 as never, fingerprintKey: secret, metrics: { host: `${secret}!` } }));
  expect(err.message).not.toContain(secret);
});

test('OTEL_EXPORTER_PROMETHEUS_PORT is validated and named', async () => {
  process.env.OTEL_EXPORTER_PROMETHEUS_PORT = 'ninety';
  const err = await rejection(initTelemetry({ logs: false }));
  expect(err.option).toBe('OTEL_EXPORTER_PROMETHEUS_PORT');
});

test('OTEL_EXPORTER_PROMETHEUS_PORT sets the port', async () => {
  const port = await freePort();
  process.env.OTEL_EXPORTER_PROMETHEUS_PORT = String(port);
  const h = await initTelemetry({ logs: false });
  expect(h.metricsUrl).toBe(`http://127.0.0.1:${port}/metrics`);
  await h.shutdown();
});

test('a port in use is a configuration error, and a corrected call then succeeds', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  const err = await rejection(initTelemetry({ metrics: { port }, logs: false }));
  expect(err.option).toBe('metrics.port');
  expect(err.message).toMatch(/already in use/);
  blocker.close();
  const h = await initTelemetry({ metrics: { port: 0 }, logs: false });
  expect(h.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
  await h.shutdown();
});

test('server: false starts no listener', async () => {
  const h = await initTelemetry({ metrics: { server: false }, logs: false });
  expect(h.metricsUrl).toBeUndefined();
  expect(h.meterProvider).toBeDefined();
  await h.shutdown();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

test('createOAuthViews: any invalid cardinalityLimit is the coded configuration error, naming the option', () => {
  const fc = require('fast-check') as typeof import('fast-check');
  const invalid = fc.oneof(
    fc.integer({ max: 1 }),
    fc.double().filter((d) => !Number.isInteger(d)),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
  );
  fc.assert(
    fc.property(invalid, (limit) => {
      let err: unknown;
      try {
        createOAuthViews({ cardinalityLimit: limit as number });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(OAuthTelemetryConfigError);
      expect(err).toMatchObject({ code: 'ERR_OAUTH_OTEL_CONFIG', option: 'cardinalityLimit', allowed: 'an integer >= 2' });
    }),
  );
  expect(createOAuthViews({ cardinalityLimit: 2 }).length).toBeGreaterThan(20);
});
