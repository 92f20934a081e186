/**
 * Keyed fingerprints (deterministic per key, different across keys, never containing the secret,
 * bit-identical to HMAC-SHA256) and option validation (bad options throw at creation, naming the
 * option; redact() never throws).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { FINGERPRINT_HEX_LENGTH, createRedactor, fingerprintSecret } from '../../src/redaction';
import { OAuthTelemetryConfigError } from '../../src/errors';

const KEY_A = 'a-deployment-key-of-32-bytes-xxx';
const KEY_B = Buffer.from('another-deployment-key-32-bytes!');
const TOKEN = 'gho_16C7e42F292c6912E7710c838347Ae178B4a';

describe('fingerprintSecret', () => {
  it('is 12 hex chars, deterministic per key, different across keys', () => {
    const a1 = fingerprintSecret(TOKEN, KEY_A);
    expect(a1).toMatch(/^[0-9a-f]{12}$/);
    expect(a1).toHaveLength(FINGERPRINT_HEX_LENGTH);
    expect(fingerprintSecret(TOKEN, KEY_A)).toBe(a1);
    expect(fingerprintSecret(TOKEN, KEY_B)).not.toBe(a1);
    expect(fingerprintSecret(`${TOKEN}x`, KEY_A)).not.toBe(a1);
  });

  it('equals the HMAC-SHA256 prefix, for short and long (> 64 byte) keys', () => {
    for (const key of [KEY_A, randomBytes(16), randomBytes(200), 'ü'.repeat(40)]) {
      for (const secret of ['', 'x', TOKEN, 'ü€𝄞'.repeat(50), 'x'.repeat(2000), 'ü'.repeat(600)]) {
        expect(fingerprintSecret(secret, key)).toBe(createHmac('sha256', key).update(secret).digest('hex').slice(0, 12));
      }
    }
  });

  it('never contains the secret', () => {
    for (let i = 0; i < 200; i++) {
      const secret = randomBytes(4).toString('hex').slice(0, 6);
      expect(fingerprintSecret(secret, KEY_A)).not.toContain(secret);
    }
  });

  it('rejects short or missing keys', () => {
    expect(() => fingerprintSecret(TOKEN, 'short')).toThrow(/invalid option key: expected at least 16 bytes, got 5 bytes/);
    expect(() => fingerprintSecret(TOKEN, 42 as unknown as string)).toThrow(/invalid option key: expected a string or a Buffer/);
  });
});

describe('fingerprint mode', () => {
  const r = createRedactor({ fingerprint: { key: KEY_A } });
  const fp = `[REDACTED:${fingerprintSecret(TOKEN, KEY_A)}]`;

  it('follows one token across keys, text and schemes with the same fingerprint', () => {
    const out = r.redact({
      access_token: TOKEN, headers: { Authorization: `Bearer ${TOKEN}` }, msg: `refresh_token=${TOKEN}&x=1`,
      err: new Error(`got {"access_token":"${TOKEN}"}`),
    }) as any;
    expect(out.access_token).toBe(fp);
    expect(out.headers.Authorization).toBe(`Bearer ${fp}`);
    expect(out.msg).toBe(`refresh_token=${fp}&x=1`);
    expect(out.err.message).toBe(`got {"access_token":"${fp}"}`);
    expect(JSON.stringify(out)).not.toContain(TOKEN);
  });

  it('different deployments (keys) give different fingerprints', () => {
    const other = createRedactor({ fingerprint: { key: KEY_B } });
    expect(other.redact({ token: TOKEN })).not.toEqual(r.redact({ token: TOKEN }));
  });

  it('fingerprint: false means the plain marker', () => {
    expect(createRedactor({ fingerprint: false }).redact({ token: TOKEN })).toEqual({ token: '[REDACTED]' });
  });
});

describe('options validation', () => {
  it.each([
    [{ maxDepth: 0 }, /invalid option redaction\.maxDepth:/],
    [{ maxDepth: 1.5 }, /invalid option redaction\.maxDepth:/],
    [{ maxDepth: 5000 }, /invalid option redaction\.maxDepth:/],
    [{ maxStringLength: 10 }, /invalid option redaction\.maxStringLength:/],
    [{ maxNodes: -1 }, /invalid option redaction\.maxNodes:/],
    [{ extraKeys: 'token' }, /invalid option redaction\.extraKeys:/],
    [{ extraKeys: [''] }, /invalid option redaction\.extraKeys:/],
    [{ allowKeys: [1] }, /invalid option redaction\.allowKeys:/],
    [{ extraPatterns: ['x'] }, /invalid option redaction\.extraPatterns:/],
    [{ fingerprint: true }, /invalid option redaction\.fingerprint:/],
    [{ fingerprint: { key: 'short' } }, /fingerprint\.key/],
    [{ maxdepth: 3 }, /invalid option redaction\.maxdepth: .*got an unknown option/],
  ])('%p throws the coded config error naming the option', (opts, re) => {
    expect(() => createRedactor(opts as never)).toThrow(re);
    expect(() => createRedactor(opts as never)).toThrow(OAuthTelemetryConfigError);
  });

  it('accepts valid options', () => {
    expect(() => createRedactor({ maxDepth: 3, maxStringLength: 1000, maxNodes: 50, extraKeys: ['pin'], allowKeys: ['state'], extraPatterns: [/x/g], fingerprint: { key: KEY_B } })).not.toThrow();
  });

  it('maxDepth and maxStringLength take effect', () => {
    const r = createRedactor({ maxDepth: 2, maxStringLength: 100 });
    expect(r.redact({ a: { b: { c: 1 } } })).toEqual({ a: { b: '[MaxDepth]' } });
    const out = r.redactString('y'.repeat(500));
    expect(out).toBe(`${'y'.repeat(100)}…[TRUNCATED 500 chars]`);
  });
});
