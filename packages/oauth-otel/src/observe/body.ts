import { gunzipSync, inflateSync, brotliDecompressSync, constants } from 'node:zlib';

/**
 * Bytes of one direction of an OAuth exchange, kept up to a cap: a hostile peer cannot make the
 * observer hold more. Chunks are copied (the caller may reuse its buffer) and wiped after parsing,
 * because token requests and responses carry credentials.
 */
export class CappedBytes {
  private chunks: Buffer[] = [];
  private size = 0;
  /** True once bytes beyond the cap were seen (the body is then never parsed: fields may be cut). */
  overflow = false;

  constructor(private readonly cap: number) {}

  push(chunk: unknown): void {
    if (this.overflow || !(chunk instanceof Uint8Array)) return;
    if (chunk.byteLength > this.cap - this.size) {
      this.overflow = true;
      this.wipe();
      return;
    }
    this.chunks.push(Buffer.from(chunk));
    this.size += chunk.byteLength;
  }

  /** The bytes (undefined when over the cap), decoded from gzip/deflate/br within the same cap. */
  take(contentEncoding: string | undefined): Buffer | undefined {
    if (this.overflow) return undefined;
    if (this.chunks.length > 1) {
      const whole = Buffer.concat(this.chunks, this.size);
      for (const c of this.chunks) c.fill(0);
      this.chunks = [whole];
    }
    const raw = this.chunks[0] ?? Buffer.alloc(0);
    if (contentEncoding === undefined || contentEncoding === 'identity') return raw;
    let decoded: Buffer | undefined;
    try {
      const opts = { maxOutputLength: this.cap };
      if (contentEncoding === 'gzip' || contentEncoding === 'x-gzip') decoded = gunzipSync(raw, opts);
      else if (contentEncoding === 'deflate') decoded = inflateSync(raw, opts);
      else if (contentEncoding === 'br') decoded = brotliDecompressSync(raw, { ...opts, params: { [constants.BROTLI_PARAM_SIZE_HINT]: 0 } });
    } catch {
      // Over the cap once decoded, or corrupt: not parsed.
    }
    // The decoded copy is wiped with the rest.
    if (decoded !== undefined) this.chunks.push(decoded);
    return decoded;
  }

  /** Zeroes and forgets the kept bytes. */
  wipe(): void {
    for (const c of this.chunks) c.fill(0);
    this.chunks = [];
    this.size = 0;
  }
}
