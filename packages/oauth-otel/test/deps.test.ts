/**
 * Exactly one copy of each OpenTelemetry package in the installed tree (the root `overrides` pin
 * them): two copies of sdk-metrics or of the API split registries and globals silently.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../..');

function collect(dir: string, out: Map<string, Set<string>>): void {
  const scope = join(dir, 'node_modules', '@opentelemetry');
  if (existsSync(scope)) {
    for (const name of readdirSync(scope)) {
      const pkgDir = join(scope, name);
      const pj = join(pkgDir, 'package.json');
      if (!existsSync(pj)) continue;
      const { version } = JSON.parse(readFileSync(pj, 'utf8')) as { version: string };
      const key = `@opentelemetry/${name}`;
      if (!out.has(key)) out.set(key, new Set());
      out.get(key)!.add(version);
      collect(pkgDir, out);
    }
  }
  const nm = join(dir, 'node_modules');
  if (!existsSync(nm)) return;
  for (const entry of readdirSync(nm)) {
    if (entry.startsWith('.') || entry === '@opentelemetry') continue;
    const p = join(nm, entry);
    if (entry.startsWith('@')) {
      for (const sub of readdirSync(p)) collect(join(p, sub), out);
    } else collect(p, out);
  }
}

test('one version of every @opentelemetry package, and the 3.x line', () => {
  const versions = new Map<string, Set<string>>();
  collect(root, versions);
  for (const ws of ['packages', 'examples']) for (const d of readdirSync(join(root, ws))) collect(join(root, ws, d), versions);
  expect(versions.size).toBeGreaterThan(10);
  for (const [name, set] of versions) expect({ name, versions: [...set] }).toEqual({ name, versions: [[...set][0]] });
  expect([...versions.get('@opentelemetry/api')!]).toEqual(['1.10.0']);
  expect([...versions.get('@opentelemetry/sdk-metrics')!][0]).toMatch(/^3\./);
  expect([...versions.get('@opentelemetry/sdk-logs')!][0]).toMatch(/^3\./);
});
