// Minimal SVG charts for the benchmark results (no dependencies, no external service).
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const FONT = 'font-family="system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif"';
export const COLORS = ['#8c8c8c', '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd'];

/** Rounds a maximum up to a tick-friendly value; returns [max, step]. */
function niceScale(max, ticks = 5) {
  if (!(max > 0)) return [1, 0.2];
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  return [Math.ceil(max / step) * step, step];
}
const fmtTick = (v) => (Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toFixed(2)}`);

/**
 * Grouped bar panels. panels: [{ title, unit, groups: [label], series: [{ name, values: [n] }], note? }]
 * laid out in a grid of `columns`.
 */
export function barPanels({ title, subtitle, panels, columns = 2, width = 980, panelHeight = 230 }) {
  const rows = Math.ceil(panels.length / columns);
  const top = subtitle ? 64 : 44;
  const pw = width / columns;
  const height = top + rows * panelHeight + 30;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`, `<rect width="100%" height="100%" fill="#fff"/>`, `<text x="16" y="24" font-size="16" font-weight="600">${esc(title)}</text>`];
  if (subtitle) out.push(`<text x="16" y="44" fill="#555">${esc(subtitle)}</text>`);
  panels.forEach((p, i) => {
    const x0 = (i % columns) * pw;
    const y0 = top + Math.floor(i / columns) * panelHeight;
    const L = x0 + 56, R = x0 + pw - 16, T = y0 + 26, B = y0 + panelHeight - 42;
    const max = Math.max(...p.series.flatMap((s) => s.values.filter(Number.isFinite)));
    const [top_, step] = niceScale(max * 1.05);
    const y = (v) => B - (v / top_) * (B - T);
    out.push(`<text x="${x0 + 16}" y="${y0 + 14}" font-weight="600">${esc(p.title)}</text>`);
    for (let v = 0; v <= top_ + 1e-9; v += step) out.push(`<line x1="${L}" x2="${R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e5e5"/><text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${fmtTick(v)}</text>`);
    out.push(`<text x="${x0 + 12}" y="${(T + B) / 2}" transform="rotate(-90 ${x0 + 12} ${(T + B) / 2})" text-anchor="middle" fill="#555">${esc(p.unit)}</text>`);
    const gw = (R - L) / p.groups.length;
    const bw = Math.min(28, (gw * 0.8) / p.series.length);
    p.groups.forEach((g, gi) => {
      const gx = L + gi * gw + (gw - bw * p.series.length) / 2;
      p.series.forEach((s, si) => {
        const v = s.values[gi];
        if (!Number.isFinite(v)) return;
        out.push(`<rect x="${(gx + si * bw).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(B - y(v)).toFixed(1)}" fill="${s.color ?? COLORS[si % COLORS.length]}"><title>${esc(`${s.name} ${g}: ${v}`)}</title></rect>`);
      });
      out.push(`<text x="${(L + gi * gw + gw / 2).toFixed(1)}" y="${B + 14}" text-anchor="middle" fill="#333">${esc(g)}</text>`);
    });
    out.push(`<line x1="${L}" x2="${R}" y1="${B}" y2="${B}" stroke="#999"/>`);
    let lx = L;
    p.series.forEach((s, si) => {
      out.push(`<rect x="${lx}" y="${B + 24}" width="10" height="10" fill="${s.color ?? COLORS[si % COLORS.length]}"/><text x="${lx + 14}" y="${B + 33}">${esc(s.name)}</text>`);
      lx += 24 + s.name.length * 6.5;
    });
    if (p.note) out.push(`<text x="${R}" y="${y0 + 14}" text-anchor="end" fill="#333">${esc(p.note)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/**
 * Line chart. series: [{ name, points: [[x, y]], color?, dash? }], hlines: [{ y, label, color? }].
 */
export function lineChart({ title, subtitle, xLabel, yLabel, series, hlines = [], width = 980, height = 420, yMax }) {
  const top = subtitle ? 64 : 44;
  // legend items, wrapped into rows below the plot
  const items = [];
  {
    let lx = 70, row = 0;
    for (const s of series) {
      const w = 40 + s.name.length * 6.5;
      if (lx + w > width - 10 && lx > 70) (row++, (lx = 70));
      items.push({ x: lx, row });
      lx += w;
    }
  }
  const legendRows = (items.at(-1)?.row ?? 0) + 1;
  height += (legendRows - 1) * 18;
  const L = 70, R = width - 20, T = top + 10, B = height - 52 - legendRows * 18;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const xmax = Math.max(1, ...xs);
  const ymaxData = Math.max(...series.flatMap((s) => s.points.map((p) => p[1])), ...hlines.map((h) => h.y));
  const [ytop, ystep] = niceScale(yMax ?? ymaxData * 1.08);
  const [xtop, xstep] = niceScale(xmax, 10);
  const X = (v) => L + (v / xtop) * (R - L);
  const Y = (v) => B - (v / ytop) * (B - T);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`, `<rect width="100%" height="100%" fill="#fff"/>`, `<text x="16" y="24" font-size="16" font-weight="600">${esc(title)}</text>`];
  if (subtitle) out.push(`<text x="16" y="44" fill="#555">${esc(subtitle)}</text>`);
  for (let v = 0; v <= ytop + 1e-9; v += ystep) out.push(`<line x1="${L}" x2="${R}" y1="${Y(v).toFixed(1)}" y2="${Y(v).toFixed(1)}" stroke="#e5e5e5"/><text x="${L - 6}" y="${(Y(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${fmtTick(v)}</text>`);
  for (let v = 0; v <= xtop + 1e-9; v += xstep) out.push(`<text x="${X(v).toFixed(1)}" y="${B + 16}" text-anchor="middle" fill="#555">${fmtTick(v)}</text>`);
  out.push(`<line x1="${L}" x2="${R}" y1="${B}" y2="${B}" stroke="#999"/><line x1="${L}" x2="${L}" y1="${T}" y2="${B}" stroke="#999"/>`);
  out.push(`<text x="${(L + R) / 2}" y="${B + 34}" text-anchor="middle" fill="#333">${esc(xLabel)}</text>`);
  out.push(`<text x="16" y="${(T + B) / 2}" transform="rotate(-90 16 ${(T + B) / 2})" text-anchor="middle" fill="#333">${esc(yLabel)}</text>`);
  for (const h of hlines) out.push(`<line x1="${L}" x2="${R}" y1="${Y(h.y).toFixed(1)}" y2="${Y(h.y).toFixed(1)}" stroke="${h.color ?? '#d62728'}" stroke-dasharray="6 4"/><text x="${R - 4}" y="${(Y(h.y) - 5).toFixed(1)}" text-anchor="end" fill="${h.color ?? '#d62728'}">${esc(h.label)}</text>`);
  series.forEach((s, i) => {
    const color = s.color ?? COLORS[(i + 1) % COLORS.length];
    const d = s.points.map((p, k) => `${k ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join('');
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.8"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
  });
  series.forEach((s, i) => {
    const color = s.color ?? COLORS[(i + 1) % COLORS.length];
    const { x: lx, row } = items[i];
    const ly = height - 20 - (legendRows - 1 - row) * 18;
    out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/><text x="${lx + 24}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
