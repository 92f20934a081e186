/**
 * Type-level tests (oauth4webapi's test-d style): this file is only type-checked, never run. The
 * root `tsc -p tsconfig.json --noEmit` checks it (npm test and test/types/typecheck.test.ts run
 * that), and every `@ts-expect-error` line must fail to compile, else tsc reports it as unused.
 */
import type { OAuthMetrics } from '../../src/metrics/recorder';
import type { LabelValues, ProviderLabel } from '../../src/catalog/metrics';
import { EVENTS, type EventKey } from '../../src/catalog/events';
import type { EventAttributes } from '../../src/api/events';
import * as api from '../../src';

declare const m: OAuthMetrics;
declare const p: ProviderLabel;

// ---- typed label tuples: arity, order and domain -------------------------------------------
m.attrs('flows', p, 'success');
m.attrs('tokenRefresh', 'reuse_detected', 'reuse_detected');
m.attrs('pkceStatesCreated');
m.attrs('flowFailures', p, 'missing_code', 'invalid_grant');
// @ts-expect-error wrong arity: flows has two labels
m.attrs('flows', p);
// @ts-expect-error wrong arity: one value too many
m.attrs('pkceStatesCreated', 'x');
// @ts-expect-error wrong order: status before provider
m.attrs('flows', 'success', p);
// @ts-expect-error a raw string is not a provider label (only the normalizer makes one)
m.attrs('flows', 'https://as.example.com', 'success');
// @ts-expect-error unknown literal outside the closed vocabulary
m.attrs('flows', p, 'initiated');
// @ts-expect-error unknown refresh reason
m.attrs('tokenRefresh', 'success', 'because');
// @ts-expect-error unknown OAuth error code
m.attrs('flowFailures', p, 'missing_code', 'totally_custom_error');
// @ts-expect-error unknown metric key
m.attrs('flowz', p, 'success');

const tuple: LabelValues<'securityEvents'> = ['token_reuse', 'critical'];
void tuple;
// @ts-expect-error a security event type is a closed vocabulary
const badType: LabelValues<'securityEvents'> = ['made_up', 'critical'];
void badType;

// ---- attributes belong to their metric, and instruments to their kind ------------------------
m.add('flows', 1, m.attrs('flows', p, 'success'));
m.record('flowDuration', 1, m.attrs('flowDuration', p, 'success'));
// @ts-expect-error attributes of another metric
m.add('flows', 1, m.attrs('flowsStarted', p));
// @ts-expect-error a histogram is not a counter
m.add('flowDuration', 1, m.attrs('flowDuration', p, 'success'));
// @ts-expect-error a counter is not a histogram
m.record('flows', 1, m.attrs('flows', p, 'success'));

// ---- events and attribute keys are closed ---------------------------------------------------
const key: EventKey = 'refreshTokenReuseDetected';
void EVENTS[key].eventName;
EVENTS.refreshTokenReuseDetected.security.rule satisfies 'authn_token_reuse' | 'authn_fail' | 'authz_fail' | 'sequence_fail' | 'session_use_after_expire' | 'input_validation_fail' | 'excess_rate_limit_exceeded';
// @ts-expect-error unknown event key
void EVENTS.refreshTokenReused;
const attrs: EventAttributes = { 'oauth.provider': 'x', 'security_rule.name': 'authn_token_reuse' };
void attrs;
// @ts-expect-error an attribute key outside the catalog
const badAttrs: EventAttributes = { 'oauth.provder': 'x' };
void badAttrs;

// ---- the public API takes closed vocabularies ------------------------------------------------
api.pkceStateValidated({ reason: 'replayed' });
// @ts-expect-error unknown PKCE validation reason
api.pkceStateValidated({ reason: 'looked_odd' });
api.tokensRevoked({ reason: 'manual' });
// @ts-expect-error unknown revocation reason
api.tokensRevoked({ reason: 'because' });
api.discoveryCompleted({ method: 'rfc9728', outcome: 'success' });
// @ts-expect-error unknown discovery method
api.discoveryCompleted({ method: 'dns', outcome: 'success' });
// @ts-expect-error unknown outcome
api.flowCompleted({ outcome: 'partial' });
api.serverGrantRevoked({ reason: 'refresh_token_reuse' });
// @ts-expect-error unknown grant revocation reason
api.serverGrantRevoked({ reason: 'cleanup' });
