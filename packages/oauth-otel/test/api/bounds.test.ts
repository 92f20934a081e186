/**
 * Bounded memory through the public recording API (issue 15 part B): distinct multi-megabyte
 * tokens and flow ids leave the heap where it was and the oversize inputs are counted.
 */
import * as api from '../../src';
import { runtime } from '../../src/internal/runtime';
import { settledHeap } from '../support/budget';

let handle: api.TelemetryHandle;
beforeAll(async () => {
  handle = await api.initTelemetry({ serviceName: 'bounds', metrics: { port: 0 }, logs: { stdout: false, level: 'debug' } });
});
afterAll(async () => {
  await handle.shutdown();
});

const oversize = () => runtime().drops.get('metrics\u0001oversize') ?? 0;
/** A fresh distinct string of `bytes` characters (built per call, so nothing shares it). */
const big = (i: number, bytes: number) => `${i}-${'T'.repeat(bytes)}`;

test('30 distinct 10 MB tokens to tokenRotated and refreshTokenReuseDetected: heap bounded, counted as oversize', () => {
  const before = settledHeap();
  const d0 = oversize();
  for (let i = 0; i < 30; i++) {
    api.oauth.tokenRotated({ provider: 'p', refreshToken: big(i, 10 << 20), previousRefreshToken: big(i + 1000, 10 << 20) });
    api.oauth.refreshTokenReuseDetected({ provider: 'p', flowId: big(i + 2000, 10 << 20), side: 'client' } as never);
  }
  expect(settledHeap() - before).toBeLessThan(16 << 20);
  expect(oversize() - d0).toBeGreaterThanOrEqual(60);
});

test('150 distinct 1 MB flow ids started and never completed: heap grows by the kept ids, not the inputs', () => {
  const before = settledHeap();
  for (let i = 0; i < 150; i++) api.oauth.flowStarted({ provider: 'p', flowId: big(i, 1 << 20) });
  // 150 kept ids of at most 512 characters are ~150 KB; retaining the inputs would be 150 MB.
  expect(settledHeap() - before).toBeLessThan(16 << 20);
});
