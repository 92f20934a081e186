/**
 * The egress guard: a last linear scan over the bytes that leave the process, after the
 * structural redaction. Whatever reached a line or an OTLP record without passing the walk
 * (a `toJSON`, an inspect hook, an object handed on by reference, a processor added after ours)
 * is scanned here as text with the same redactor, so allowKeys and fingerprints stay consistent.
 * Values the walk already redacted (`[REDACTED…]`) are skipped by the scanner, so the guard is
 * idempotent and, on a clean record, changes nothing.
 */
import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { isCleanJson, type Redactor } from '../redaction';

/** What stands in for a line whose redaction could not keep it valid JSON. */
const UNSAFE_LINE = (level: string) => `{"level":${JSON.stringify(level)},"message":"[REDACTED: log line could not be checked]"}`;

/**
 * The stdout JSON line as it leaves. The line is parsed back and walked as pure data (what a
 * `toJSON` or a by-reference path put there is now plain JSON, so the structural pass sees all
 * of it): a clean line is left as it is, at the cost of one JSON.parse and a read-only walk
 * that builds nothing (isCleanJson), instead of a text scan of every `"name":` pair (4× the
 * cost). Otherwise the line is walked; when the walk's copy differs from the parsed data, it is
 * serialized again (always valid JSON). A line that does not parse (not ours) falls back to the text scan, and a scanned line
 * must still be one JSON object or it is replaced by a marker line.
 */
export function guardLine(line: string, redactor: Redactor, level: string): string {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return scanLine(line, redactor, level);
  }
  if (typeof data !== 'object' || data === null) return scanLine(line, redactor, level);
  // The common case: nothing in the line would change. Answered by a read-only walk (no copy).
  if (isCleanJson(redactor, data)) return line;
  const out = redactor.redact(data);
  if (sameJson(data, out, 0)) return line;
  if (typeof out !== 'object' || out === null) return UNSAFE_LINE(level);
  try {
    return JSON.stringify(out);
  } catch {
    return UNSAFE_LINE(level);
  }
}

/** Whether the walk's copy `b` of parsed JSON `a` holds the same data (key order aside). Parsed
 *  JSON nests at most as deep as the line; the walk marks anything deeper, so the depth bound
 *  only stops a hostile nesting from using the stack. */
function sameJson(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || depth > MAX_DEPTH) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (!Object.hasOwn(y, k) || !sameJson(x[k], y[k], depth + 1)) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
}

function scanLine(line: string, redactor: Redactor, level: string): string {
  const out = redactor.redactString(line);
  if (out === line) return line;
  try {
    JSON.parse(out);
    return out;
  } catch {
    return UNSAFE_LINE(level);
  }
}

const MAX_DEPTH = 12;
const MAX_NODES = 10_000;

/** A copy of an OTLP AnyValue with every string scanned; bounded in depth and nodes. */
function guardValue(v: unknown, redactor: Redactor, depth: number, budget: { n: number }): unknown {
  if (typeof v === 'string') return redactor.redactString(v);
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Uint8Array) return v;
  if (depth >= MAX_DEPTH || --budget.n < 0) return '[Truncated]';
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      if (--budget.n < 0) {
        out.push('[Truncated]');
        break;
      }
      out.push(guardValue(v[i], redactor, depth + 1, budget));
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    if (--budget.n < 0) break;
    const nk = redactor.redactString(k);
    Object.defineProperty(out, nk, { value: guardValue((v as Record<string, unknown>)[k], redactor, depth + 1, budget), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A view of `record` whose body and attributes are the guarded copies (everything else is
 *  read through to the record itself). */
function guardRecord(record: ReadableLogRecord, redactor: Redactor): ReadableLogRecord {
  try {
    // The common case: a record the redacting processor left clean. A read-only walk with the
    // same redactor (isCleanJson: the structural policy plus the same text scan of every string
    // and dirty key) answers it without building a view or scanning each string again; anything
    // it is unsure of (non-JSON shapes, limits) takes the scan below.
    if (isCleanJson(redactor, record.body) && isCleanJson(redactor, record.attributes)) return record;
    const budget = { n: MAX_NODES };
    const body = guardValue(record.body, redactor, 0, budget);
    const attributes = guardValue(record.attributes, redactor, 0, budget);
    return Object.create(record, {
      body: { value: body, enumerable: true },
      attributes: { value: attributes, enumerable: true },
    }) as ReadableLogRecord;
  } catch {
    // A record that cannot be checked leaves as a marker, never as it was.
    return Object.create(record, {
      body: { value: '[REDACTED: record could not be checked]', enumerable: true },
      attributes: { value: {}, enumerable: true },
    }) as ReadableLogRecord;
  }
}

/** Wraps an exporter so that every record's string values are scanned as they leave. */
export function guardExporter(inner: LogRecordExporter, redactor: Redactor): LogRecordExporter {
  return {
    export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
      inner.export(records.map((r) => guardRecord(r, redactor)), done);
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}
