// Round-robin timing in CPU time for the redaction benchmarks: process.cpuUsage, not wall time,
// because on the shared 2-core VM wall time also counts the other processes' turns (A/A pairs
// disagreed by up to 190 % in wall time, by a few % in CPU time).

let sink;
/** CPU time of this process, in ns. */
export const cpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};
/** CPU ns per call of `fn` over `iters` calls, cycling through `inputs` (a power-of-two length). */
export function timeBlock(fn, inputs, iters) {
  const mask = inputs.length - 1;
  const t0 = cpuNs();
  for (let i = 0; i < iters; i++) sink = fn(inputs[i & mask]);
  return (cpuNs() - t0) / iters;
}
/** Iterations that take about `roundMs` of CPU. */
export function calibrate(fn, inputs, roundMs) {
  let iters = 64;
  for (;;) {
    const t0 = cpuNs();
    timeBlock(fn, inputs, iters);
    const ms = (cpuNs() - t0) / 1e6;
    if (ms > 5 || iters > 1 << 22) return Math.max(16, Math.round((iters * roundMs) / Math.max(ms, 0.01)));
    iters *= 4;
  }
}
export const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
/** Keeps the results observable so that the calls are not optimized away. */
export const observed = () => sink === Symbol.for('never');
