/**
 * The threat table (catalog/threats.ts → docs/threats.md): every row names things that exist.
 * The events in EVENTS, the metric in METRICS, each alert in stack/rules with a runbook entry,
 * and a demo file in the repository that fires one of the row's events. That the generated
 * region is current is checked with the other docs in docs.test.ts (docs/threats.md is in FILES).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENTS, METRIC_DEFINITIONS, THREATS, THREAT_DEFINITIONS, type SecurityEventDefinition } from '../../src/catalog';

const root = join(__dirname, '../../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { alertIndex, FILES } = require(join(root, 'scripts/docs/render.cjs')) as {
  alertIndex: () => Map<string, { file: string; anchor: string }>;
  FILES: string[];
};
const alerts = alertIndex();
const runbook = readFileSync(join(root, 'docs/runbook.md'), 'utf8');
const anchors = new Set([...runbook.matchAll(/^#{2,3} (\S+)\s*$/gm)].map((m) => m[1]!.toLowerCase()));
const metricNames = new Set(METRIC_DEFINITIONS.map((d) => d.name));

test('docs/threats.md is a generated file', () => {
  expect(FILES).toContain('docs/threats.md');
  expect(readFileSync(join(root, 'docs/threats.md'), 'utf8')).toContain('<!-- threats:start -->');
});

describe.each(THREAT_DEFINITIONS.map((t) => [t.id, t] as const))('%s', (_id, t) => {
  const events = t.events.map((k) => EVENTS[k] as (typeof EVENTS)[keyof typeof EVENTS] | undefined);

  test('its events are security events of the catalog', () => {
    expect(t.events.length).toBeGreaterThan(0);
    for (const e of events) expect((e as SecurityEventDefinition | undefined)?.security).toBeDefined();
  });

  test('its metric is in the catalog', () => {
    expect(metricNames).toContain(t.metric);
  });

  test('each alert exists in stack/rules, has a runbook entry, and one of them reads the metric or an event', () => {
    for (const a of t.alerts) {
      expect(alerts.get(a)).toBeDefined();
      expect(anchors).toContain(alerts.get(a)!.anchor);
    }
    if (t.alerts.length === 0) return;
    const exprs = t.alerts.map((a) => readFileSync(join(root, alerts.get(a)!.file), 'utf8').split(/^\s*- alert: /m).find((block) => block.startsWith(`${a}\n`)) ?? '');
    const names = [t.metric, ...events.map((e) => e!.name), ...events.map((e) => (e as SecurityEventDefinition).type)];
    expect(exprs.some((x) => names.some((n) => x.includes(n)))).toBe(true);
  });

  test('its demo exists and fires one of its events', () => {
    const path = join(root, t.demo);
    expect(existsSync(path)).toBe(true);
    const text = readFileSync(path, 'utf8');
    const names = [...events.map((e) => e!.name), ...events.map((e) => (e as SecurityEventDefinition).type)];
    expect(names.some((n) => text.includes(n))).toBe(true);
  });
});

test('ids are unique and every row has a reference to an RFC or draft section', () => {
  expect(new Set(Object.keys(THREATS)).size).toBe(THREAT_DEFINITIONS.length);
  // an RFC with its section, or an IETF draft (whose section numbers still move between revisions)
  for (const t of THREAT_DEFINITIONS) expect(t.reference).toMatch(/^(RFC \d+ §\d|draft-ietf-[\w-]+ \()/);
});
