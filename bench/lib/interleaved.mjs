// Interleaved open-loop load: ONE generator sends requests at a fixed total rate and deals them
// out to several servers in turn, so every server runs at the same time, under the same machine
// state (other processes, CPU frequency, page cache), and sees the same request stream. This is
// what lets a 1 % difference show on a shared 2-core VM: when servers ran one after another, the
// same plain server's CPU per request swung 810–1,394 µs between 8-s rounds (machine noise), and
// no instrumented/plain ratio between rounds could resolve 1 %.
//
// The dealing is round robin (A B C A B C ...), in an order that changes every window (below): every server gets one request every k
// intervals, the same arrival pattern shifted by one interval. (A mirrored order, A B C C B A,
// looked like ABBA but is not symmetric: the end servers get pairs of back-to-back requests, the
// middle one evenly spaced requests, and the middle one then cost 6 % more CPU per request in an
// A/A comparison: each lone request pays for waking an idle process.)
// Every `windowMs` the generator asks all servers, at the same moment, for process.cpuUsage() and
// the count of HTTP responses they finished (both read inside the server, so a window's CPU and
// its request count come from one instant). A window's CPU per request is then Δcpu / Δserved;
// latency is measured from each request's scheduled send time and filed under the window it was
// scheduled in (no coordinated omission).
import { request as httpRequest, Agent } from 'node:http';
import { CC_CLIENT, REFRESH_CLIENT } from './clients.mjs';
import { basic, refreshBody } from './oauth-flow.mjs';
import { load1, sleep } from './e2e.mjs';

const CC_BODY = 'grant_type=client_credentials';

/**
 * @param servers started servers (bench/lib/e2e.mjs startServer()); their stats() must report `served`
 * @param opts grant, rate (total req/s, shared equally), windowMs, windows (measured), warmupMs,
 *   pools (one refresh-token pool per server, for grant refresh_token)
 * @returns {{ windows: {cpuUs: number[], served: number[], latencies: number[][]}[], totals: object[] }}
 */
export async function interleavedLoad(servers, { grant, rate, windowMs, windows, warmupMs = 0, pools = [] }) {
  const k = servers.length;
  const cc = grant === 'client_credentials';
  const auth = cc ? basic(CC_CLIENT.client_id, CC_CLIENT.client_secret) : basic(REFRESH_CLIENT.client_id, REFRESH_CLIENT.client_secret);
  // fifo: every pooled socket is reused in turn, so none sits idle past the server's keep-alive
  // timeout (with lifo, a rarely used one was closed by the server as a request went out on it).
  const targets = servers.map((s, i) => {
    const u = new URL('/token', s.url);
    return { host: u.hostname, port: u.port, resource: s.resource, pool: pools[i], agent: new Agent({ keepAlive: true, maxSockets: 64, scheduling: 'fifo' }) };
  });
  const totals = servers.map(() => ({ sent: 0, ok: 0, non2xx: 0, errors: 0, starved: 0, lost: 0, inFlight: 0 }));
  // latencies[w][server]: ms, by the window the request was scheduled in (w = -1: warm-up, dropped)
  const latencies = Array.from({ length: windows }, () => servers.map(() => []));
  const intervalNs = BigInt(Math.round(1e9 / rate));
  const warmupNs = BigInt(Math.round(warmupMs * 1e6));
  const windowNs = BigInt(Math.round(windowMs * 1e6));

  // The dealing order changes every window, through every permutation of the servers: with one
  // fixed order A B C, a plain server in the third place cost 1.5–2 % less CPU per request than
  // the same plain server in the first (an A/A/A run, load 8), a bias of the place that landed on
  // the instrumented server. Over all orders each server has each place and each predecessor.
  const perms = permutations(k);
  const send = (i, due, start) => {
    const t = targets[i];
    const tot = totals[i];
    let body = CC_BODY;
    if (!cc) {
      const rt = t.pool.shift();
      if (rt === undefined) return void tot.starved++;
      body = refreshBody(rt, t.resource);
    }
    const rel = due - start - warmupNs;
    const w = rel < 0n ? -1 : Number(rel / windowNs);
    tot.sent++;
    tot.inFlight++;
    const req = httpRequest({ agent: t.agent, host: t.host, port: t.port, path: '/token', method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => {
        tot.inFlight--;
        if (r.statusCode >= 200 && r.statusCode < 300) {
          tot.ok++;
          if (w >= 0 && w < windows) latencies[w][i].push(Number(process.hrtime.bigint() - due) / 1e6);
          if (!cc) {
            try {
              t.pool.push(JSON.parse(Buffer.concat(chunks).toString()).refresh_token);
            } catch {
              tot.lost++;
            }
          }
        } else tot.non2xx++;
      });
    });
    req.on('error', () => {
      tot.inFlight--;
      tot.errors++;
    });
    req.end(body);
  };

  const snapshot = async () => {
    const st = await Promise.all(servers.map((s) => s.stats()));
    return st.map((x) => (x === undefined ? undefined : { cpuUs: x.cpu.user + x.cpu.system, mainUs: x.thread ? x.thread.user + x.thread.system : NaN, served: x.served, gcUs: (x.gcMs ?? 0) * 1000, listenerUs: Object.values(x.listenerMs ?? {}).reduce((s, v) => s + v, 0) * 1000, listenerMs: x.listenerMs ?? {}, listenerCpuUs: x.listenerCpuUs ?? {}, listenerCpuTotalUs: Object.values(x.listenerCpuUs ?? {}).reduce((s, v) => s + v, 0) }));
  };

  const start = process.hrtime.bigint();
  const total = Math.round((rate * (warmupMs + windows * windowMs)) / 1000);
  let next = 0;
  const generated = new Promise((resolve) => {
    const tick = () => {
      const now = process.hrtime.bigint();
      for (let due = start + BigInt(next) * intervalNs; next < total && due <= now; due = start + BigInt(next) * intervalNs) {
        const rel = due - start - warmupNs;
        const w = rel < 0n ? 0 : Number(rel / windowNs);
        send(perms[w % perms.length][next % k], due, start);
        next++;
      }
      if (next < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });

  // Snapshots at the window boundaries, on the generator's clock.
  const snaps = [];
  const loads = [];
  for (let w = 0; w <= windows; w++) {
    const at = start + warmupNs + BigInt(w) * windowNs;
    const waitMs = Number(at - process.hrtime.bigint()) / 1e6;
    if (waitMs > 0) await sleep(waitMs);
    snaps.push(await snapshot());
    loads.push(load1());
  }
  await generated;
  for (let i = 0; i < 200 && totals.some((t) => t.inFlight > 0); i++) await sleep(10);
  for (const t of targets) t.agent.destroy();

  const out = [];
  for (let w = 0; w < windows; w++) {
    const a = snaps[w];
    const b = snaps[w + 1];
    out.push({
      cpuUs: servers.map((_, i) => (a[i] && b[i] ? b[i].cpuUs - a[i].cpuUs : NaN)),
      served: servers.map((_, i) => (a[i] && b[i] ? b[i].served - a[i].served : NaN)),
      mainUs: servers.map((_, i) => (a[i] && b[i] ? b[i].mainUs - a[i].mainUs : NaN)),
      gcUs: servers.map((_, i) => (a[i] && b[i] ? b[i].gcUs - a[i].gcUs : NaN)),
      listenerUs: servers.map((_, i) => (a[i] && b[i] ? b[i].listenerUs - a[i].listenerUs : NaN)),
      listenerCpuUs: servers.map((_, i) => (a[i] && b[i] ? b[i].listenerCpuTotalUs - a[i].listenerCpuTotalUs : NaN)),
      listenerCpuByEventUs: servers.map((_, i) => (a[i] && b[i] ? Object.fromEntries(Object.keys(b[i].listenerCpuUs).map((k) => [k, b[i].listenerCpuUs[k] - (a[i].listenerCpuUs[k] ?? 0)])) : {})),
      listenerByEventUs: servers.map((_, i) => (a[i] && b[i] ? Object.fromEntries(Object.keys(b[i].listenerMs).map((k) => [k, (b[i].listenerMs[k] - (a[i].listenerMs[k] ?? 0)) * 1000])) : {})),
      latencies: latencies[w],
      load1: loads[w + 1],
    });
  }
  return { windows: out, totals };
}

/** All orderings of 0..k-1 (k ≤ 5 here: 120 at most). */
function permutations(k) {
  const out = [];
  const walk = (prefix, rest) => {
    if (rest.length === 0) return void out.push(prefix);
    for (let i = 0; i < rest.length; i++) walk([...prefix, rest[i]], [...rest.slice(0, i), ...rest.slice(i + 1)]);
  };
  walk([], [...Array(k).keys()]);
  return out;
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);

/**
 * Per block of consecutive windows (a "pair" of the report: every block holds both the A/B and the
 * A/A comparison, measured at the same time): CPU per request of each server as Σcpu / Σserved
 * over the block (so a GC pause counts where it fell, not trimmed), the median of the per-window
 * CPU ratios (robust to one window's major GC), and p99 latency of each server over the block.
 */
export function blockStats(windows, blocks, { base = 0 } = {}) {
  const per = Math.floor(windows.length / blocks);
  const out = [];
  for (let b = 0; b < blocks; b++) {
    const ws = windows.slice(b * per, (b + 1) * per);
    const k = ws[0].cpuUs.length;
    const cpuPerReq = [];
    const p99 = [];
    const p50 = [];
    const windowRatios = [];
    for (let i = 0; i < k; i++) {
      const cpu = ws.reduce((s, w) => s + w.cpuUs[i], 0);
      const n = ws.reduce((s, w) => s + w.served[i], 0);
      cpuPerReq.push(cpu / Math.max(1, n));
      const lat = ws.flatMap((w) => w.latencies[i]).sort((x, y) => x - y);
      p99.push(percentile(lat, 99));
      p50.push(percentile(lat, 50));
      windowRatios.push(median(ws.map((w) => w.cpuUs[i] / w.served[i] / (w.cpuUs[base] / w.served[base]))));
    }
    out.push({ block: b + 1, cpuPerReq, cpuRatio: cpuPerReq.map((c) => c / cpuPerReq[base]), windowMedianCpuRatio: windowRatios, p50, p99, p99Ratio: p99.map((x) => x / p99[base]), load1: ws.at(-1).load1 });
  }
  return out;
}

export const median = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * 95 % interval of the median of `xs` by bootstrap (resampling with replacement, a fixed seed so
 * a run's report is reproducible from its JSON). This is the spread of the ESTIMATOR (a median
 * over pairs), the right yardstick for a claim about that median; the range of single pairs is
 * the spread of one pair and is printed beside it.
 */
export function medianInterval(xs, { iters = 4000, seed = 0x9e3779b9 } = {}) {
  const v = xs.filter(Number.isFinite);
  if (v.length === 0) return [NaN, NaN];
  let s = seed >>> 0;
  const rnd = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const meds = new Float64Array(iters);
  const sample = new Array(v.length);
  for (let i = 0; i < iters; i++) {
    for (let j = 0; j < v.length; j++) sample[j] = v[Math.floor(rnd() * v.length)];
    meds[i] = median(sample);
  }
  meds.sort();
  return [meds[Math.floor(0.025 * iters)], meds[Math.ceil(0.975 * iters) - 1]];
}
