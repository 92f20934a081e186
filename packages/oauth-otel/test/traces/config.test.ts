/** Tracing configuration: closed by default, standard variables read, typos fail init with a coded error. */
import fc from 'fast-check';
import { OAuthTelemetryConfigError } from '../../src';
import { resolveMetricsPush, resolveTraces } from '../../src/traces/config';

const EXPORTERS = ['otlp', 'console', 'none'];
const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];

test('off unless asked for: no option and no OTEL_TRACES_EXPORTER, traces: false, none, OTEL_SDK_DISABLED', () => {
  expect(resolveTraces(undefined, {})).toBe(false);
  expect(resolveTraces(false, { OTEL_TRACES_EXPORTER: 'otlp' })).toBe(false);
  expect(resolveTraces({}, { OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  expect(resolveTraces({}, { OTEL_SDK_DISABLED: 'true' })).toBe(false);
  expect(resolveTraces(undefined, { OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({ exporters: ['otlp'], sampler: 'parentbased_always_on' });
  expect(resolveTraces({ endpoint: 'http://127.0.0.1:4318/v1/traces' }, {})).toMatchObject({ exporters: ['otlp'], url: 'http://127.0.0.1:4318/v1/traces' });
});

test('every valid exporter list and sampler is accepted as given', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.constantFrom('otlp', 'console'), { minLength: 1 }), fc.constantFrom(...SAMPLERS), fc.double({ min: 0, max: 1, noNaN: true }), (ex, s, r) => {
      const cfg = resolveTraces({}, { OTEL_TRACES_EXPORTER: ex.join(','), OTEL_TRACES_SAMPLER: s, OTEL_TRACES_SAMPLER_ARG: String(r) });
      expect(cfg).toMatchObject({ exporters: ex, sampler: s, ratio: s.endsWith('traceidratio') ? r : 1 });
    }),
  );
});

test('any other value of the standard variables fails with a coded error naming the variable and the allowed values', () => {
  const bad = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '' && !s.includes(','));
  fc.assert(
    fc.property(bad, fc.constantFrom('OTEL_TRACES_EXPORTER', 'OTEL_TRACES_SAMPLER', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_METRICS_EXPORTER'), (value, name) => {
      const allowed = name === 'OTEL_TRACES_EXPORTER' ? EXPORTERS : name === 'OTEL_TRACES_SAMPLER' ? SAMPLERS : name === 'OTEL_METRICS_EXPORTER' ? ['otlp', 'prometheus', 'none'] : ['http/protobuf', 'http/json'];
      fc.pre(!allowed.includes(value.trim()));
      const env = { [name]: value };
      const run = () => (name === 'OTEL_METRICS_EXPORTER' ? resolveMetricsPush(env) : resolveTraces({}, env));
      let err: unknown;
      try {
        run();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(OAuthTelemetryConfigError);
      expect((err as OAuthTelemetryConfigError).code).toBe('ERR_OAUTH_OTEL_CONFIG');
      expect((err as OAuthTelemetryConfigError).option).toBe(name);
    }),
  );
});

test('OTEL_METRICS_EXPORTER=otlp adds a push beside the scrape; unset or prometheus keeps the scrape only', () => {
  expect(resolveMetricsPush({})).toBe(false);
  expect(resolveMetricsPush({ OTEL_METRICS_EXPORTER: 'prometheus' })).toBe(false);
  expect(resolveMetricsPush({ OTEL_METRICS_EXPORTER: 'prometheus,otlp', OTEL_METRIC_EXPORT_INTERVAL: '5000' })).toEqual({ intervalMillis: 5000 });
});

test('protocol: http/protobuf and http/json are accepted from either variable; anything else (grpc) fails naming the variable that was read', () => {
  const other = fc.constantFrom('grpc', 'HTTP/PROTOBUF', 'http', 'json');
  const pad = fc.constantFrom('', ' ', '\t');
  fc.assert(
    fc.property(fc.constantFrom('http/protobuf', 'http/json'), other, pad, fc.boolean(), fc.option(fc.constantFrom('http/protobuf', 'http/json', 'grpc'), { nil: undefined }), (ok, bad, p, specific, general) => {
      // The traces-specific variable wins over OTEL_EXPORTER_OTLP_PROTOCOL, as in the SDK.
      const env = { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: `${p}${ok}${p}`, ...(general ? { OTEL_EXPORTER_OTLP_PROTOCOL: general } : {}) };
      expect(resolveTraces({}, env)).toMatchObject({ protocol: ok });
      expect(resolveTraces({}, { OTEL_EXPORTER_OTLP_PROTOCOL: `${p}${ok}${p}` })).toMatchObject({ protocol: ok });
      const badEnv = specific ? { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: `${p}${bad}${p}`, OTEL_EXPORTER_OTLP_PROTOCOL: ok } : { OTEL_EXPORTER_OTLP_PROTOCOL: `${p}${bad}${p}` };
      let err: unknown;
      try {
        resolveTraces({}, badEnv);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(OAuthTelemetryConfigError);
      expect((err as OAuthTelemetryConfigError).option).toBe(specific ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL');
      expect((err as OAuthTelemetryConfigError).allowed).toMatch(/^http\/protobuf or http\/json\b/);
    }),
  );
  expect(resolveTraces({}, {})).toMatchObject({ protocol: 'http/protobuf' });
});
