/**
 * One rule set, two layers, end to end: the leak gate's generators (secret-named keys in any
 * spelling, secrets inside every text format the scanner parses, PEM/PGP blocks, provider tokens)
 * are sent into VictoriaLogs through the shipped otel-collector.yaml two ways — through the
 * package (its redaction, then the collector's), and straight to the collector as an app without
 * oauth-otel would (the collector's generated rules alone) — and the store must hold none of them.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { carrierArb, forms, nameArb, secretArb } from '../../packages/oauth-otel/test/support/leak-arbitraries';
import { REPO_ROOT, SHIPPED_COLLECTOR_CONFIG } from './support/backends';
import { startCollector, type Collector } from './support/collector';
import { sendOtlpLogs } from './support/otlp';
import { startVictoriaLogs, waitForVictoriaLogs, type VictoriaLogs } from './support/victorialogs';

jest.setTimeout(240_000);
const run = promisify(execFile);
const tag = randomBytes(4).toString('hex');
const CASES = 150;
const cases = fc.sample(fc.tuple(secretArb, nameArb, carrierArb), { numRuns: CASES, seed: 15 }).map(([secret, name, carrier], i) => {
  const c = carrier(secret);
  return { id: `${tag}-${i}`, name, secret, text: c.text, forms: forms(secret, c.extra).filter((f) => f.length >= 12) };
});

let vl: VictoriaLogs | undefined;
let collector: Collector | undefined;
beforeAll(async () => {
  vl = await startVictoriaLogs();
  collector = await startCollector({ configPath: SHIPPED_COLLECTOR_CONFIG, env: { LOKI_OTLP_ENDPOINT: vl.otlpLogsUrl } });
});
afterAll(async () => {
  await collector?.stop();
  await vl?.stop();
});

async function stored(service: string): Promise<string> {
  await waitForVictoriaLogs(vl!.url, `"service.name":"${service}"`, { timeoutMs: 90_000, count: CASES });
  return vl!.queryRaw(`"service.name":"${service}"`, { limit: 10_000 });
}

function leaks(text: string): string[] {
  return cases.filter((c) => c.forms.some((f) => text.includes(f))).map((c) => `${c.id} ${c.name}: ${c.text.slice(0, 120)}`);
}

test('through the package: the store holds none of the planted secrets', async () => {
  const service = `leak-pkg-${tag}`;
  await run(process.execPath, [join(__dirname, 'fixtures/leak-app.cjs')], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: '', OTEL_SERVICE_NAME: service, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${collector!.otlpHttpUrl}/v1/logs`, CASES_JSON: JSON.stringify(cases) },
    timeout: 120_000,
  });
  const text = await stored(service);
  expect(text).toContain(tag);
  expect(leaks(text)).toEqual([]);
});

test('straight to the collector (an app without oauth-otel): the generated rules alone', async () => {
  const service = `leak-raw-${tag}`;
  await sendOtlpLogs({
    url: `${collector!.otlpHttpUrl}/v1/logs`,
    resource: { 'service.name': service },
    records: cases.map((c) => ({ severityText: 'warn', severityNumber: 13, body: `leak case ${c.id}: ${c.text}`, attributes: { caseId: c.id, [c.name]: c.secret, note: c.text } })),
  });
  const text = await stored(service);
  expect(text).toContain(tag);
  // KNOWN GAPS of the collector layer alone (the package closes them; issue 15 follow-up):
  // unicode-escaped JSON names, private JWK members (no `kty` context in RE2), and JSON
  // `{name, value}` cookie-jar entries. Every other generated case must be clean.
  const gap = /\\u00[0-9a-f]{2}|"kty"|"name":"/;
  const rest = leaks(text).filter((l) => !gap.test(l));
  expect(rest).toEqual([]);
});
