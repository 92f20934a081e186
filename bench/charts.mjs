#!/usr/bin/env node
// Charts from the stored results of scripts that do not draw their own:
// bench/results/redaction.json → docs/images/bench/redaction-size.svg (cost against record size).
//   node bench/charts.mjs        (run-all runs it after a full run)
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineChart } from './lib/svg.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'bench/results/redaction.json');
if (!existsSync(file)) {
  console.error('bench/results/redaction.json is missing: run node bench/redaction.mjs first');
  process.exit(1);
}
const r = JSON.parse(readFileSync(file, 'utf8'));
const pts = (dirty, key) => r.sizes.filter((s) => s.dirty === dirty).map((s) => [s.bytes / 1024, s.ns[key] / 1000]);
const series = [
  { name: 'oauth-otel redact, clean', points: pts(false, 'ours: redact'), color: '#1f77b4' },
  { name: 'oauth-otel redact, 1/8 dirty', points: pts(true, 'ours: redact'), color: '#1f77b4', dash: '6 4' },
  { name: 'JSON.stringify, clean', points: pts(false, 'JSON.stringify'), color: '#8c8c8c' },
  { name: '@pinojs/redact (N paths), clean', points: pts(false, '@pinojs/redact'), color: '#d62728' },
  { name: 'regex scrub, clean', points: pts(false, 'regex scrub'), color: '#ff7f0e' },
];
mkdirSync(join(root, 'docs/images/bench'), { recursive: true });
writeFileSync(
  join(root, 'docs/images/bench/redaction-size.svg'),
  lineChart({
    title: 'Redaction cost against record size (medians; batches of OAuth records, 1 in 8 with a secret when dirty)',
    subtitle: `${r.machine.cores} × ${r.machine.cpu}, Node ${r.machine.node}, load ${r.machine.loadavg.map((x) => x.toFixed(2)).join(' ')}, ${r.date}`,
    xLabel: 'record size (KB)',
    yLabel: 'µs per record',
    series,
  }),
);
console.log('wrote docs/images/bench/redaction-size.svg');
