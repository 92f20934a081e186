/**
 * The zero-code proof harness: the same client steps run twice against the real example AS,
 * once observed (no recording call at all) and once with the manual API calls the Next.js
 * example makes for those steps. Both runs must change the same OAuth series by the same counts,
 * and no secret the test saw may reach the exposition or an OTLP log record.
 */
import * as api from '../../src';
import type { RegistrationRoute } from '../../src/catalog/vocabularies';
import { startObserver, stopObserver, resolveObserve } from '../../src/observe';
import { forms } from '../support/leak-arbitraries';
import { OtlpLogsEndpoint } from '../support/otlp-endpoint';
import { StdoutCapture } from '../logs/capture';
import { parseExposition, type Family } from '../support/prom';
import { authServer, type AuthServer } from '../../../../examples/auth-server/test/native';

/** How a step is recorded: observed (the step runs bare) or manual (wrapped in the API calls). */
export interface Recording {
  readonly manual: boolean;
  discovery<T>(method: 'www-authenticate' | 'rfc9728' | 'rfc8414', provider: string, step: () => Promise<T>): Promise<T>;
  registration<T>(provider: string, step: () => Promise<T>): Promise<T>;
  /** `route`: how the client got its client_id; default dcr after registration() in this run, else pre_registered. */
  codeExchange<T>(provider: string, step: () => Promise<T>, route?: RegistrationRoute): Promise<T>;
  refresh<T>(provider: string, presented: string, step: () => Promise<T>): Promise<T>;
  /** A refresh expected to fail with invalid_grant because `presented` was already rotated. */
  reuse(provider: string, presented: string, step: () => Promise<unknown>): Promise<void>;
  revocation(provider: string, step: () => Promise<void>): Promise<void>;
}

const bare: Recording = {
  manual: false,
  discovery: (_m, _p, step) => step(),
  registration: (_p, step) => step(),
  codeExchange: (_p, step) => step(),
  refresh: (_p, _t, step) => step(),
  async reuse(_p, _t, step) {
    expect(invalidGrant(await step().then(() => undefined, (e: unknown) => e))).toBe(true);
  },
  revocation: (_p, step) => step(),
};

/** The manual calls of examples/next-app/lib/oauth.ts for the same steps (one per run: it keeps whether DCR ran). */
const manualRecording = (): Recording => {
  let registered = false;
  return {
    manual: true,
    discovery: (method, provider, step) => api.trackDiscovery(method, step, { provider }),
    registration: (provider, step) => {
      registered = true;
      return api.trackClientRegistration(step, { provider });
    },
    async codeExchange(provider, step, route) {
      const r = await step();
      api.flowCompleted({ outcome: 'success', provider, registrationRoute: route ?? (registered ? 'dcr' : 'pre_registered') });
      return r;
    },
    async refresh(provider, presented, step) {
      const t0 = performance.now();
      const r = await step();
      api.tokenRefreshed({ outcome: 'success', reason: 'normal', durationMs: performance.now() - t0, provider, refreshToken: presented });
      return r;
    },
    async reuse(provider, presented, step) {
      expect(invalidGrant(await step().then(() => undefined, (e: unknown) => e))).toBe(true);
      api.refreshTokenReuseDetected({ provider, token: presented, classification: 'suspected_theft', sinceFirstUseMs: 1, side: 'client' });
      api.tokenEndpointError({ provider, grantType: 'refresh_token', error: 'invalid_grant', httpStatus: 400 });
    },
    async revocation(provider, step) {
      await step();
      api.tokensRevoked({ reason: 'manual', count: 1, provider });
    },
  };
};

/** oauth4webapi / openid-client errors carry `error`; the MCP SDK throws an InvalidGrantError. */
function invalidGrant(err: unknown): boolean {
  const e = err as { error?: unknown; name?: unknown } | undefined;
  return e?.error === 'invalid_grant' || e?.name === 'InvalidGrantError';
}

export type Scenario = (as: AuthServer, rec: Recording, keep: (s: unknown) => void) => Promise<void>;

export interface ParityResult {
  observed: Map<string, number>;
  manual: Map<string, number>;
  secrets: Set<string>;
  exposition: string;
  /** OTLP log records and the stdout JSON lines, as text. */
  logs: string;
  stdoutLines: number;
}

/** Runs `scenario` observed then manual, returns the two deltas of the OAuth series. */
export async function runParity(scenario: Scenario, asOptions: Record<string, unknown> = {}): Promise<ParityResult> {
  const ep = await new OtlpLogsEndpoint().start();
  const stdout = new StdoutCapture().start();
  const handle = await api.initTelemetry({
    serviceName: 'observe-parity',
    metrics: { port: 0, allowUnauthenticated: true },
    logs: { level: 'debug', stdout: true, otlp: { endpoint: ep.url, scheduledDelayMillis: 20 } },
    observe: true,
  });
  const as = await authServer.createAuthServer(asOptions);
  const secrets = new Set<string>();
  const keep = (s: unknown): void => {
    if (typeof s === 'string' && s.length >= 8) secrets.add(s);
  };
  try {
    keep(as.clients.benchmark.client_secret);
    const s0 = await scrape(handle.metricsUrl!);
    await scenario(as, bare, keep);
    const s1 = await scrape(handle.metricsUrl!);
    stopObserver();
    await scenario(as, manualRecording(), keep);
    const s2 = await scrape(handle.metricsUrl!);
    await handle.forceFlush();
    const exposition = (await (await fetch(handle.metricsUrl!)).text());
    return { observed: delta(s0, s1), manual: delta(s1, s2), secrets, exposition, logs: JSON.stringify(ep.received) + '\n' + stdout.raw.join('\n'), stdoutLines: stdout.raw.length };
  } finally {
    stdout.stop();
    stopObserver();
    await as.close();
    await handle.shutdown();
    await ep.stop();
  }
}

/** Every planted form of every secret seen, searched in the exposition, the OTLP records and stdout. */
export function leaks(r: ParityResult): string[] {
  const found: string[] = [];
  for (const s of r.secrets) for (const f of forms(s)) if (r.exposition.includes(f) || r.logs.includes(f)) found.push(f);
  return found;
}

/** OAuth series (name + labels) → value; histogram buckets and sums are left out (timing). */
async function scrape(url: string): Promise<Map<string, number>> {
  const families: Map<string, Family> = parseExposition(await (await fetch(url)).text());
  const out = new Map<string, number>();
  for (const f of families.values()) {
    for (const s of f.samples) {
      if (!s.name.startsWith('oauth_') || s.name.endsWith('_bucket') || s.name.endsWith('_sum')) continue;
      if (s.name === 'oauth_telemetry_dropped_total') continue;
      const labels = Object.entries(s.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`).join(',');
      out.set(`${s.name}{${labels}}`, s.value);
    }
  }
  return out;
}

function delta(before: Map<string, number>, after: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d !== 0) out.set(k, d);
  }
  return out;
}

export const sorted = (m: Map<string, number>): Array<[string, number]> => [...m].sort(([a], [b]) => a.localeCompare(b));
export { resolveObserve, startObserver };
