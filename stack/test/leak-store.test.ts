/**
 * One rule set, two layers, end to end: the leak gate's generators (secret-named keys in any
 * spelling, secrets inside every text format the scanner parses, PEM/PGP blocks, provider tokens)
 * are sent into VictoriaLogs through the shipped otel-collector.yaml two ways — through the
 * package (its redaction, then the collector's), and straight to the collector as an app without
 * oauth-otel would (the collector's generated rules alone) — and the store must hold none of them.
 * The attack corpus (test/support/attack-arbitraries.ts) goes both ways too; and harmless
 * OAuth/OIDC fields sent straight to the collector are stored unchanged.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { attackArb, harmlessArb } from '../../packages/oauth-otel/test/support/attack-arbitraries';
import { carrierArb, forms, nameArb, secretArb } from '../../packages/oauth-otel/test/support/leak-arbitraries';
import { REPO_ROOT } from './support/backends';
import { shippedCollectorIntoStore, toText } from './support/leak-store';
import { sendOtlpLogs } from './support/otlp';
import { waitForVictoriaLogs } from './support/victorialogs';

jest.setTimeout(240_000);
const run = promisify(execFile);
const tag = randomBytes(4).toString('hex');
const CARRIERS = 150;
const ATTACKS = 150;
const cases = [
  ...fc.sample(fc.tuple(secretArb, nameArb, carrierArb), { numRuns: CARRIERS, seed: 15 }).map(([secret, name, carrier], i) => {
    const c = carrier(secret);
    return { id: `${tag}-${i}`, name, secret, text: c.text, forms: forms(secret, c.extra).filter((f) => f.length >= 12) };
  }),
  // The attack corpus (issue 15): HTTP client errors, env/config dumps, connection strings,
  // OAuth wire shapes, encoded layers, secretlint/trufflehog prefixes.
  ...fc.sample(fc.tuple(secretArb, nameArb, attackArb), { numRuns: ATTACKS, seed: 16 }).map(([secret, name, shape], i) => {
    const p = shape(secret);
    return { id: `${tag}-a${i}`, name, kind: shape.kind ?? '', secret, text: toText(p.value), forms: forms(secret, p.extra).filter((f) => f.length >= 12) };
  }),
];
const CASES = cases.length;

const stack = shippedCollectorIntoStore();

async function stored(service: string): Promise<string> {
  await waitForVictoriaLogs(stack.vl.url, `"service.name":"${service}"`, { timeoutMs: 90_000, count: CASES });
  return stack.vl.queryRaw(`"service.name":"${service}"`, { limit: 10_000 });
}

function leaks(text: string, skip: (c: (typeof cases)[number]) => boolean = () => false): string[] {
  return cases.filter((c) => !skip(c) && c.forms.some((f) => text.includes(f))).map((c) => `${c.id} ${c.name}: ${c.text.slice(0, 120)}`);
}

test('through the package: the store holds none of the planted secrets', async () => {
  const service = `leak-pkg-${tag}`;
  const dir = mkdtempSync(join(tmpdir(), 'leak-store-'));
  const file = join(dir, 'cases.json');
  writeFileSync(file, JSON.stringify(cases));
  try {
    await run(process.execPath, [join(__dirname, 'fixtures/leak-app.cjs')], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: '', OTEL_SERVICE_NAME: service, OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${stack.collector.otlpHttpUrl}/v1/logs`, CASES_FILE: file },
      timeout: 120_000,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const text = await stored(service);
  expect(text).toContain(tag);
  expect(leaks(text)).toEqual([]);
});

test('straight to the collector (an app without oauth-otel): the generated rules alone', async () => {
  const service = `leak-raw-${tag}`;
  await sendOtlpLogs({
    url: `${stack.collector.otlpHttpUrl}/v1/logs`,
    resource: { 'service.name': service },
    records: cases.map((c) => ({ severityText: 'warn', severityNumber: 13, body: `leak case ${c.id}: ${c.text}`, attributes: { caseId: c.id, [c.name]: c.secret, note: c.text } })),
  });
  const text = await stored(service);
  expect(text).toContain(tag);
  // KNOWN GAP (issue 15, left for a follow-up): `{ key | Name | ParameterKey, Value }` pairs in
  // JSON or XML text whose label is a path or an unqualified `*Key` (the package closes them; the
  // collector's RE2 rules do not yet). Every other class of both corpora must be clean here.
  expect(leaks(text)).toEqual([]);
});

test('straight to the collector: harmless OAuth/OIDC fields are stored unchanged', async () => {
  const service = `leak-keep-${tag}`;
  const kept = fc.sample(harmlessArb, { numRuns: CASES, seed: 17 }).map((r, i) => ({ id: `${tag}-k${i}`, text: JSON.stringify(r) }));
  await sendOtlpLogs({
    url: `${stack.collector.otlpHttpUrl}/v1/logs`,
    resource: { 'service.name': service },
    records: kept.map((k) => ({ severityText: 'info', severityNumber: 9, body: k.text, attributes: { caseId: k.id, note: k.text } })),
  });
  await waitForVictoriaLogs(stack.vl.url, `"service.name":"${service}"`, { timeoutMs: 90_000, count: kept.length });
  const rows = (await stack.vl.queryRaw(`"service.name":"${service}"`, { limit: 10_000 })).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
  expect(rows).toHaveLength(kept.length);
  const changed = rows.filter((r) => r._msg !== kept.find((k) => k.id === r.caseId)?.text || r.note !== r._msg).map((r) => r._msg);
  expect(changed).toEqual([]);
});
