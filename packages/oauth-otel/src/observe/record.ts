import { discoveryCompleted, clientRegistered } from '../api/operations';
import { context } from '@opentelemetry/api';
import { tokenRefreshed, tokenRotated, tokensRevoked } from '../api/tokens';
import { flowCompleted, tokenEndpointError } from '../api/flows';
import { issuerMismatch, refreshTokenReuseDetected } from '../api/security';
import { fingerprint } from '../internal/fingerprint';
import { recordPhase } from '../traces/phase';
import { errorCodes, provider as providerLabel } from '../api/common';
import { SPAN_OAUTH_CODE_EXCHANGE } from '../catalog/spans';
import { ATTR_OAUTH_OUTCOME, ATTR_OAUTH_PROVIDER } from '../catalog/attributes';
import { noticeOnce } from '../internal/diag';
import { parseTokenRequest, type TokenRequestFields } from './form';
import { parseJsonObject, str, strList } from './json';
import { issuerKey, type RouteTable } from './routes';
import type { Detectors } from './detectors';
import type { Exchange } from './exchange';
import type { SpoofingChecks } from './spoofing';

/**
 * A finished OAuth exchange becomes the recording calls the manual API documents for the same
 * step, with the same labels. Bodies are parsed here once, the fields needed are read, and the
 * kept bytes are wiped: credentials leave as keyed fingerprints or not at all.
 */
export class Recorder {
  constructor(
    private readonly routes: RouteTable,
    private readonly detectors: Detectors,
    private readonly spoofing: SpoofingChecks,
  ) {}

  /** `network`: the request got no HTTP answer. */
  finish(ex: Exchange, network: boolean): void {
    try {
      context.with(ex.ctx, () => this.record(ex, network));
    } finally {
      ex.request?.wipe();
      ex.response?.wipe();
    }
  }

  private record(ex: Exchange, network: boolean): void {
    // A redirect is followed by another request (recorded if it is OAuth); a 404 on a
    // well-known URL is a probe for another variant (clients try several), not a failure yet.
    if (!network && ((ex.status >= 300 && ex.status < 400) || (ex.status === 404 && (ex.route.kind === 'resource_metadata' || ex.route.kind === 'as_metadata')))) return;
    switch (ex.route.kind) {
      case 'resource_metadata':
        return this.resourceMetadata(ex, network);
      case 'as_metadata':
        return this.asMetadata(ex, network);
      case 'registration':
        return this.registration(ex, network);
      case 'revocation':
        return this.revocation(ex, network);
      case 'token':
        return this.token(ex, network);
    }
  }

  private resourceMetadata(ex: Exchange, network: boolean): void {
    let ok = !network && ok2xx(ex.status);
    if (ok && ex.bodies) {
      const doc = parseJsonObject(ex.response?.take(ex.contentEncoding));
      const resource = str(doc, 'resource');
      ok = resource !== undefined;
      const servers = ok ? strList(doc, 'authorization_servers') : undefined;
      if (ok) this.spoofing.metadata(ex.origin, ex.path, resource, servers);
      // Which AS a step-up challenge of this resource sends the client back to.
      const as = servers?.[0];
      if (as !== undefined && as.length <= 2048) this.detectors.resourceMetadata(ex.origin, issuerKey(as));
    }
    discoveryCompleted({ method: 'rfc9728', outcome: ok ? 'success' : 'failure', durationMs: ex.elapsedMs(), provider: ex.origin });
  }

  private asMetadata(ex: Exchange, network: boolean): void {
    const expected = ex.route.issuer;
    const durationMs = ex.elapsedMs();
    if (network || !ok2xx(ex.status)) {
      discoveryCompleted({ method: 'rfc8414', outcome: 'failure', durationMs, provider: expected });
      return;
    }
    if (!ex.bodies) {
      discoveryCompleted({ method: 'rfc8414', outcome: 'success', durationMs, provider: expected });
      return;
    }
    const doc = parseJsonObject(ex.response?.take(ex.contentEncoding));
    const issuer = str(doc, 'issuer');
    if (doc === undefined || issuer === undefined) {
      discoveryCompleted({ method: 'rfc8414', outcome: 'failure', durationMs, provider: expected });
      return;
    }
    if (issuerKey(issuer) !== expected) {
      // RFC 8414 §3.3: the client must reject it; nothing is learned from a lying document.
      discoveryCompleted({ method: 'rfc8414', outcome: 'failure', durationMs, provider: expected });
      issuerMismatch({ stage: 'metadata', provider: expected, reason: 'metadata_issuer' });
      return;
    }
    discoveryCompleted({ method: 'rfc8414', outcome: 'success', durationMs, provider: expected });
    const token = str(doc, 'token_endpoint');
    if (token !== undefined && originOf(token) !== originOf(expected)) {
      issuerMismatch({ stage: 'token_endpoint', provider: issuer, reason: 'token_endpoint_origin' });
    }
    const registration = str(doc, 'registration_endpoint');
    const authorization = str(doc, 'authorization_endpoint');
    if (authorization !== undefined) this.routes.learnAuthorization(expected, authorization);
    this.routes.learn(expected, {
      ...(token !== undefined ? { token } : {}),
      ...(registration !== undefined ? { registration } : {}),
      ...(str(doc, 'revocation_endpoint') !== undefined ? { revocation: str(doc, 'revocation_endpoint') } : {}),
    });
    this.detectors.metadata(expected, {
      s256: strList(doc, 'code_challenge_methods_supported')?.includes('S256') === true,
      issParameter: doc.authorization_response_iss_parameter_supported === true,
      registration: registration !== undefined || doc.client_id_metadata_document_supported === true,
    });
  }

  private registration(ex: Exchange, network: boolean): void {
    const ok = !network && ok2xx(ex.status);
    // Only client_id (success) or error (failure) is read; the client secret in a success is not.
    const body = network ? undefined : parseJsonObject(ex.response?.take(ex.contentEncoding));
    const error = ok ? undefined : str(body, 'error', 64);
    if (ok) this.detectors.registered(ex.route.issuer, str(body, 'client_id', 1024));
    clientRegistered({ outcome: ok ? 'success' : 'failure', durationMs: ex.elapsedMs(), provider: ex.route.issuer, ...(error !== undefined ? { error } : {}) });
  }

  private revocation(ex: Exchange, network: boolean): void {
    // RFC 7009 §2.2: 200 also for tokens that were already invalid, so only successes are counted.
    if (!network && ok2xx(ex.status)) tokensRevoked({ reason: 'manual', count: 1, provider: ex.route.issuer });
  }

  private token(ex: Exchange, network: boolean): void {
    const provider = ex.route.issuer;
    if (!ex.bodies) {
      noticeOnce('observe:http-token', 'token requests made with the http/https modules are not observed (their bodies are not visible); use fetch/undici');
      return;
    }
    const req = ex.request?.take(undefined);
    const fields: TokenRequestFields = req !== undefined ? parseTokenRequest(req.toString('utf8')) : {};
    const grantType = fields.grant_type ?? 'other';
    const clientId = ex.clientId ?? fields.client_id;
    this.detectors.clientUsed(provider, clientId);
    const durationMs = ex.elapsedMs();
    const ok = !network && ok2xx(ex.status);
    // Success bodies carry tokens: only the refresh token's fingerprint and the scope are read.
    const body = network ? undefined : parseJsonObject(ex.response?.take(ex.contentEncoding));
    const error = ok ? undefined : str(body, 'error', 64);
    if (grantType === 'refresh_token') return this.refresh(provider, fields, body, ok, network, error, ex.status, durationMs);
    if (grantType === 'authorization_code') {
      // Made inside continueOAuthFlow(): this exchange ends that flow (its duration and trace).
      const flow = ex.flow !== undefined ? { flowId: ex.flow.id } : {};
      const errorType = ok ? undefined : error !== undefined ? errorCodes.normalizeQuiet(error) : network ? 'network_error' : 'http_error';
      recordPhase(SPAN_OAUTH_CODE_EXCHANGE, { [ATTR_OAUTH_PROVIDER]: providerLabel(provider), [ATTR_OAUTH_OUTCOME]: ok ? 'success' : 'failure' }, durationMs, errorType, ex.flow?.ctx);
      // RFC 8707 / MCP: the exchange must name the resource its authorization request named.
      const authorized = this.detectors.codeExchanged(provider, fields.code_verifier, fields.resource);
      const registrationRoute = this.detectors.routeOf(clientId);
      const route = registrationRoute !== undefined ? { registrationRoute } : {};
      if (ok) {
        flowCompleted({ outcome: 'success', provider, ...flow, ...route });
        this.detectors.granted(provider, fp(str(body, 'refresh_token', 16_384)), fields.resource ?? authorized, str(body, 'scope'));
      } else {
        flowCompleted({ outcome: 'failure', reason: 'token_exchange_failed', provider, ...flow, ...route, ...(error !== undefined ? { error } : {}) });
        if (error === 'invalid_grant') this.detectors.invalidGrant(provider);
      }
      return;
    }
    if (!ok) tokenEndpointError({ provider, grantType, ...(error !== undefined ? { error } : {}), ...(network ? {} : { httpStatus: ex.status }) });
  }

  private refresh(
    provider: string,
    fields: TokenRequestFields,
    body: Record<string, unknown> | undefined,
    ok: boolean,
    network: boolean,
    error: string | undefined,
    status: number,
    durationMs: number,
  ): void {
    const oldFp = fp(fields.refresh_token);
    const tokenFingerprint = oldFp !== undefined ? { tokenFingerprint: oldFp } : {};
    if (ok) {
      tokenRefreshed({ outcome: 'success', reason: 'normal', durationMs, provider, ...tokenFingerprint });
      const newFp = fp(str(body, 'refresh_token', 16_384));
      if (newFp !== undefined && oldFp !== undefined && newFp !== oldFp) tokenRotated({ provider, tokenFingerprint: newFp, previousTokenFingerprint: oldFp });
      this.detectors.refreshed(provider, oldFp, newFp, fields.resource, str(body, 'scope'));
      return;
    }
    if (error === 'invalid_grant') {
      this.detectors.invalidGrant(provider);
      const rotatedAt = oldFp !== undefined ? this.detectors.rotated.get(oldFp) : undefined;
      if (rotatedAt !== undefined) {
        // The AS saw a token this process had already rotated: reuse, counted once.
        refreshTokenReuseDetected({ provider, ...tokenFingerprint, classification: 'suspected_theft', sinceFirstUseMs: Date.now() - rotatedAt, side: 'client' });
        tokenEndpointError({ provider, grantType: 'refresh_token', error, httpStatus: status });
        return;
      }
    }
    tokenRefreshed({
      outcome: 'failure',
      reason: network ? 'network_error' : 'endpoint_error',
      durationMs,
      provider,
      ...tokenFingerprint,
      ...(error !== undefined ? { error } : {}),
    });
  }
}

function ok2xx(status: number): boolean {
  return status >= 200 && status < 300;
}

function fp(secret: string | undefined): string | undefined {
  return secret === undefined || secret === '' ? undefined : fingerprint(secret);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
