/**
 * The attack corpus (test/support/attack-arbitraries.ts, issue 15) over the log path: each case's
 * value is logged through the package's winston logger — as metadata, inside an Error's cause and
 * as its JSON text in the message — and must leave no byte of its planted secret (whole,
 * percent-encoded, 10-character windows) in the stdout JSON lines or in the OTLP records a real
 * endpoint received (decoded, and the raw protobuf bytes). Harmless OAuth/OIDC fields logged the
 * same way arrive unchanged.
 */
import fc from 'fast-check';
import { attackArb, harmlessArb } from '../support/attack-arbitraries';
import { forms, secretArb, wrap, wrapsArb } from '../support/leak-arbitraries';
import { logGate } from '../support/log-gate';

const CASES = 2000;
const KEEP = 300;
interface Case { id: string; kind: string; forms: string[] }
const cases = new Map<string, Case>();
const gate = logGate('attack-gate');
const { stdoutLines } = gate;

/** How an app would print the value (Headers, URL and Error objects by their visible content). */
const toText = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (x instanceof Headers ? Object.fromEntries(x) : x instanceof URL || x instanceof URLSearchParams ? x.toString() : x instanceof Error ? { ...x, name: x.name, message: x.message } : x)) ?? '';

test(`${CASES} attack cases through stdout JSON and OTLP: no byte survives; harmless fields arrive unchanged`, async () => {
  const failures = new Map<string, string>();
  const check = (where: string, text: string, c: Case) => {
    const f = c.forms.find((x) => text.includes(x));
    if (f !== undefined && !failures.has(`${c.kind} ${where}`)) failures.set(`${c.kind} ${where}`, `${JSON.stringify(f)} in ${text.slice(0, 400)}`);
  };
  const samples = fc.sample(fc.tuple(secretArb, attackArb, wrapsArb, fc.constantFrom('meta', 'error', 'message')), { numRuns: CASES });
  samples.forEach(([secret, shape, wraps, how], n) => {
    const p = shape(secret);
    const c: Case = { id: `attack-${n}`, kind: `${shape.kind ?? '?'}/${how}`, forms: forms(secret, p.extra) };
    cases.set(c.id, c);
    const before = stdoutLines.length;
    if (how === 'meta') gate.logger.warn(`attack gate ${c.id}`, { caseId: c.id, detail: wrap(p.value, wraps) });
    else if (how === 'error') gate.logger.error(`attack gate ${c.id}`, { caseId: c.id, err: new Error('upstream failed', { cause: p.value }) });
    else gate.logger.warn(`attack gate ${c.id}: ${toText(p.value)}`, { caseId: c.id });
    for (const line of stdoutLines.slice(before)) check('stdout', line, c);
  });

  const kept = fc.sample(harmlessArb, { numRuns: KEEP }).map((rec, i) => ({ id: `keep-${i}`, rec }));
  for (const k of kept) gate.logger.info(`keep ${k.id}: ${JSON.stringify(k.rec)}`, { caseId: k.id, detail: k.rec });

  await gate.handle.forceFlush({ timeoutMillis: 30_000 });
  const got = await gate.ep.waitFor(CASES + KEEP, (r) => typeof r.attributes.caseId === 'string', 60_000);
  for (const r of got) {
    const c = cases.get(r.attributes.caseId as string);
    if (c !== undefined) check('OTLP record', JSON.stringify(r), c);
  }
  const raw = Buffer.concat(gate.ep.rawBodies).toString('latin1');
  for (const c of cases.values()) for (const f of c.forms) if (f.length > 10 && raw.includes(f)) failures.set(`${c.kind} OTLP bytes`, f);
  expect([...failures].map(([k, v]) => `${k}: ${v}`)).toEqual([]);

  // Harmless: the message text and the metadata come back exactly (stdout and OTLP).
  const changed: string[] = [];
  for (const k of kept) {
    const text = JSON.stringify(k.rec);
    const line = stdoutLines.find((l) => l.includes(`"caseId":"${k.id}"`));
    const parsed = line === undefined ? undefined : (JSON.parse(line) as { message?: string; detail?: unknown });
    if (parsed?.message !== `keep ${k.id}: ${text}` || JSON.stringify(parsed.detail) !== text) changed.push(`stdout ${line?.slice(0, 300)}`);
    const r = got.find((x) => x.attributes.caseId === k.id);
    if (r === undefined || !JSON.stringify(r.body).includes(JSON.stringify(`keep ${k.id}: ${text}`).slice(1, -1))) changed.push(`OTLP ${JSON.stringify(r?.body).slice(0, 300)}`);
  }
  expect(changed).toEqual([]);
}, 300_000);
