/**
 * One log schema: every key the package writes is in LOG_FIELDS, stdout JSON and OTLP carry the
 * same fields per event, each record has the catalog's OTel EventName (dotted) beside the flat
 * `event`, security events carry `security_rule.*` through the real OTLP path, and an active
 * span's ids appear on both paths.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import * as api from '../../src';
import { ATTR_SECURITY_SEVERITY, EVENT_NAME_BY_FLAT, EVENT_NAMES, LEVEL_FIELD_NAMES, LOG_FIELDS, LOG_KEYS, OPERATION_EVENTS, SECURITY_EVENTS, SECURITY_RULESET } from '../../src/catalog';
import { OtlpLogsEndpoint } from '../support/otlp-endpoint';
import { exerciseAll, exerciseServer } from '../support/exercise';
import { StdoutCapture } from './capture';

const JSON_ONLY = new Set(['time', 'event_name', 'level', 'severity_text', 'severity_number', 'message', 'service_name', 'service_version', 'deployment_environment_name', 'trace_id', 'span_id']);
let ep: OtlpLogsEndpoint;
let handle: api.TelemetryHandle;
const out = new StdoutCapture();
let spanIds: { traceId: string; spanId: string };

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new TracerProvider());
  ep = await new OtlpLogsEndpoint().start();
  out.start();
  handle = await api.initTelemetry({ serviceName: 'schema-test', serviceVersion: '1.2.3', environment: 'staging', metrics: false, logs: { level: 'debug', logClientId: true, otlp: { endpoint: ep.url, scheduledDelayMillis: 20 } } });
  exerciseAll();
  exerciseServer();
  trace.getTracer('t').startActiveSpan('oauth.callback', (span) => {
    spanIds = span.spanContext();
    api.flowStarted({ provider: 'traced.example', flowId: 'traced' });
    span.end();
  });
  await handle.forceFlush();
  await ep.waitFor(out.lines.length);
});
afterAll(async () => {
  out.stop();
  await handle.shutdown();
  await ep.stop();
});

test('every key on stdout and in OTLP is a documented schema field', () => {
  expect(out.lines.length).toBeGreaterThan(25);
  for (const line of out.lines) for (const k of Object.keys(line)) expect({ key: k, known: LOG_KEYS.has(k) }).toEqual({ key: k, known: true });
  for (const r of ep.received) for (const k of Object.keys(r.attributes)) expect({ key: k, known: LOG_KEYS.has(k) }).toEqual({ key: k, known: true });
});

test('stdout JSON and OTLP carry the same fields and values for each record', () => {
  expect(ep.received).toHaveLength(out.lines.length);
  for (const line of out.lines) {
    const rec = ep.received.find((r) => r.body === line.message && r.attributes.event === line.event && JSON.stringify(r.attributes) === JSON.stringify(pickAttrs(line)));
    expect({ event: line.event, matched: rec !== undefined }).toEqual({ event: line.event, matched: true });
    expect(rec!.eventName).toBe(EVENT_NAME_BY_FLAT[line.event as string]);
    expect(line.event_name).toBe(rec!.eventName);
    expect(rec!.severityText).toBe(line.level);
    expect(rec!.severityNumber).toBe(line.severity_number);
    expect(rec!.resource).toMatchObject({ 'service.name': line.service_name, 'service.version': '1.2.3', 'deployment.environment.name': line.deployment_environment_name });
  }
});

test('resource fields and levels are flat and typed as documented', () => {
  const line = out.lines.find((l) => l.event === 'oauth_flow_success')!;
  expect(line).toMatchObject({ level: 'info', severity_text: 'info', severity_number: 9, service_name: 'schema-test', service_version: '1.2.3', deployment_environment_name: 'staging', 'oauth.provider': 'as.example.com', 'oauth.outcome': 'success' });
  expect(typeof line.time).toBe('string');
  const failure = out.lines.find((l) => l.event === 'oauth_flow_failure')!;
  expect(failure).toMatchObject({ 'oauth.reason': 'token_exchange_failed', 'oauth.error': 'invalid_grant', duration_ms: 900 });
  for (const f of LOG_FIELDS.filter((x) => x.type === 'number')) {
    for (const l of out.lines) if (l[f.key] !== undefined) expect(typeof l[f.key]).toBe('number');
  }
});

test('an active span puts trace_id and span_id on both paths', () => {
  const line = out.lines.find((l) => l.event === 'oauth_flow_initiated' && l['oauth.provider'] === 'traced.example')!;
  expect(line.trace_id).toBe(spanIds.traceId);
  expect(line.span_id).toBe(spanIds.spanId);
  const rec = ep.received.find((r) => r.attributes.event === 'oauth_flow_initiated' && r.attributes['oauth.provider'] === 'traced.example')!;
  expect(rec.traceId).toBe(spanIds.traceId);
  expect(rec.spanId).toBe(spanIds.spanId);
});

test('every event written is in the event catalog, at its documented level and priority', () => {
  const seen = new Set(out.lines.map((l) => l.event as string));
  for (const e of seen) expect({ event: e, known: EVENT_NAMES.includes(e) }).toEqual({ event: e, known: true });
  for (const def of SECURITY_EVENTS) {
    const line = out.lines.find((l) => l.event === def.name);
    expect({ event: def.name, emitted: line !== undefined }).toEqual({ event: def.name, emitted: true });
    expect(line).toMatchObject({ [ATTR_SECURITY_SEVERITY]: def.severity, priority: def.priority, 'oauth.security_event_type': def.type });
  }
  for (const def of OPERATION_EVENTS) expect({ event: def.name, emitted: seen.has(def.name) }).toEqual({ event: def.name, emitted: true });
});

test('OTLP records carry the dotted OTel EventName, a severity number, and security_rule.* on security events', () => {
  const names = new Set(Object.values(EVENT_NAME_BY_FLAT));
  expect(names.size).toBe(EVENT_NAMES.length);
  for (const n of names) expect(n).toMatch(/^oauth(\.[a-z0-9_]+)+$/);
  for (const r of ep.received) {
    expect({ event: r.attributes.event, eventName: r.eventName }).toEqual({ event: r.attributes.event, eventName: EVENT_NAME_BY_FLAT[r.attributes.event as string] });
    expect(r.severityNumber).toBeGreaterThan(0);
    if (r.attributes.priority === undefined) expect(Object.keys(r.attributes).filter((k) => k.startsWith('security_rule.'))).toEqual([]);
  }
  for (const def of SECURITY_EVENTS) {
    const rec = ep.received.find((r) => r.eventName === def.eventName);
    expect({ event: def.name, exported: rec !== undefined }).toEqual({ event: def.name, exported: true });
    expect(rec!.attributes).toMatchObject({
      event: def.name,
      'security_rule.name': def.security.rule,
      'security_rule.ruleset.name': SECURITY_RULESET,
      'security_rule.reference': def.security.reference,
    });
    // an RFC section, or the datatracker page of an IETF draft (its section numbers still move)
    expect(def.security.reference).toMatch(/^(https:\/\/www\.rfc-editor\.org\/rfc\/rfc\d+#section-[\d.]+|https:\/\/datatracker\.ietf\.org\/doc\/draft-ietf-[\w-]+\/)$/);
  }
});

test('a user id is logged only as enduser.pseudo.id, a keyed fingerprint', () => {
  const line = out.lines.find((l) => l.event === 'oauth_code_injection_attempt')!;
  expect(line['enduser.pseudo.id']).toMatch(/^[0-9a-f]{12}$/);
  const rec = ep.received.find((r) => r.attributes.event === 'oauth_code_injection_attempt')!;
  expect(rec.attributes['enduser.pseudo.id']).toBe(line['enduser.pseudo.id']);
  expect(out.raw.join('\n') + JSON.stringify(ep.received)).not.toContain('user-42');
});

// Loki (log_level_fields), Grafana and shippers take the level from the first of these keys they
// find; a security severity under one of them made Loki's detected_level high/medium/low.
test('no key a log store reads as the level carries anything but the record level', () => {
  const levelKey = (k: string) => LEVEL_FIELD_NAMES.includes(k.toLowerCase().replace(/[.-]/g, '_'));
  expect(out.lines.length).toBeGreaterThan(SECURITY_EVENTS.length);
  for (const line of out.lines) {
    const keys = Object.keys(line).filter(levelKey).sort();
    expect({ event: line.event, keys, values: keys.map((k) => line[k]) }).toEqual({ event: line.event, keys: ['level', 'severity_text'], values: [line.level, line.level] });
  }
  expect(ep.received.length).toBeGreaterThan(SECURITY_EVENTS.length);
  for (const rec of ep.received) expect({ event: rec.eventName, keys: Object.keys(rec.attributes).filter(levelKey) }).toEqual({ event: rec.eventName, keys: [] });
});

test('client ids appear only when logClientId is on (it is here)', () => {
  expect(out.lines.find((l) => l.event === 'oauth_refresh_token_reuse_detected')!['oauth.client_id']).toBe('client-1');
});

function pickAttrs(line: Record<string, unknown>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(line)) if (!JSON_ONLY.has(k)) o[k] = v;
  return o;
}
