/**
 * SIGTERM while the app is under load (real processes: fixtures/app.mjs, autocannon in its own
 * process, the package tests' OTLP endpoint). The app leaves SIGTERM to the package
 * (`logs.flushOnExit`, the default): it flushes what is queued, bounded by the shutdown timeout
 * (10 s by default), then lets the signal end the process.
 *  - below the cap, 0 records are lost: every record produced before the signal (the app's counter,
 *    printed at the signal) arrives at the endpoint, and none after it;
 *  - with an endpoint that never answers, the process still ends within the timeout (+ 3 s slack).
 */
import { OtlpLogsEndpoint, distinctRecords, requireBuild, runLoad, sleep, startApp, within, type App } from './support';

jest.setTimeout(90_000);

let app: App | undefined;
let ep: OtlpLogsEndpoint | undefined;
beforeAll(() => requireBuild());
afterEach(async () => {
  await app?.stop(2_000);
  app = undefined;
  await ep?.stop();
  ep = undefined;
});

const SHUTDOWN_TIMEOUT_MS = 10_000; // the package default for handle.shutdown() on a signal

function sigtermLine(a: App): { emitted: number; records: number; at: number } {
  const line = a
    .output()
    .split('\n')
    .find((l) => l.startsWith('{"sigterm"'));
  if (!line) throw new Error(`the app printed no sigterm line:\n${a.output()}`);
  return (JSON.parse(line) as { sigterm: { emitted: number; records: number; at: number } }).sigterm;
}

test('SIGTERM during load: everything queued is flushed before exit, 0 records lost below the cap', async () => {
  ep = await new OtlpLogsEndpoint().start();
  // A minute of batch delay and one batch as large as the queue: nothing is exported before the
  // signal, so the whole run (≈ 1,500 records, below the 20,000 cap) is still queued when it comes.
  app = await startApp({ OTLP_ENDPOINT: ep.url, MAX_QUEUE: '20000', BATCH: '20000', DELAY_MS: '60000' });
  const load = runLoad(`${app.url}/op`, 8, 250);
  await sleep(3_000);
  expect(ep.received).toHaveLength(0);
  const signalled = Date.now();
  app.child.kill('SIGTERM');
  const exit = await within(app.exited, SHUTDOWN_TIMEOUT_MS + 5_000);
  const exitMs = Date.now() - signalled;
  await load; // the app refused (503) or closed the connections after the signal
  const at = sigtermLine(app);
  const got = distinctRecords(ep.received);
  console.log(`SIGTERM flush: ${at.records} records produced before the signal, ${got.total} at the endpoint (${ep.received.length} received, ${ep.requests} request(s)); exit after ${exitMs} ms by ${JSON.stringify(exit)}`);

  expect(exit).toEqual({ code: null, signal: 'SIGTERM' }); // the signal's own outcome, after the flush
  expect(exitMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  expect(at.records).toBeGreaterThan(500);
  expect(got.total).toBe(at.records);
  expect(got.lines.size).toBe(at.emitted);
  expect(Math.max(...got.lines)).toBe(at.emitted);
  expect(ep.received.length).toBe(at.records); // and nothing twice
});

test('SIGTERM with an endpoint that never answers: the process still ends within the shutdown timeout', async () => {
  ep = await new OtlpLogsEndpoint().start();
  ep.mode = 'hang';
  app = await startApp({ OTLP_ENDPOINT: ep.url, MAX_QUEUE: '20000', BATCH: '512', DELAY_MS: '200', OTLP_TIMEOUT_MS: '60000' });
  const load = runLoad(`${app.url}/op`, 5, 250);
  await sleep(2_500);
  expect(ep.requests).toBeGreaterThan(0); // an export is stuck in flight
  const signalled = Date.now();
  app.child.kill('SIGTERM');
  const exit = await within(app.exited, SHUTDOWN_TIMEOUT_MS + 10_000);
  const exitMs = Date.now() - signalled;
  await load;
  console.log(`SIGTERM with a hanging endpoint: exit after ${exitMs} ms by ${JSON.stringify(exit)}`);

  expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
  expect(exitMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 3_000);
  expect(ep.received).toHaveLength(0);
});
