import type { Attributes, Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Redactor } from '../redaction';

/**
 * The egress policy for spans: every string attribute, event attribute, link attribute and the
 * status message of every span — the app's own HTTP spans too, whose `url.full` / `url.query`
 * carry the callback's `code` and `state` — is redacted while the span is still writable
 * (`onEnding`, before any exporter sees it). oauth-otel's own span values are closed-vocabulary
 * labels and fingerprints by construction; this covers everything else on the same pipeline.
 * Put it first in `spanProcessors`.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  private readonly clean = new CleanPairs();

  constructor(private readonly redactor: Redactor) {}

  onStart(_span: Span, _ctx: Context): void {}

  onEnding(span: Span): void {
    try {
      const r = this.redactor;
      const known = this.clean;
      clean(span.attributes, r, known);
      for (const e of span.events) if (e.attributes) clean(e.attributes, r, known);
      for (const l of span.links) if (l.attributes) clean(l.attributes, r, known);
      const msg = span.status.message;
      if (typeof msg === 'string') span.setStatus({ code: span.status.code, message: r.redactString(msg) });
      const name = opaqueSegments(r.redactString(span.name));
      if (name !== span.name) span.updateName(name);
    } catch {
      /* never throw into the app's span.end() */
    }
  }

  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * HTTP instrumentations name spans and set attributes from the full URL (Next.js: `fetch GET
 * https://as/interaction/<uid>`), and OAuth servers put session handles in paths (oidc-provider's
 * interaction id, which is also its cookie's value), copied again into other attributes
 * (`next.span_name`). No key or pattern names those, so in every span string an opaque path
 * segment — 16+ URL-safe characters mixing letters and digits after a `/` — is masked; words,
 * numbers and route names stay readable.
 */
const OPAQUE_SEGMENT = /\/(?=[A-Za-z0-9_-]{0,200}[0-9])(?=[A-Za-z0-9_-]{0,200}[A-Za-z])[A-Za-z0-9_-]{16,}(?=[/?#\s"']|$)/g;
function opaqueSegments(s: string): string {
  return s.includes('/') ? s.replace(OPAQUE_SEGMENT, '/[REDACTED]') : s;
}

/**
 * String attributes (key and value) that this processor's redactor left unchanged. Redaction of
 * one attribute is a function of its key and value alone (clean() redacts each as `{key: value}`),
 * so a pair seen clean once is clean again: the values that repeat on every span — the adapter's
 * closed-vocabulary event attributes, HTTP methods, routes — are redacted once, not once per span
 * (four such event attributes cost ~7 µs per request to re-redact). Only pairs that came back
 * unchanged are kept, so the memo never holds a secret, and it is cleared when full, so unique
 * values (ids, URLs) cost one insert each and never grow it past MAX_CLEAN_PAIRS.
 */
const MAX_CLEAN_PAIRS = 4096;
const MAX_CLEAN_VALUE = 256;
class CleanPairs {
  private readonly byKey = new Map<string, Set<string>>();
  private size = 0;

  has(k: string, v: string): boolean {
    const values = this.byKey.get(k);
    return values !== undefined && values.has(v);
  }

  add(k: string, v: string): void {
    if (v.length > MAX_CLEAN_VALUE || k.length > MAX_CLEAN_VALUE) return;
    if (this.size >= MAX_CLEAN_PAIRS) {
      this.byKey.clear();
      this.size = 0;
    }
    let values = this.byKey.get(k);
    if (values === undefined) this.byKey.set(k, (values = new Set()));
    if (!values.has(v)) {
      values.add(v);
      this.size++;
    }
  }
}

function clean(attrs: Attributes, r: Redactor, known: CleanPairs): void {
  const a = attrs as Record<string, unknown>;
  for (const k in a) {
    const v = a[k];
    if (typeof v === 'string') {
      if (known.has(k, v)) continue;
      // A secret-named key (`authorization`, `oauth.code`) loses its value whatever it looks like.
      const red = r.redact({ [k]: v }) as Record<string, unknown>;
      const out = opaqueSegments(typeof red[k] === 'string' ? r.redactString(red[k] as string) : r.redactString(v));
      if (out === v) known.add(k, v);
      else a[k] = out;
    } else if (Array.isArray(v)) {
      a[k] = v.map((x) => (typeof x === 'string' ? opaqueSegments(r.redactString(x)) : x));
    }
  }
}
