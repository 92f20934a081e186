/** The line the package logger writes to stdout for one case (a string is the message, anything
 *  else the meta of a `rec` message): what an app's log shipper would read. */
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logs/logger';

const lines: string[] = [];
const logger = createLogger({
  destination: new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString('utf8')); cb(); } }),
  otel: false,
  level: 'info',
});

export function stdoutLine(input: unknown): string {
  lines.length = 0;
  if (typeof input === 'string') logger.info(input);
  else logger.info('rec', input as Record<string, unknown>);
  return lines.join('');
}
