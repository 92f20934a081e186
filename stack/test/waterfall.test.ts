/** The trace picture's renderer, by class: random span trees with secret-bearing tags and logs. */
import fc from 'fast-check';
import type { JaegerSpan, JaegerTrace } from './support/jaeger';
import { renderWaterfall, waterfallRows } from './support/waterfall';

const SECRET = 'SeCrEt_';
const nameArb = fc.string({ minLength: 1, maxLength: 24 }).filter((s) => !s.includes(SECRET));

/** A tree: span i's parent is one of spans 0..i-1 (or none); children start within their parent. */
const traceArb = fc.integer({ min: 1, max: 25 }).chain((n) =>
  fc.record({
    parents: fc.array(fc.nat(), { minLength: n, maxLength: n }),
    names: fc.array(nameArb, { minLength: n, maxLength: n }),
    services: fc.array(fc.constantFrom('next-app', 'auth-server', 'oauth<&>"svc'), { minLength: n, maxLength: n }),
    startShares: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
    durShares: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
    secrets: fc.array(fc.string({ minLength: 8, maxLength: 30 }), { minLength: n, maxLength: n }),
  }).map((g): JaegerTrace => {
    const spans: JaegerSpan[] = [];
    for (let i = 0; i < n; i++) {
      const p = i === 0 || g.parents[i]! % (i + 1) === i ? undefined : spans[g.parents[i]! % i]!;
      const start = p ? p.startTime + Math.floor(g.startShares[i]! * p.duration) : 1_700_000_000_000_000 + Math.floor(g.startShares[i]! * 1e6);
      const room = p ? p.startTime + p.duration - start : 1e6;
      const secret = SECRET + g.secrets[i];
      spans.push({
        traceID: 't', spanID: `s${i}`, operationName: g.names[i]!, processID: `p${i % 3}`,
        references: p ? [{ refType: 'CHILD_OF', traceID: 't', spanID: p.spanID }] : [],
        startTime: start, duration: Math.max(0, Math.floor(g.durShares[i]! * room)),
        tags: [{ key: 'oauth.secret', type: 'string', value: secret }, { key: 'url.full', type: 'string', value: `https://as/?code=${secret}` }],
        logs: [{ timestamp: start, fields: [{ key: 'event', value: secret }] }],
      });
    }
    const svc = (k: number) => g.services[k % g.services.length]!;
    return { traceID: 't', spans: [...spans].reverse(), processes: { p0: { serviceName: svc(0) }, p1: { serviceName: svc(1) }, p2: { serviceName: svc(2) } } };
  }),
);

test('one row per span, each under its parent one level deeper, siblings in start order', () => {
  fc.assert(
    fc.property(traceArb, (t) => {
      const rows = waterfallRows(t);
      expect(rows).toHaveLength(t.spans.length);
      const byName = new Map(t.spans.map((s) => [s.spanID, s]));
      // Map rows back to spans through the same depth-first walk order the renderer promises.
      const order: JaegerSpan[] = [];
      const kids = (id?: string) => t.spans.filter((s) => s.references[0]?.spanID === id).sort((a, b) => a.startTime - b.startTime || a.spanID.localeCompare(b.spanID));
      const walk = (id?: string) => kids(id).forEach((s) => { order.push(s); walk(s.spanID); });
      walk(undefined);
      const t0 = Math.min(...t.spans.map((s) => s.startTime));
      rows.forEach((r, i) => {
        const s = order[i]!;
        expect(r.name).toBe(s.operationName);
        expect(r.offset).toBe(s.startTime - t0);
        expect(r.duration).toBe(s.duration);
        const parent = s.references[0] && byName.get(s.references[0].spanID);
        const pi = parent ? order.indexOf(parent) : -1;
        expect(pi).toBeLessThan(i);
        expect(r.depth).toBe(parent ? rows[pi]!.depth + 1 : 0);
      });
    }),
  );
});

test('bars are to scale: x from the start offset, width from the duration, one scale for all rows', () => {
  fc.assert(
    fc.property(traceArb, (t) => {
      const svg = renderWaterfall(t);
      const rows = waterfallRows(t);
      const rects = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
      expect(rects).toHaveLength(rows.length);
      const total = Math.max(1, ...rows.map((r) => r.offset + r.duration));
      const x0 = rects[0]![0]! - (rows[0]!.offset / total) * 520;
      rows.forEach((r, i) => {
        expect(rects[i]![0]).toBeCloseTo(x0 + (r.offset / total) * 520, 0);
        expect(rects[i]![1]).toBeCloseTo(Math.max(1, (r.duration / total) * 520), 0);
      });
    }),
  );
});

test('no tag or log value reaches the picture, and names are escaped into well-formed XML text', () => {
  fc.assert(
    fc.property(traceArb, (t) => {
      const svg = renderWaterfall(t);
      expect(svg).not.toContain(SECRET);
      // Outside the markup, no raw < or & survives: every name and service is escaped.
      const text = svg.replace(/<[^<>]*>/g, '');
      expect(text).not.toMatch(/[<>]|&(?!#\d+;)/);
      for (const s of t.spans) expect(svg).toContain(s.operationName.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`));
    }),
  );
});

test('a reference cycle or a missing parent in bad input neither loops nor loses a span', () => {
  const span = (id: string, parent: string, start: number): JaegerSpan => ({
    traceID: 't', spanID: id, operationName: id, processID: 'p', startTime: start, duration: 10, tags: [], logs: [],
    references: [{ refType: 'CHILD_OF', traceID: 't', spanID: parent }],
  });
  const orphan: JaegerTrace = { traceID: 't', processes: { p: { serviceName: 's' } }, spans: [span('a', 'gone', 5), span('b', 'a', 6)] };
  expect(waterfallRows(orphan).map((r) => [r.name, r.depth])).toEqual([['a', 0], ['b', 1]]);
  const cycle: JaegerTrace = { traceID: 't', processes: { p: { serviceName: 's' } }, spans: [span('a', 'b', 5), span('b', 'a', 6)] };
  expect(waterfallRows(cycle).map((r) => [r.name, r.depth])).toEqual([['a', 0], ['b', 1]]);
});
