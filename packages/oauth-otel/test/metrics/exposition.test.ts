/**
 * Every catalog metric, driven through the public API and read back from the real exporter over
 * HTTP: name, type, help, label names, buckets and values as Prometheus sees them.
 */
import { initTelemetry, METRIC_DEFINITIONS, SEED_METRIC_NAMES, type TelemetryHandle } from '../../src';
import * as api from '../../src';
import { scrape, valueOf, type Family } from '../support/prom';
import { exerciseServer } from '../support/exercise';
import { Detectors } from '../../src/observe/detectors';

let handle: TelemetryHandle;
let families: Map<string, Family>;
let text: string;

beforeAll(async () => {
  handle = await initTelemetry({ serviceName: 'exposition-test', metrics: { port: 0, allowUnauthenticated: true }, logs: false });
  const provider = 'https://as.example.com/tenant';
  api.flowStarted({ provider, flowId: 'f1' });
  api.flowCompleted({ flowId: 'f1', outcome: 'success', durationMs: 1500, registrationRoute: 'cimd' });
  api.flowStarted({ provider, flowId: 'f2' });
  api.flowCompleted({ flowId: 'f2', outcome: 'failure', reason: 'provider_error', error: 'access_denied', durationMs: 700 });
  api.tokenRefreshed({ outcome: 'success', durationMs: 300 });
  api.tokenRefreshed({ outcome: 'failure', reason: 'endpoint_error', error: 'invalid_grant', durationMs: 2500, provider });
  api.refreshTokenReuseDetected({ provider, familyRevoked: true, classification: 'suspected_theft' });
  api.tokensRevoked({ reason: 'manual', count: 2 });
  api.tokenIssued({ tokenId: 't1', expiresIn: 60 });
  api.tokenIssued({ tokenId: 't2', expiresIn: 3600 });
  api.pkceStateCreated({ flowId: 's1' });
  api.pkceStateCreated({ flowId: 's2' });
  api.pkceStateValidated({ reason: 'valid', flowId: 's1' });
  api.pkceStateValidated({ reason: 'user_mismatch', flowId: 'x' });
  api.pkceStatesCleaned({ reason: 'expired', count: 3 });
  api.integrityViolation({ violationType: 'user_mismatch' });
  api.codeInjectionAttempt({ provider });
  api.discoveryCompleted({ method: 'rfc9728', outcome: 'success', durationMs: 120 });
  api.discoveryCompleted({ method: 'rfc8414', outcome: 'failure', durationMs: 5200 });
  api.clientRegistered({ outcome: 'success', durationMs: 800 });
  api.scheduledRefreshCompleted({ refreshed: 3, failed: 1, durationMs: 4000, expiringSoon: 7 });
  api.scheduledRefreshError({ errorType: 'endpoint_error' });
  api.tokenEndpointError({ provider, grantType: 'client_credentials', error: 'invalid_client', httpStatus: 401 });
  api.flowCompleted({ outcome: 'success', provider: 42 as unknown as string }); // coerced: counted as a drop
  api.dpopRejected({ side: 'resource_server', check: 'nonce_challenge' }); // counted, no security event
  new Detectors().stepUp('https://mcp.example.com', '/mcp', 'tools:write'); // observer-only: a step-up challenge
  exerciseServer(); // one server-side reuse: token_reuse security events are 2 below
  ({ families, text } = await scrape(handle.metricsUrl!));
});

afterAll(() => handle.shutdown());

test('all 21 seed metric names and every added metric are exposed with samples', () => {
  expect(SEED_METRIC_NAMES).toHaveLength(21);
  for (const d of METRIC_DEFINITIONS) {
    const f = families.get(d.name);
    expect(f).toBeDefined();
    expect(f!.samples.length).toBeGreaterThan(0);
  }
});

test('types, help texts and label names match the catalog exactly', () => {
  for (const d of METRIC_DEFINITIONS) {
    const f = families.get(d.name)!;
    expect({ name: d.name, help: f.help }).toEqual({ name: d.name, help: d.help });
    expect({ name: d.name, type: f.type }).toEqual({ name: d.name, type: d.kind === 'observable_gauge' ? 'gauge' : d.kind });
    const expected = [...Object.keys(d.labels)].sort();
    for (const s of f.samples) {
      const names = Object.keys(s.labels).filter((l) => l !== 'le').sort();
      expect({ sample: s.name, names }).toEqual({ sample: s.name, names: expected });
    }
  }
});

test('histograms carry the seed bucket boundaries in seconds', () => {
  for (const d of METRIC_DEFINITIONS.filter((x) => x.kind === 'histogram')) {
    const buckets = families.get(d.name)!.samples.filter((s) => s.name === `${d.name}_bucket`);
    const first = JSON.stringify({ ...buckets[0]!.labels, le: undefined });
    const les = buckets.filter((b) => JSON.stringify({ ...b.labels, le: undefined }) === first).map((b) => b.labels.le);
    expect({ name: d.name, les }).toEqual({ name: d.name, les: [...d.buckets!.map(String), '+Inf'] });
  }
});

test('values land in the right series', () => {
  const f = families;
  expect(valueOf(f, 'oauth_flows_started_total', { provider: 'as.example.com' })).toBe(2);
  expect(valueOf(f, 'oauth_flows_total', { provider: 'as.example.com', status: 'success' })).toBe(1);
  expect(valueOf(f, 'oauth_flows_total', { provider: 'as.example.com', status: 'failure' })).toBe(1);
  expect(valueOf(f, 'oauth_flow_registration_routes_total', { provider: 'as.example.com', route: 'cimd', status: 'success' })).toBe(1);
  expect(valueOf(f, 'oauth_step_up_challenges_total', { provider: 'mcp.example.com' })).toBe(1);
  expect(valueOf(f, 'oauth_flow_duration_seconds_bucket', { provider: 'as.example.com', status: 'success', le: '1' })).toBe(0);
  expect(valueOf(f, 'oauth_flow_duration_seconds_bucket', { provider: 'as.example.com', status: 'success', le: '2' })).toBe(1);
  expect(valueOf(f, 'oauth_flow_duration_seconds_sum', { provider: 'as.example.com', status: 'success' })).toBeCloseTo(1.5);
  expect(valueOf(f, 'oauth_flow_failures_total', { reason: 'provider_error', error: 'access_denied' })).toBe(1);
  expect(valueOf(f, 'oauth_token_refresh_total', { status: 'success', reason: 'normal' })).toBe(1);
  expect(valueOf(f, 'oauth_token_refresh_total', { status: 'failure', reason: 'endpoint_error' })).toBe(1);
  // One reuse event counts once (seed defect 5).
  expect(valueOf(f, 'oauth_token_refresh_total', { status: 'reuse_detected', reason: 'reuse_detected' })).toBe(1);
  expect(valueOf(f, 'oauth_token_refresh_total', { status: 'failure', reason: 'reuse_detected' })).toBeUndefined();
  expect(valueOf(f, 'oauth_token_endpoint_errors_total', { grant_type: 'refresh_token', error: 'invalid_grant' })).toBe(1);
  expect(valueOf(f, 'oauth_token_endpoint_errors_total', { grant_type: 'client_credentials', error: 'invalid_client' })).toBe(1);
  expect(valueOf(f, 'oauth_token_revocations_total', { reason: 'reuse_detected' })).toBe(2); // client + AS family revocation
  expect(valueOf(f, 'oauth_token_revocations_total', { reason: 'manual' })).toBe(2);
  expect(valueOf(f, 'oauth_active_tokens')).toBe(2);
  expect(valueOf(f, 'oauth_tokens_expiring_soon')).toBe(7);
  expect(valueOf(f, 'oauth_pkce_states_created_total')).toBe(2);
  expect(valueOf(f, 'oauth_active_pkce_states')).toBe(1);
  expect(valueOf(f, 'oauth_pkce_validations_total', { status: 'success', reason: 'valid' })).toBe(1);
  expect(valueOf(f, 'oauth_pkce_validations_total', { status: 'failure', reason: 'user_mismatch' })).toBe(1);
  expect(valueOf(f, 'oauth_pkce_states_cleaned_total', { reason: 'expired' })).toBe(3);
  expect(valueOf(f, 'oauth_code_injection_attempts_total')).toBe(2);
  expect(valueOf(f, 'oauth_security_events_total', { event_type: 'code_injection', severity: 'critical' })).toBe(2);
  expect(valueOf(f, 'oauth_security_events_total', { event_type: 'token_reuse', severity: 'critical' })).toBe(2);
  expect(valueOf(f, 'oauth_server_refresh_token_reuse_total', { classification: 'suspected_theft' })).toBe(1);
  expect(valueOf(f, 'oauth_server_grant_revocations_total', { reason: 'refresh_token_reuse' })).toBe(1);
  expect(valueOf(f, 'oauth_server_tokens_issued_total', { grant_type: 'authorization_code' })).toBe(1);
  expect(valueOf(f, 'oauth_security_events_total', { event_type: 'integrity_violation', severity: 'high' })).toBe(1);
  expect(valueOf(f, 'oauth_dpop_failures_total', { side: 'resource_server', check: 'nonce_challenge' })).toBe(1);
  expect(valueOf(f, 'oauth_integrity_violations_total', { violation_type: 'user_mismatch' })).toBe(1);
  expect(valueOf(f, 'oauth_discovery_attempts_total', { method: 'rfc9728', status: 'success' })).toBe(1);
  expect(valueOf(f, 'oauth_discovery_duration_seconds_count', { method: 'rfc8414', status: 'failure' })).toBe(1);
  expect(valueOf(f, 'oauth_client_registrations_total', { status: 'success' })).toBe(1);
  expect(valueOf(f, 'oauth_scheduled_refresh_total', { status: 'failure', reason: 'partial_failure' })).toBe(1);
  expect(valueOf(f, 'oauth_scheduled_refresh_errors_total', { error_type: 'endpoint_error' })).toBe(1);
  expect(valueOf(f, 'oauth_telemetry_dropped_total', { signal: 'metrics', reason: 'coerced_label' })).toBeGreaterThanOrEqual(1);
});

test('the exposition is served as Prometheus text 0.0.4 without scope labels', async () => {
  const r = await scrape(handle.metricsUrl!);
  expect(r.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  expect(text).not.toMatch(/otel_scope_name/);
  expect(text).toMatch(/^target_info\{.*service_name="exposition-test".*\} 1$/m);
});
