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
  constructor(private readonly redactor: Redactor) {}

  onStart(_span: Span, _ctx: Context): void {}

  onEnding(span: Span): void {
    try {
      const r = this.redactor;
      clean(span.attributes, r);
      for (const e of span.events) if (e.attributes) clean(e.attributes, r);
      for (const l of span.links) if (l.attributes) clean(l.attributes, r);
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

function clean(attrs: Attributes, r: Redactor): void {
  const a = attrs as Record<string, unknown>;
  for (const k in a) {
    const v = a[k];
    if (typeof v === 'string') {
      // A secret-named key (`authorization`, `oauth.code`) loses its value whatever it looks like.
      const red = r.redact({ [k]: v }) as Record<string, unknown>;
      a[k] = opaqueSegments(typeof red[k] === 'string' ? r.redactString(red[k] as string) : r.redactString(v));
    } else if (Array.isArray(v)) {
      a[k] = v.map((x) => (typeof x === 'string' ? opaqueSegments(r.redactString(x)) : x));
    }
  }
}
