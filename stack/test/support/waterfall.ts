/**
 * A trace as a waterfall SVG, from Jaeger's `/api/traces/<id>` JSON. Pure: no I/O. It reads only
 * span names, service names, parent references, start times and durations — never tags, logs or
 * attribute values — so nothing a span carries about a request can reach the picture.
 */
import type { JaegerTrace } from './jaeger';

export interface WaterfallRow {
  depth: number;
  name: string;
  service: string;
  /** Microseconds from the trace's first span start. */
  offset: number;
  duration: number;
}

const ROW = 26;
const LABEL = 360;
const BAR = 520;
const PAD = 12;
const HEAD = 34;

/** Rows depth-first: each span under its parent, siblings in start order; a span whose parent is absent is a root. */
export function waterfallRows(t: JaegerTrace): WaterfallRow[] {
  const ids = new Set(t.spans.map((s) => s.spanID));
  const parentOf = (s: JaegerTrace['spans'][number]) => s.references.find((r) => r.refType === 'CHILD_OF' && ids.has(r.spanID))?.spanID;
  const children = new Map<string | undefined, JaegerTrace['spans']>();
  for (const s of t.spans) {
    const p = parentOf(s);
    children.set(p, [...(children.get(p) ?? []), s]);
  }
  const t0 = Math.min(...t.spans.map((s) => s.startTime));
  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  const byStart = (a: JaegerTrace['spans'][number], b: JaegerTrace['spans'][number]) => a.startTime - b.startTime || a.spanID.localeCompare(b.spanID);
  const visit = (s: JaegerTrace['spans'][number], depth: number): void => {
    if (seen.has(s.spanID)) return; // a reference cycle in bad input must not loop
    seen.add(s.spanID);
    rows.push({ depth, name: s.operationName, service: t.processes[s.processID]?.serviceName ?? '?', offset: s.startTime - t0, duration: s.duration });
    for (const c of [...(children.get(s.spanID) ?? [])].sort(byStart)) visit(c, depth + 1);
  };
  for (const s of [...(children.get(undefined) ?? [])].sort(byStart)) visit(s, 0);
  // Spans caught in a cycle have no root above them: shown as roots rather than lost.
  for (const s of [...t.spans].sort(byStart)) visit(s, 0);
  return rows;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const ms = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us} µs`);

/** The SVG: one row per span, bar x and width proportional to start offset and duration. */
export function renderWaterfall(t: JaegerTrace, title = 'OAuth flow trace'): string {
  const rows = waterfallRows(t);
  const total = Math.max(1, ...rows.map((r) => r.offset + r.duration));
  const scale = BAR / total;
  const w = PAD * 2 + LABEL + BAR + 80;
  const h = HEAD + rows.length * ROW + PAD;
  const services = [...new Set(rows.map((r) => r.service))];
  const colour = (svc: string) => ['#3b82f6', '#f59e0b', '#10b981', '#8b5cf6'][services.indexOf(svc) % 4];
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${PAD}" y="20" font-size="14" font-weight="bold">${esc(title)} — ${rows.length} spans, ${ms(total)}</text>`,
  ];
  rows.forEach((r, i) => {
    const y = HEAD + i * ROW;
    const x = PAD + LABEL + r.offset * scale;
    const bw = Math.max(1, r.duration * scale);
    out.push(
      `<g data-span="${esc(r.name)}">`,
      `<text x="${PAD + r.depth * 16}" y="${y + 16}">${esc(r.name)} <tspan fill="#6b7280">${esc(r.service)}</tspan></text>`,
      `<rect x="${x.toFixed(1)}" y="${y + 4}" width="${bw.toFixed(1)}" height="${ROW - 8}" rx="2" fill="${colour(r.service)}"/>`,
      `<text x="${(x + bw + 4).toFixed(1)}" y="${y + 16}" fill="#374151">${ms(r.duration)}</text>`,
      `</g>`,
    );
  });
  out.push('</svg>\n');
  return out.join('\n');
}
