/**
 * The Prometheus endpoint under a scrape storm while the app is under load (real processes:
 * fixtures/app.mjs with 50 providers, about 550 series and 50 KB per scrape; autocannon at a fixed
 * rate in its own process; the scrapers in this one).
 *  - no errors: every one of 50 concurrent scrapers × 10 scrapes answers 200 with a complete,
 *    parseable exposition;
 *  - the app keeps serving: no failed request, and its p99 during the storm ≤ 3 × the healthy
 *    p99 + 20 ms + the time to serve one round of 50 scrapes (50 × the median single-scrape time
 *    measured first). The exposition is built on the app's own event loop, one scrape after
 *    another, so a request can wait behind the scrapes that arrived before it, but not longer.
 *  - the storm falls inside the measured load, by construction: it starts once the app has served
 *    requests of the load, and the load stops only when the storm is over (the generator is
 *    stopped then). No duration or request rate is assumed from the machine: on a loaded CI host
 *    both stretch.
 */
import { parseExposition } from '../../../packages/oauth-otel/test/support/prom';
import { latencyBound, requireBuild, runLoad, sleep, startApp, type App } from './support';

jest.setTimeout(180_000);

const RATE = 250;
const SCRAPERS = 50;
const ROUNDS = 10;

let app: App | undefined;
beforeAll(() => requireBuild());
afterEach(async () => {
  await app?.stop(3_000);
  app = undefined;
});

test('50 concurrent scrapers × 10 while the app is under load: no scrape fails, the app is slowed at most by one round of scrapes', async () => {
  app = await startApp({ OTLP_ENDPOINT: 'none', PROVIDERS: '50' });
  await runLoad(`${app.url}/op`, 2, RATE); // warm-up; every provider has its series now
  const single: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const res = await fetch(app.metricsUrl);
    await res.text();
    single.push(performance.now() - t);
  }
  single.sort((a, b) => a - b);
  const oneScrapeMs = single[10]!;
  const healthy = await runLoad(`${app.url}/op`, 6, RATE);

  const metricsUrl = app.metricsUrl;
  const scrapes: { status: number; ok: boolean; ms: number; error?: string }[] = [];
  const a = app;
  const storm = async () => {
    // start once the load is being served, plus a second of it
    const before = (await a.stats()).emitted;
    for (let i = 0; i < 600 && (await a.stats()).emitted === before; i++) await sleep(100);
    await sleep(1_000);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: SCRAPERS }, async () => {
        for (let r = 0; r < ROUNDS; r++) {
          const t = performance.now();
          try {
            const res = await fetch(metricsUrl);
            const text = await res.text();
            const families = parseExposition(text);
            scrapes.push({ status: res.status, ok: families.has('oauth_flows_total') && families.has('oauth_flow_duration_seconds') && text.endsWith('\n'), ms: performance.now() - t });
          } catch (e) {
            const err = e as Error & { cause?: { code?: string; message?: string } };
            scrapes.push({ status: 0, ok: false, ms: performance.now() - t, error: `${err.message}: ${err.cause?.code ?? err.cause?.message ?? ''}` });
          }
        }
      }),
    );
    return performance.now() - t0;
  };
  const stormRun = storm();
  // the load outlasts the storm: it is stopped half a second after the storm is over
  const [stormed, stormMs] = await Promise.all([runLoad(`${app.url}/op`, 120, RATE, 10, stormRun.then(() => sleep(500))), stormRun]);
  const bound = latencyBound(healthy.p99) + SCRAPERS * oneScrapeMs;
  const scrapeMs = scrapes.map((s) => s.ms).sort((a, b) => a - b);
  console.log(
    `scrape storm: ${scrapes.length} scrapes in ${stormMs.toFixed(0)} ms during ${stormed.seconds} s of load at ${Math.round(stormed.ok / stormed.seconds)}/s (single scrape ${oneScrapeMs.toFixed(1)} ms idle; under the storm p50 ${scrapeMs[Math.floor(scrapeMs.length / 2)]!.toFixed(0)} ms, max ${scrapeMs.at(-1)!.toFixed(0)} ms); app p99 healthy ${healthy.p99.toFixed(2)} ms, during the storm ${stormed.p99.toFixed(2)} ms (bound ${bound.toFixed(1)} ms), max ${stormed.max.toFixed(1)} ms`,
  );

  expect(scrapes).toHaveLength(SCRAPERS * ROUNDS);
  expect(scrapes.filter((s) => s.status !== 200 || !s.ok)).toEqual([]);
  for (const r of [healthy, stormed]) expect({ non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts }).toEqual({ non2xx: 0, errors: 0, timeouts: 0 });
  expect(stormed.ok).toBeGreaterThan(0);
  expect(stormed.p99).toBeLessThanOrEqual(bound);
});
