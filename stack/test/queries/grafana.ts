/**
 * Grafana macro and template-variable substitution, so a dashboard query can be parsed and run the
 * way Grafana would send it.
 */

export interface SubstituteOptions {
  /** `$__rate_interval`, `$__interval`, `$__auto` (default `1m`). */
  interval?: string;
  /** `$__range` (default `5m`). */
  range?: string;
  /** Value of a template variable by name (default: `.*`, what an "All" selection with allValue `.*` sends). */
  variables?: Record<string, string>;
}

const DURATION_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };

function seconds(d: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g;
  let total = 0;
  for (const m of d.matchAll(re)) total += Number(m[1]) * DURATION_SECONDS[m[2]!]!;
  return total;
}

/**
 * Replace Grafana's global macros and every `$var`, `${var}`, `${var:format}` and `[[var]]`.
 * Variables default to `.*`; a regex-formatted multi-value selection would be `(a|b)`, which is
 * just as valid inside `=~"..."`.
 */
export function substituteGrafana(expr: string, opts: SubstituteOptions = {}): string {
  const interval = opts.interval ?? '1m';
  const range = opts.range ?? '5m';
  const macros: Record<string, string> = {
    __rate_interval: interval,
    __interval: interval,
    __auto: interval,
    __range: range,
    __interval_ms: String(seconds(interval) * 1000),
    __rate_interval_ms: String(seconds(interval) * 1000),
    __range_s: String(seconds(range)),
    __range_ms: String(seconds(range) * 1000),
  };
  const value = (name: string) => macros[name] ?? opts.variables?.[name] ?? '.*';
  return expr
    .replace(/\$\{([A-Za-z0-9_]+)(?::[A-Za-z0-9_]+)?\}/g, (_, n: string) => value(n))
    .replace(/\[\[([A-Za-z0-9_]+)(?::[A-Za-z0-9_]+)?\]\]/g, (_, n: string) => value(n))
    .replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, n: string) => value(n));
}

/** Does the expression still contain a Grafana variable or macro? */
export const hasGrafanaVariables = (expr: string) => /\$\{?[A-Za-z_]|\[\[[A-Za-z_]/.test(expr);
