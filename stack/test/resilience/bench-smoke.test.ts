/**
 * CI runs every benchmark in its smoke mode (`node bench/run-all.mjs --smoke`: tiny iteration
 * counts, seconds-long load runs, nothing written). This checks that they run and print their
 * result tables, not their numbers (those need a quiet machine: BENCHMARKS.md).
 */
import { join } from 'node:path';
import { runCommand } from '../support/process';
import { REPO_ROOT } from '../support/backends';
import { NODE, requireBuild } from './support';

jest.setTimeout(240_000);

const BENCHMARKS = ['metrics-op', 'exemplars-op', 'log-emit', 'logger-ratio', 'event-op', 'redaction', 'dense-strings', 'fingerprint', 'query-names', 'as-replay', 'observe', 'observe-server', 'collector-scrub', 'e2e-token-endpoint', 'memory-soak'];

test('node bench/run-all.mjs --smoke: exit 0, every benchmark printed its table', async () => {
  requireBuild();
  const started = Date.now();
  const r = await runCommand(NODE, [join(REPO_ROOT, 'bench/run-all.mjs'), '--smoke'], { cwd: REPO_ROOT, env: { NODE_OPTIONS: '' }, timeoutMs: 230_000 });
  const seconds = (Date.now() - started) / 1000;
  console.log(`bench smoke: exit ${r.code} in ${seconds.toFixed(0)} s`);
  if (r.code !== 0) console.log(r.stdout.slice(-4000), r.stderr.slice(-4000));
  expect(r.code).toBe(0);

  // each benchmark's own section holds a markdown table
  const sections = r.stdout.split(/^## /m).slice(1);
  for (const name of BENCHMARKS) {
    const section = sections.find((s) => s.startsWith(`${name}\n`));
    expect({ name, found: section !== undefined }).toEqual({ name, found: true });
    expect({ name, table: /^\|[-: |]+\|\s*$/m.test(section!) }).toEqual({ name, table: true });
  }
  // and run-all's summary agrees
  for (const name of BENCHMARKS) expect(r.stdout).toMatch(new RegExp(`^\\| ${name} \\| 0 \\| yes \\|`, 'm'));
});
