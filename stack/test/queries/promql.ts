/**
 * PromQL analysis on @prometheus-io/lezer-promql (the grammar of Prometheus' own UI): syntax
 * errors, vector selectors with their matchers, grouping labels, and the "data" form of an
 * expression (thresholds and guards removed) used to prove a query returns data.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: { parse(input: string): Tree } };

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface VectorSelectorInfo {
  /** Metric name, or the value of a `__name__="..."` matcher, or undefined (e.g. `{otel_metric_overflow="true"}`). */
  metric?: string;
  matchers: Matcher[];
  /** Text of the selector without range or offset, runnable on its own. */
  text: string;
}

export interface PromQLAnalysis {
  errors: string[];
  selectors: VectorSelectorInfo[];
  /** Labels named in by/without/on/ignoring/group_left/group_right clauses. */
  groupingLabels: string[];
  /** Labels created by label_replace / label_join (their destination argument). */
  createdLabels: string[];
  functions: string[];
}

export function parsePromQL(expr: string): Tree {
  return parser.parse(expr);
}

const text = (expr: string, n: SyntaxNode) => expr.slice(n.from, n.to);

/** Go-style string literal ("..." with escapes, '...' or `...`) -> value. */
export function unquote(lit: string): string {
  if (lit.startsWith('`')) return lit.slice(1, -1);
  if (lit.startsWith("'")) return JSON.parse('"' + lit.slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"') + '"');
  return JSON.parse(lit) as string;
}

function syntaxErrors(expr: string, tree: Tree): string[] {
  const errors: string[] = [];
  tree.iterate({
    enter(n) {
      if (n.type.isError) {
        const at = expr.slice(Math.max(0, n.from - 20), n.to + 20);
        errors.push(`syntax error at ${n.from}: …${at}…`);
      }
    },
  });
  return errors;
}

export function analyzePromQL(expr: string): PromQLAnalysis {
  const tree = parsePromQL(expr);
  const errors = syntaxErrors(expr, tree);
  const selectors: VectorSelectorInfo[] = [];
  const groupingLabels: string[] = [];
  const createdLabels: string[] = [];
  const functions: string[] = [];

  tree.iterate({
    enter(ref) {
      const n = ref.node;
      switch (n.name) {
        case 'VectorSelector': {
          const info: VectorSelectorInfo = { matchers: [], text: text(expr, n) };
          const id = n.getChild('Identifier');
          if (id) info.metric = text(expr, id);
          const lm = n.getChild('LabelMatchers');
          for (let c = lm?.firstChild; c; c = c.nextSibling) {
            if (c.name !== 'UnquotedLabelMatcher' && c.name !== 'QuotedLabelMatcher') continue;
            const name = c.getChild('LabelName') ?? c.getChild('QuotedLabelName');
            const op = c.getChild('MatchOp');
            const val = c.getChild('StringLiteral');
            if (!name || !op || !val) continue;
            const label = name.name === 'QuotedLabelName' ? unquote(text(expr, name)) : text(expr, name);
            const m: Matcher = { label, op: text(expr, op) as Matcher['op'], value: unquote(text(expr, val)) };
            if (m.label === '__name__' && m.op === '=') info.metric = m.value;
            info.matchers.push(m);
          }
          selectors.push(info);
          return false;
        }
        case 'GroupingLabels':
          for (let c = n.firstChild; c; c = c.nextSibling) {
            if (c.name === 'LabelName') groupingLabels.push(text(expr, c));
          }
          return false;
        case 'FunctionCall': {
          const fid = n.getChild('FunctionIdentifier');
          const fname = fid ? text(expr, fid) : '';
          functions.push(fname);
          if (fname === 'label_replace' || fname === 'label_join') {
            const body = n.getChild('FunctionCallBody');
            const strings = body ? body.getChildren('StringLiteral') : [];
            if (strings[0]) createdLabels.push(unquote(text(expr, strings[0])));
            // label_replace's source label is the 3rd string argument: a read of that label
            if (fname === 'label_replace' && strings[2]) groupingLabels.push(unquote(text(expr, strings[2])));
          }
          return undefined;
        }
        default:
          return undefined;
      }
    },
  });
  return { errors, selectors, groupingLabels, createdLabels, functions };
}

// ---------------------------------------------------------------------------------------------
// The "data" form of an expression

const COMPARISONS = new Set(['Gtr', 'Lss', 'Gte', 'Lte', 'Eql', 'Neq']);
const NUMBER_NODES = new Set(['NumberDurationLiteral', 'NumberLiteral']);

function isNumber(n: SyntaxNode | null): boolean {
  if (!n) return false;
  if (NUMBER_NODES.has(n.name)) return true;
  if (n.name === 'ParenExpr' || n.name === 'UnaryExpr') return isNumber(n.lastChild);
  return false;
}

/** `vector(<number>)` or `0 * <anything>`: a fallback that always has a value. */
function isFallback(expr: string, n: SyntaxNode | null): boolean {
  if (!n) return false;
  if (n.name === 'ParenExpr') return isFallback(expr, n.firstChild?.nextSibling ?? null);
  if (n.name === 'FunctionCall') return /^vector\s*\(/.test(text(expr, n));
  if (n.name === 'BinaryExpr') {
    const [l, op] = [n.firstChild, n.firstChild?.nextSibling];
    return op?.name === 'Mul' && isNumber(l) && Number(text(expr, l!)) === 0;
  }
  return false;
}

/**
 * Rewrite an expression so that it keeps the data it is computed from but no longer filters it:
 * comparisons with a number (`x > 5`, no `bool`) become `x`; `a and b`, `a unless b` become `a`;
 * `a or <fallback>` (vector(0), 0 * x) becomes `a`; `absent(x)` becomes `x` (absent is empty
 * exactly when x has data). Running this form proves that every part the alert or panel depends on
 * has data, where the full expression may be legitimately empty.
 */
export function dataForm(expr: string): string {
  const tree = parsePromQL(expr);
  const rewrite = (n: SyntaxNode): string => {
    if (n.name === 'BinaryExpr') {
      const left = n.firstChild!;
      const op = left.nextSibling!;
      let right = op.nextSibling;
      const mods: SyntaxNode[] = [];
      while (right && (right.name === 'BoolModifier' || right.name === 'MatchingModifierClause')) {
        mods.push(right);
        right = right.nextSibling;
      }
      const hasBool = mods.some((m) => m.name === 'BoolModifier');
      const opNode = op.firstChild ?? op;
      const opName = op.name === 'Gtr' || COMPARISONS.has(op.name) ? op.name : opNode.name;
      if (right && COMPARISONS.has(opName) && !hasBool) {
        if (isNumber(right)) return `(${rewrite(left)})`;
        if (isNumber(left)) return `(${rewrite(right)})`;
      }
      if (right && (opName === 'And' || opName === 'Unless')) return `(${rewrite(left)})`;
      if (right && opName === 'Or' && isFallback(expr, right)) return `(${rewrite(left)})`;
    }
    if (n.name === 'FunctionCall') {
      const id = n.getChild('FunctionIdentifier');
      const arg = n.getChild('FunctionCallBody')?.firstChild;
      if (id && arg && expr.slice(id.from, id.to) === 'absent') return `(${rewrite(arg)})`;
    }
    // copy the node's text with its children rewritten
    let out = '';
    let pos = n.from;
    for (let c = n.firstChild; c; c = c.nextSibling) {
      out += expr.slice(pos, c.from) + rewrite(c);
      pos = c.to;
    }
    return out + expr.slice(pos, n.to);
  };
  return rewrite(tree.topNode).trim();
}

/** Each vector selector alone (no range, no offset): the series an expression reads. */
export function bareSelectors(expr: string): string[] {
  return [...new Set(analyzePromQL(expr).selectors.map((s) => s.text))];
}
