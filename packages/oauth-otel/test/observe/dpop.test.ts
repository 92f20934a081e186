/**
 * The client side of DPoP nonces (RFC 9449 §8) with zero recording calls: the traffic observer
 * sees the token endpoint's `use_dpop_nonce` answers of a real oauth4webapi client (the DPoP demo
 * client of scripts/attacks/dpop.mjs) against the real example AS requiring nonces, and counts
 * them in oauth_token_endpoint_errors_total{error="use_dpop_nonce"} (the client-side series of
 * the nonce churn runbook entry), and a refused proof as error="invalid_dpop_proof".
 */
import * as api from '../../src';
import { parseExposition } from '../support/prom';
import { authServer, type AuthServer } from '../../../../examples/auth-server/test/native';
import { nativeRequire } from './native';

type Captured = { tokenType: string; refreshToken: string };
const demo = nativeRequire('../../../../scripts/attacks/dpop.mjs') as {
  honestDpopClient(o: { issuer: string; resourceUrl: string }): Promise<Captured>;
  ignoringNonces(c: Captured, o: { resourceUrl: string; times: number }): Promise<{ status: number; error?: string }[]>;
  misdirectedProof(c: Captured, o: { resourceUrl: string }): Promise<{ status: number; error?: string }>;
};

let handle: api.TelemetryHandle;
let as: AuthServer;

beforeAll(async () => {
  handle = await api.initTelemetry({ serviceName: 'dpop-observer-test', metrics: { port: 0, allowUnauthenticated: true }, logs: false, observe: true });
  as = await authServer.createAuthServer({ dpopNonces: true });
});

afterAll(async () => {
  await as?.close();
  await handle?.shutdown();
});

async function nonceErrors(error = 'use_dpop_nonce'): Promise<Record<string, number>> {
  const text = await (await fetch(handle.metricsUrl!)).text();
  const out: Record<string, number> = {};
  for (const s of parseExposition(text).get('oauth_token_endpoint_errors_total')?.samples ?? []) {
    if (s.labels.error === error) out[s.labels.grant_type!] = s.value;
  }
  return out;
}

test('use_dpop_nonce and invalid_dpop_proof answers are counted per grant type from the traffic, with no call site', async () => {
  expect(await nonceErrors()).toEqual({});
  const captured = await demo.honestDpopClient({ issuer: as.issuer, resourceUrl: as.resourceUrl });
  expect(captured.tokenType).toBe('dpop');
  // the first code exchange is challenged once, the retry with the nonce succeeds
  expect(await nonceErrors()).toEqual({ authorization_code: 1 });
  const answers = await demo.ignoringNonces(captured, { resourceUrl: as.resourceUrl, times: 3 });
  expect(answers.map((a) => a.error)).toEqual(['use_dpop_nonce', 'use_dpop_nonce', 'use_dpop_nonce']);
  expect(await nonceErrors()).toEqual({ authorization_code: 1, refresh_token: 3 });
  // a refused proof (for another URL) is counted by its own code
  expect(await demo.misdirectedProof(captured, { resourceUrl: as.resourceUrl })).toEqual({ status: 400, error: 'invalid_dpop_proof' });
  expect(await nonceErrors('invalid_dpop_proof')).toEqual({ refresh_token: 1 });
});
