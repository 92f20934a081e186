/**
 * Cardinality under hostile input, in a real process (fixtures/cardinality.mjs, --expose-gc):
 * 1,000,000 iterations of random provider, client and error values through the recording API,
 * then a scrape of the process's /metrics.
 *  - providers.cap binds (cap 50, default cardinality limit): at most cap + `other` + `unknown`
 *    provider label values, every provider past the cap counted in
 *    oauth_telemetry_dropped_total{signal="metrics",reason="provider_cap"};
 *  - metrics.cardinalityLimit binds (cap 1000, limit 100): no OAuth instrument exposes more than
 *    `limit` series; the SDK folds the rest into its `otel_metric_overflow="true"` series, so the
 *    overflow is counted and nothing is lost (the flows counter sums to exactly 1,000,000);
 *  - random error codes never become label values (closed vocabulary: `other`), client ids never
 *    become labels at all;
 *  - memory stays flat: live heap (after a full GC) at the end ≤ live heap after the first 100k
 *    iterations + 4 MB (a leak of 5 bytes per iteration would exceed it).
 */
import { join } from 'node:path';
import { freePort, spawnServer, type ServerProcess } from '../support/process';
import { NODE, requireBuild, scrapeFamilies } from './support';
import type { Family } from '../../../packages/oauth-otel/test/support/prom';

jest.setTimeout(180_000);

const N = 1_000_000;
const MB = 2 ** 20;
let proc: ServerProcess | undefined;
beforeAll(() => requireBuild());
afterEach(async () => {
  await proc?.stop(3_000);
  proc = undefined;
});

interface Done {
  iterations: number;
  seconds: number;
  heapStart: number;
  heapAt100k: number;
  heapEnd: number;
  drops: Record<string, number>;
}

async function run(providerCap: number, cardinalityLimit: number): Promise<{ done: Done; families: Map<string, Family> }> {
  const port = await freePort();
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  // /metrics answers once the loop is over (it blocks the event loop while it runs)
  proc = await spawnServer({
    name: 'cardinality',
    command: NODE,
    args: ['--expose-gc', join(__dirname, 'fixtures', 'cardinality.mjs')],
    cwd: join(__dirname, 'fixtures'),
    env: { NODE_OPTIONS: '', METRICS_PORT: String(port), ITERATIONS: String(N), PROVIDER_CAP: String(providerCap), CARDINALITY_LIMIT: String(cardinalityLimit) },
    readyUrl: metricsUrl,
    readyTimeoutMs: 170_000,
  });
  const line = proc
    .output()
    .split('\n')
    .find((l) => l.startsWith('{"done"'));
  if (!line) throw new Error(`no result line:\n${proc.output()}`);
  const done = (JSON.parse(line) as { done: Done }).done;
  return { done, families: await scrapeFamilies(metricsUrl) };
}

/** Series of a family: distinct label sets, histogram buckets folded into their series. */
function series(f: Family): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const s of f.samples) {
    const { le: _le, ...labels } = s.labels;
    out.set(JSON.stringify(Object.entries(labels).sort()), labels);
  }
  return out;
}

const oauthFamilies = (families: Map<string, Family>) => [...families.values()].filter((f) => f.name.startsWith('oauth_') && f.samples.length > 0);

function summary(name: string, done: Done, families: Map<string, Family>): void {
  const counts = Object.fromEntries(oauthFamilies(families).map((f) => [f.name, series(f).size]));
  console.log(`${name}: ${done.iterations} iterations in ${done.seconds.toFixed(1)} s; live heap start ${(done.heapStart / MB).toFixed(1)} MB, after 100k ${(done.heapAt100k / MB).toFixed(1)} MB, after 1M ${(done.heapEnd / MB).toFixed(1)} MB; drops ${JSON.stringify(done.drops)}; series ${JSON.stringify(counts)}`);
}

test('providers.cap: 1,000,000 random providers, clients and errors make at most cap + 2 provider values, overflow counted, heap flat', async () => {
  const CAP = 50;
  const { done, families } = await run(CAP, 2000);
  summary('providers.cap 50', done, families);

  const providers = new Set<string>();
  const errors = new Set<string>();
  for (const f of oauthFamilies(families)) {
    for (const labels of series(f).values()) {
      if (labels.provider !== undefined) providers.add(labels.provider);
      if (labels.error !== undefined) errors.add(labels.error);
      expect(Object.keys(labels)).not.toContain('client_id');
    }
  }
  expect(providers.size).toBeLessThanOrEqual(CAP + 2);
  expect(providers.has('other')).toBe(true);
  expect([...errors]).toEqual(['other']);
  for (const f of oauthFamilies(families)) expect(series(f).size).toBeLessThanOrEqual((CAP + 2) * 2);
  // 2 provider-bearing calls per iteration; past the cap each one is counted (a few hundred repeats
  // are served from the normalizer's small memo and counted once)
  const dropped = (families.get('oauth_telemetry_dropped_total')?.samples ?? []).find((s) => s.labels.signal === 'metrics' && s.labels.reason === 'provider_cap')?.value ?? 0;
  expect(dropped).toBeLessThanOrEqual(2 * (N - CAP));
  expect(dropped).toBeGreaterThanOrEqual(2 * (N - CAP) - 4 * CAP);
  const flows = (families.get('oauth_flows_total')?.samples ?? []).reduce((a, s) => a + s.value, 0);
  expect(flows).toBe(N);
  expect(done.heapEnd - done.heapAt100k).toBeLessThanOrEqual(4 * MB);
});

test('metrics.cardinalityLimit: with the provider cap above it, no instrument exceeds the limit; the overflow series counts the rest', async () => {
  const LIMIT = 100;
  const { done, families } = await run(1000, LIMIT);
  summary('cardinalityLimit 100', done, families);

  for (const f of oauthFamilies(families)) expect(series(f).size).toBeLessThanOrEqual(LIMIT);
  const flows = families.get('oauth_flows_total')!;
  const overflow = flows.samples.filter((s) => s.labels.otel_metric_overflow === 'true');
  expect(overflow).toHaveLength(1);
  expect(overflow[0]!.value).toBeGreaterThan(0);
  expect(flows.samples.reduce((a, s) => a + s.value, 0)).toBe(N); // nothing lost: in a series or in the overflow
  expect(done.heapEnd - done.heapAt100k).toBeLessThanOrEqual(4 * MB);
});
