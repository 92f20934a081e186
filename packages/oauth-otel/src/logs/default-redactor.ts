import { createRedactor, type Redactor } from '../redaction';

let shared: Redactor | undefined;

/**
 * The default policy's redactor, one per process, shared by createLogger() and
 * createOAuthLogRecordProcessors() when neither is given a policy: the same object on both
 * sides lets the processor recognize a record the logger already redacted (fast-info.ts).
 */
export function defaultLogRedactor(): Redactor {
  return (shared ??= createRedactor());
}
