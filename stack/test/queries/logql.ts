/**
 * LogQL analysis on @grafana/lezer-logql (the grammar of Grafana's Loki query editor): syntax
 * errors, stream matchers, label-filter stages on structured metadata, grouping labels, parsers.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@grafana/lezer-logql') as { parser: { parse(input: string): Tree } };

export interface LogMatcher {
  label: string;
  op: string;
  /** string value (unquoted) of `=`, `!=`, `=~`, `!~`; the literal text of a number/duration filter */
  value: string;
  numeric: boolean;
}

export interface LogQLAnalysis {
  errors: string[];
  streamMatchers: LogMatcher[];
  labelFilters: LogMatcher[];
  groupingLabels: string[];
  unwrapLabels: string[];
  /** json, logfmt, regexp, pattern, unpack: the records are OTLP, fields need no parser */
  parsers: string[];
  /** Is it a metric query (a number per series) rather than a log query? */
  metric: boolean;
}

export function parseLogQL(expr: string): Tree {
  return parser.parse(expr);
}

const text = (expr: string, n: SyntaxNode) => expr.slice(n.from, n.to);

/** LogQL strings: "..." with Go escapes, or `...` raw. */
function unquote(lit: string): string {
  if (lit.startsWith('`')) return lit.slice(1, -1);
  return JSON.parse(lit) as string;
}

const PARSER_NODES: Record<string, string> = {
  LabelParser: 'json/logfmt/unpack',
  JsonExpressionParser: 'json',
  LogfmtParser: 'logfmt',
  LogfmtExpressionParser: 'logfmt',
};

export function analyzeLogQL(expr: string): LogQLAnalysis {
  const tree = parseLogQL(expr);
  const a: LogQLAnalysis = {
    errors: [],
    streamMatchers: [],
    labelFilters: [],
    groupingLabels: [],
    unwrapLabels: [],
    parsers: [],
    metric: false,
  };
  const matcher = (n: SyntaxNode): LogMatcher | undefined => {
    const id = n.getChild('Identifier');
    const str = n.getChild('String');
    const op = id?.nextSibling;
    if (!id || !op) return undefined;
    return { label: text(expr, id), op: text(expr, op), value: str ? unquote(text(expr, str)) : '', numeric: false };
  };
  tree.iterate({
    enter(ref) {
      const n = ref.node;
      if (n.type.isError) {
        a.errors.push(`syntax error at ${n.from}: …${expr.slice(Math.max(0, n.from - 20), n.to + 20)}…`);
        return undefined;
      }
      switch (n.name) {
        case 'MetricExpr':
          a.metric = true;
          return undefined;
        case 'Selector': {
          // `a, b, c` nests as Matchers(Matchers(Matchers(a), b), c)
          const walk = (x: SyntaxNode | null) => {
            for (let c = x?.firstChild; c; c = c.nextSibling) {
              if (c.name === 'Matcher') {
                const m = matcher(c);
                if (m) a.streamMatchers.push(m);
              } else if (c.name === 'Matchers') walk(c);
            }
          };
          walk(n.getChild('Matchers'));
          return false;
        }
        case 'LabelFilter': {
          const m = n.getChild('Matcher');
          if (m) {
            const x = matcher(m);
            if (x) a.labelFilters.push(x);
          }
          for (const kind of ['NumberFilter', 'UnitFilter', 'IpLabelFilter']) {
            const f = n.getChild(kind);
            if (!f) continue;
            const inner = f.name === 'UnitFilter' ? (f.firstChild ?? f) : f;
            const id = inner.getChild('Identifier');
            const op = id?.nextSibling;
            if (id && op) {
              a.labelFilters.push({ label: text(expr, id), op: text(expr, op), value: expr.slice(op.to, inner.to).trim(), numeric: true });
            }
          }
          return undefined; // `a or b` nests LabelFilters
        }
        case 'Grouping':
          for (const id of n.getChild('Labels')?.getChildren('Identifier') ?? []) a.groupingLabels.push(text(expr, id));
          return false;
        case 'UnwrapExpr': {
          const id = n.getChild('Identifier');
          if (id) a.unwrapLabels.push(text(expr, id));
          return undefined;
        }
        default:
          if (PARSER_NODES[n.name]) a.parsers.push(text(expr, n));
          return undefined;
      }
    },
  });
  return a;
}
