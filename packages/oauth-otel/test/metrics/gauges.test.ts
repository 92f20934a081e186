/** Gauges cannot go negative or drift (seed defects 2 and 20), and take the app's source of truth. */
import * as api from '../../src';
import { scrape, valueOf } from '../support/prom';

let h: api.TelemetryHandle;
beforeAll(async () => {
  h = await api.initTelemetry({ metrics: { port: 0, allowUnauthenticated: true }, logs: false, providers: { cap: 3 } });
});
afterAll(() => h.shutdown());

const read = async (name: string, labels: Record<string, string> = {}) => valueOf((await scrape(h.metricsUrl!)).families, name, labels);

test('cleanup of states that were never counted cannot drive the PKCE gauge negative', async () => {
  api.pkceStatesCleaned({ reason: 'expired', count: 50 });
  api.pkceStatesCleaned({ reason: 'server_deleted', flowIds: ['never-created-1', 'never-created-2'] });
  expect(await read('oauth_active_pkce_states')).toBe(0);
  api.pkceStateCreated({ flowId: 'a' });
  api.pkceStateCreated({ flowId: 'b' });
  api.pkceStateCreated({ flowId: 'c', ttlMs: 1 });
  await new Promise((r) => setTimeout(r, 5));
  expect(await read('oauth_active_pkce_states')).toBe(2); // c expired on its own
  api.pkceStateValidated({ reason: 'valid', flowId: 'a' });
  api.pkceStateValidated({ reason: 'valid', flowId: 'a' }); // twice: no double decrement
  api.pkceStatesCleaned({ reason: 'manual', flowIds: ['b'] });
  expect(await read('oauth_active_pkce_states')).toBe(0);
  expect(await read('oauth_pkce_states_cleaned_total', { reason: 'expired' })).toBe(50);
});

test('active tokens pair issue and revoke; expiring-soon counts the true total', async () => {
  for (let i = 0; i < 120; i++) api.tokenIssued({ tokenId: `t${i}`, expiresIn: i < 80 ? 60 : 3600 });
  api.tokensRevoked({ reason: 'manual', count: 1, tokenIds: ['t0', 'does-not-exist'] });
  expect(await read('oauth_active_tokens')).toBe(119);
  expect(await read('oauth_tokens_expiring_soon')).toBe(79); // not capped at a batch size of 50
});

test('a source of truth replaces the tracker; a bad source is skipped (last good value kept), never negative', async () => {
  api.setGaugeSource('activeTokens', async () => 1234);
  expect(await read('oauth_active_tokens')).toBe(1234);
  api.setGaugeSource('activeTokens', () => -5);
  expect(await read('oauth_active_tokens')).toBe(1234);
  api.setGaugeSource('activeTokens', () => {
    throw new Error('db down');
  });
  expect(await read('oauth_active_tokens')).toBe(1234);
  expect(await read('oauth_telemetry_dropped_total', { signal: 'metrics', reason: 'invalid_value' })).toBeGreaterThanOrEqual(2);
  api.setGaugeSource('activeTokens', undefined);
  expect(await read('oauth_active_tokens')).toBe(119);
});

test('provider is normalized to the issuer host and capped, then "other"', async () => {
  api.flowStarted({ provider: 'https://Login.Example.COM/oauth2/v1?x=1' });
  api.flowStarted({ provider: 'GitHub MCP Server' });
  api.flowStarted({ provider: 'third' });
  api.flowStarted({ provider: 'fourth' });
  api.flowStarted({ provider: 'fifth' });
  const { families } = await scrape(h.metricsUrl!);
  expect(valueOf(families, 'oauth_flows_started_total', { provider: 'login.example.com' })).toBe(1);
  expect(valueOf(families, 'oauth_flows_started_total', { provider: 'github-mcp-server' })).toBe(1);
  expect(valueOf(families, 'oauth_flows_started_total', { provider: 'third' })).toBe(1);
  expect(valueOf(families, 'oauth_flows_started_total', { provider: 'other' })).toBe(2);
  expect(valueOf(families, 'oauth_telemetry_dropped_total', { signal: 'metrics', reason: 'provider_cap' })).toBe(2);
});

test('unknown vocabulary values become "other", never a new series', async () => {
  api.tokensRevoked({ reason: 'because I said so' as never });
  api.discoveryCompleted({ method: 'carrier-pigeon' as never, outcome: 'success' });
  const { families } = await scrape(h.metricsUrl!);
  expect(valueOf(families, 'oauth_token_revocations_total', { reason: 'other' })).toBe(1);
  expect(valueOf(families, 'oauth_discovery_attempts_total', { method: 'other', status: 'success' })).toBe(1);
});
