/**
 * Security events: one call writes the log record (at WARN or above, P0 at FATAL) and the
 * metrics, so `LOG_LEVEL=warn` never hides one and logs and metrics cannot disagree.
 */
import * as api from '../../src';
import { EVENT_NAME_BY_FLAT, SECURITY_EVENTS } from '../../src/catalog';
import { OtlpLogsEndpoint, type ReceivedLog } from '../support/otlp-endpoint';
import { scrape, valueOf } from '../support/prom';
import { StdoutCapture } from './capture';

const CASES: { call: () => void; event: string; type: string; severity: string; priority: string; level: string; sev: number; counter?: [string, Record<string, string>] }[] = [
  { call: () => api.refreshTokenReuseDetected({ provider: 'as.example', token: 'rt-1', familyRevoked: true }), event: 'oauth_refresh_token_reuse_detected', type: 'token_reuse', severity: 'critical', priority: 'P0', level: 'fatal', sev: 21, counter: ['oauth_token_refresh_total', { status: 'reuse_detected' }] },
  { call: () => api.codeInjectionAttempt({ provider: 'as.example' }), event: 'oauth_code_injection_attempt', type: 'code_injection', severity: 'critical', priority: 'P0', level: 'fatal', sev: 21, counter: ['oauth_code_injection_attempts_total', {}] },
  { call: () => api.integrityViolation({ violationType: 'hash_mismatch' }), event: 'oauth_integrity_violation', type: 'integrity_violation', severity: 'high', priority: 'P1', level: 'error', sev: 17, counter: ['oauth_integrity_violations_total', { violation_type: 'hash_mismatch' }] },
  { call: () => api.ownershipViolation({ provider: 'as.example' }), event: 'oauth_ownership_violation', type: 'ownership_violation', severity: 'high', priority: 'P1', level: 'error', sev: 17 },
  { call: () => api.pkceReplayDetected({ flowId: 'state-1' }), event: 'pkce_replay_detected', type: 'pkce_replay', severity: 'high', priority: 'P1', level: 'error', sev: 17, counter: ['oauth_integrity_violations_total', { violation_type: 'state_reuse' }] },
  { call: () => api.pkceStateValidated({ reason: 'user_mismatch', flowId: 'state-2' }), event: 'pkce_state_user_mismatch', type: 'code_injection', severity: 'critical', priority: 'P0', level: 'fatal', sev: 21, counter: ['oauth_pkce_validations_total', { status: 'failure', reason: 'user_mismatch' }] },
  { call: () => api.pkceStateValidated({ reason: 'invalid_hash', flowId: 'state-3' }), event: 'pkce_state_integrity_violation', type: 'integrity_violation', severity: 'high', priority: 'P1', level: 'error', sev: 17, counter: ['oauth_pkce_validations_total', { status: 'failure', reason: 'invalid_hash' }] },
  { call: () => api.pkceStateValidated({ reason: 'expired', flowId: 'state-4' }), event: 'pkce_state_expired', type: 'state_expired', severity: 'low', priority: 'P3', level: 'warn', sev: 13 },
  { call: () => api.issuerMismatch({ stage: 'authorization_response' }), event: 'oauth_issuer_mismatch', type: 'issuer_mismatch', severity: 'high', priority: 'P1', level: 'error', sev: 17 },
  { call: () => api.pkceDowngradeDetected({ provider: 'as.example' }), event: 'oauth_pkce_downgrade_detected', type: 'pkce_downgrade', severity: 'high', priority: 'P1', level: 'error', sev: 17 },
  { call: () => api.authorizationCodeReplayDetected({}), event: 'oauth_authorization_code_replay_detected', type: 'code_replay', severity: 'high', priority: 'P1', level: 'error', sev: 17 },
  { call: () => api.redirectUriMismatch({}), event: 'oauth_redirect_uri_mismatch', type: 'redirect_uri_mismatch', severity: 'medium', priority: 'P2', level: 'warn', sev: 13 },
  { call: () => api.clientMismatch({}), event: 'oauth_client_mismatch', type: 'client_mismatch', severity: 'medium', priority: 'P2', level: 'warn', sev: 13 },
  { call: () => api.pkceVerificationFailed({}), event: 'oauth_pkce_verification_failed', type: 'pkce_verification_failed', severity: 'medium', priority: 'P2', level: 'warn', sev: 13 },
  { call: () => api.connectionContextMismatch({ mismatch: 'user' }), event: 'oauth_connection_context_mismatch', type: 'connection_context_mismatch', severity: 'critical', priority: 'P0', level: 'fatal', sev: 21 },
  { call: () => void api.checkAuthorizationResponse({ response: 'code=c&state=s', expectedIssuer: 'https://as.example' }), event: 'oauth_issuer_missing', type: 'issuer_missing', severity: 'high', priority: 'P1', level: 'error', sev: 17 },
];

let ep: OtlpLogsEndpoint;
let handle: api.TelemetryHandle;
const out = new StdoutCapture();

beforeAll(async () => {
  process.env.LOG_LEVEL = 'warn';
  ep = await new OtlpLogsEndpoint().start();
  out.start();
  handle = await api.initTelemetry({ serviceName: 'security-test', metrics: { port: 0, allowUnauthenticated: true }, logs: { otlp: { endpoint: ep.url, scheduledDelayMillis: 20 } } });
});
afterAll(async () => {
  out.stop();
  delete process.env.LOG_LEVEL;
  await handle.shutdown();
  await ep.stop();
});

test.each(CASES)('$event: logged at $level ($priority) on stdout and OTLP, and counted once', async (c) => {
  const before = await scrape(handle.metricsUrl!);
  const secBefore = valueOf(before.families, 'oauth_security_events_total', { event_type: c.type, severity: c.severity }) ?? 0;
  const specBefore = c.counter ? (valueOf(before.families, c.counter[0], c.counter[1]) ?? 0) : 0;
  const linesBefore = out.lines.filter((l) => l.event === c.event).length;
  const otlpBefore = ep.received.filter((r) => r.attributes.event === c.event).length;

  c.call();
  await handle.forceFlush();
  const got: ReceivedLog[] = await ep.waitFor(otlpBefore + 1, (r) => r.attributes.event === c.event);
  const rec = got[got.length - 1]!;
  expect(rec.severityNumber).toBe(c.sev);
  expect(rec.severityText).toBe(c.level);
  expect(rec.attributes).toMatchObject({ event: c.event, 'oauth.security_severity': c.severity, priority: c.priority, 'oauth.security_event_type': c.type });
  const def = SECURITY_EVENTS.find((d) => d.name === c.event)!;
  expect(rec.eventName).toBe(EVENT_NAME_BY_FLAT[c.event]);
  expect(rec.attributes).toMatchObject({ 'security_rule.name': def.security.rule, 'security_rule.ruleset.name': 'OWASP Logging Vocabulary', 'security_rule.reference': def.security.reference });

  const lines = out.lines.filter((l) => l.event === c.event);
  expect(lines).toHaveLength(linesBefore + 1);
  expect(lines[lines.length - 1]).toMatchObject({ level: c.level, severity_number: c.sev, 'oauth.security_severity': c.severity, priority: c.priority, service_name: 'security-test' });

  const after = await scrape(handle.metricsUrl!);
  expect(valueOf(after.families, 'oauth_security_events_total', { event_type: c.type, severity: c.severity })).toBe(secBefore + 1);
  if (c.counter) expect(valueOf(after.families, c.counter[0], c.counter[1])).toBe(specBefore + 1);
});

test('LOG_LEVEL=warn hides ordinary info events but no security event', async () => {
  api.flowStarted({ provider: 'as.example' });
  await handle.forceFlush();
  expect(out.lines.some((l) => l.event === 'oauth_flow_initiated')).toBe(false);
  for (const c of CASES) expect(out.lines.some((l) => l.event === c.event)).toBe(true);
});

test('raw flow ids and tokens never appear; fingerprints do', () => {
  const all = out.raw.join('\n') + JSON.stringify(ep.received);
  for (const secret of ['state-1', 'state-2', 'state-3', 'state-4', 'rt-1']) expect(all).not.toContain(`"${secret}"`);
  expect(out.lines.find((l) => l.event === 'pkce_replay_detected')!['oauth.flow_id']).toMatch(/^[0-9a-f]{12}$/);
});
