import { Writable } from 'node:stream';

/** A stream for a logger's `destination` that keeps the lines written to it. */
export function lineCapture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk).trimEnd());
      cb();
    },
  });
  return { lines, stream };
}

/** Captures the JSON lines the package writes to the real process.stdout stream. */
export class StdoutCapture {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  private spy: jest.SpyInstance | undefined;

  start(): this {
    const write = process.stdout.write.bind(process.stdout);
    this.spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      let handled = false;
      for (const line of text.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          this.lines.push(JSON.parse(line) as Record<string, unknown>);
          this.raw.push(line);
          handled = true;
        } catch {
          /* not ours */
        }
      }
      if (!handled) return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }) as never);
    return this;
  }

  stop(): void {
    this.spy?.mockRestore();
  }
}
