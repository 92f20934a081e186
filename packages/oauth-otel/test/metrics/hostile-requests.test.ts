/**
 * initTelemetry()'s /metrics server against requests a scraper would never send (issue 15's
 * independent attack), written as raw bytes on a loopback socket so nothing normalizes them:
 * absolute-form and dot-segment targets, every method (TRACE, CONNECT, PROPFIND, QUERY),
 * HTTP/1.0 and 0.9, Authorization repeated in either order, `Basic`, `Bearer:`, tokens in the
 * query, oversized headers. Metric data goes out only for GET on the exact endpoint with exactly
 * one Authorization header carrying the token. Also: the default bind address, and environment
 * tokens that could never match.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import * as api from '../../src';
import { resetRuntimeForTests } from '../../src/internal/runtime';

const TOKEN = 'Zq7-metrics_token.of~32+chars/xY';
const ENV_TOKEN = 'OAUTH_OTEL_METRICS_TOKEN';
const ENV_HOST = 'OTEL_EXPORTER_PROMETHEUS_HOST';

function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let out = '';
    const done = () => {
      s.destroy();
      resolve(out);
    };
    s.setEncoding('latin1');
    s.on('data', (d: string) => (out += d));
    s.on('end', done);
    s.on('error', done);
    s.setTimeout(3000, done);
    s.on('connect', () => s.write(bytes, 'latin1'));
  });
}

const hasData = (reply: string) => /oauth_|# (HELP|TYPE) |target_info/.test(reply);

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'QUERY', 'CONNECT', 'get'];
const targetArb = (port: number) =>
  fc.constantFrom(
    '/metrics', '/metrics?x=1', `/metrics?token=${TOKEN}`, `/metrics?access_token=${TOKEN}`, '//metrics', '/metrics/', '/metrics/../metrics',
    '/./metrics', '/%6detrics', '/METRICS', '/metrics%00', '*', `http://127.0.0.1:${port}/metrics`, `127.0.0.1:${port}`,
  );
const authArb = fc.constantFrom<string[]>(
  [], [`Bearer ${TOKEN}`], ['Bearer wrong'], [`bearer ${TOKEN}`], [`Bearer\t${TOKEN}`], [`Bearer: ${TOKEN}`], [`Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`],
  [TOKEN], [`Bearer ${TOKEN}`, `Bearer ${TOKEN}`], [`Bearer ${TOKEN}`, 'Bearer wrong'], ['Bearer wrong', `Bearer ${TOKEN}`], [`Bearer ${TOKEN.slice(1)}`],
  [`Bearer ${'a'.repeat(5000)}`], [`Bearer ${TOKEN}, Bearer ${TOKEN}`],
);
const versionArb = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', '');
const extraArb = fc.constantFrom('', `X-Pad: ${'p'.repeat(20_000)}\r\n`, 'Content-Length: 3\r\n', 'Transfer-Encoding: chunked\r\nContent-Length: 4\r\n', 'Expect: 100-continue\r\n');

test('metric data only for GET on the exact endpoint with exactly one Authorization carrying the token', async () => {
  const h = await api.initTelemetry({ metrics: { port: 0, token: TOKEN }, logs: false });
  try {
    api.flowStarted({ provider: 'github.com' }); // there is data to leak
    const port = Number(new URL(h.metricsUrl!).port);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...METHODS), targetArb(port), versionArb, authArb, extraArb, async (method, target, version, auths, extra) => {
        const line = version === '' ? `${method} ${target}\r\n` : `${method} ${target} ${version}\r\n`;
        const headers = `Host: 127.0.0.1:${port}\r\n${auths.map((a) => `Authorization: ${a}\r\n`).join('')}${extra}Connection: close\r\n\r\n`;
        const reply = await raw(port, line + headers + (extra.includes('Content-Length: 3') ? 'abc' : ''));
        const mayRead = method === 'GET' && (target === '/metrics' || target.startsWith('/metrics?')) && auths.length === 1 && /^Bearer\s+/i.test(auths[0]!) && auths[0]!.replace(/^Bearer\s+/i, '') === TOKEN && !extra.includes('Transfer-Encoding');
        if (!mayRead) expect({ method, target, version, auths: auths.map((a) => a.slice(0, 30)), data: hasData(reply) }).toMatchObject({ data: false });
        expect(reply.includes(TOKEN)).toBe(false);
      }),
      { numRuns: 300 },
    );
    // The one case that reads, over the same raw path.
    const ok = await raw(port, `GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`);
    expect(ok.startsWith('HTTP/1.1 200')).toBe(true);
    expect(hasData(ok)).toBe(true);
  } finally {
    await h.shutdown();
    resetRuntimeForTests();
  }
}, 120_000);

test('the server binds 127.0.0.1 unless a host is configured (a blank OTEL_EXPORTER_PROMETHEUS_HOST counts as unset)', async () => {
  for (const env of [undefined, '', '   ']) {
    if (env === undefined) delete process.env[ENV_HOST];
    else process.env[ENV_HOST] = env;
    const h = await api.initTelemetry({ metrics: { port: 0 }, logs: false });
    try {
      expect(new URL(h.metricsUrl!).hostname).toBe('127.0.0.1');
    } finally {
      await h.shutdown();
      delete process.env[ENV_HOST];
      resetRuntimeForTests();
    }
  }
});

test('a malformed OTEL_EXPORTER_PROMETHEUS_HOST fails fast, naming the variable', async () => {
  for (const bad of ['127.0.0.1/metrics', 'host name', 'a;b', 'http://x']) {
    process.env[ENV_HOST] = bad;
    const err = await api.initTelemetry({ metrics: { port: 0 }, logs: false }).then(async (h) => {
      await h.shutdown();
      return undefined;
    }, (e: unknown) => e);
    delete process.env[ENV_HOST];
    resetRuntimeForTests();
    expect(err).toBeInstanceOf(api.OAuthTelemetryConfigError);
    expect((err as api.OAuthTelemetryConfigError).option).toBe(ENV_HOST);
  }
});

test('an environment or option token that could never arrive intact in a header fails fast, coded, never echoed', async () => {
  const bad = fc.tuple(fc.stringMatching(/^[A-Za-z0-9]{10,20}$/), fc.constantFrom(' ', '\t', '\n', '\r\n', '\u00a0', 'é', '\u2028', '🔑'), fc.constantFrom('inside', 'trailing', 'leading'))
    .map(([a, c, where]) => (where === 'inside' ? `${a.slice(0, 5)}${c}${a.slice(5)}xxxxxx` : where === 'trailing' ? `${a}xxxxxx${c}` : `${c}${a}xxxxxx`));
  await fc.assert(
    fc.asyncProperty(bad, fc.constantFrom('env', 'option'), async (token, via) => {
      if (via === 'env') process.env[ENV_TOKEN] = token;
      const err = await api.initTelemetry({ metrics: { port: 0, ...(via === 'option' ? { token } : {}) }, logs: false }).then(
        async (h) => {
          await h.shutdown();
          return undefined;
        },
        (e: unknown) => e,
      );
      delete process.env[ENV_TOKEN];
      resetRuntimeForTests();
      expect(err).toBeInstanceOf(api.OAuthTelemetryConfigError);
      expect((err as api.OAuthTelemetryConfigError).option).toBe(via === 'env' ? ENV_TOKEN : 'metrics.token');
      expect((err as Error).message).not.toContain(token.trim());
    }),
    { numRuns: 30 },
  );
});
