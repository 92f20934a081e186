/**
 * The DPoP rows of the threat table (src/catalog/threats.ts), beyond what threats.test.ts checks
 * for every row: one of the row's events carries exactly the row's RFC section as
 * `security_rule.reference`, every alert reads the metric, and the demo asserts every event.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EVENTS, METRIC_DEFINITIONS } from '../../src/catalog';
import { THREATS } from '../../src/catalog/threats';

const ROOT = join(__dirname, '..', '..', '..', '..');
const RULES = join(ROOT, 'stack', 'rules', 'prometheus');
const alerts = new Map<string, string>();
for (const f of readdirSync(RULES).filter((x) => x.endsWith('.yml'))) {
  const doc = parseYaml(readFileSync(join(RULES, f), 'utf8')) as { groups: { rules: { alert?: string; expr: string }[] }[] };
  for (const g of doc.groups) for (const r of g.rules) if (r.alert) alerts.set(r.alert, r.expr);
}

const dpop = Object.entries(THREATS).filter(([id]) => id.startsWith('dpop'));

test('the DPoP threats are in the table', () => {
  expect(dpop.map(([id]) => id).sort()).toEqual(['dpopProofForgery', 'dpopProofReplay', 'dpopStolenToken']);
});

describe.each(dpop)('threat %s', (_id, t) => {
  test('its events are security events with the RFC section of the row', () => {
    const [, rfc, section] = /^RFC (\d+) §([\d.]+)$/.exec(t.reference)!;
    expect(t.events.length).toBeGreaterThan(0);
    const refs = t.events.map((k) => EVENTS[k].security?.reference);
    expect(refs).toContain(`https://www.rfc-editor.org/rfc/rfc${rfc}#section-${section}`);
  });

  test('its metric is in the catalog and every alert reads it', () => {
    expect(METRIC_DEFINITIONS.map((d) => d.name)).toContain(t.metric);
    expect(t.alerts.length).toBeGreaterThan(0);
    for (const a of t.alerts) expect([a, alerts.get(a)?.includes(t.metric)]).toEqual([a, true]);
  });

  test('its demo exists and asserts each event', () => {
    const demo = join(ROOT, t.demo);
    expect(existsSync(demo)).toBe(true);
    const text = readFileSync(demo, 'utf8');
    for (const k of t.events) expect([k, text.includes(EVENTS[k].name)]).toEqual([k, true]);
  });
});
