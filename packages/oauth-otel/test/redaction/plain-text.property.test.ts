/**
 * scan()'s clean-string check (patterns.ts plainText) is only a shortcut: whenever it says
 * "clean", the MARKERS regex and the provider-prefix scan it replaces find nothing. Strings are
 * built from every piece a MARKERS alternative or a provider credential starts with, in any
 * case, next to blanks, dashes, quotes and non-ASCII text.
 */
import fc from 'fast-check';
import { createKeyTable } from '../../src/redaction/keys';
import { MARKERS, PLAIN_TEXT_MARKERS, PLAIN_TEXT_ON, createTextScanner, plainText } from '../../src/redaction/patterns';

const PIECES = [
  'bearer', 'Basic', 'DPOP', 'dpop', 'pass', 'PASSWORD', 'passwd', 'requirepass', 'masterauth', 'identified', 'by', 'eyJ', 'EYj', 'e',
  '-----BEGIN', '-', '--', '--flag', '-u', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', 'sk-proj-abcdefghijklmnopqrstuvwxyz012345',
  'AKIAIOSFODNN7EXAMPLE', 'xoxb-123456789012-abcdefghij', 'glpat-abcdefghijklmnopqrst', 'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH',
  ' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u2028', 'a', 'Z', '9', '_', '.', '/', '=', ':', '%', '%3D', '<', '<a', '"', "'", '+', '\\', '\\n', ',',
  'token', 'é', 'x', 'gh', 'sk', 'AK', 'values', 'VALUES', '(', ')',
];
const text = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 4 })), { maxLength: 12 }).map((p) => p.join(''));

describe('plainText (scan fast check)', () => {
  let scanner: ReturnType<typeof createTextScanner> | undefined;
  const keys = createKeyTable([], [], (s) => scanner!.hasMarkers(s));
  scanner = createTextScanner({ classify: keys.classify, mask: () => '[REDACTED]', extraPatterns: [], maxStringLength: 4096 });

  it('is checked against the current MARKERS (else scan() runs without it)', () => {
    expect(MARKERS.source).toBe(PLAIN_TEXT_MARKERS);
    expect(PLAIN_TEXT_ON).toBe(true);
  });

  it('says clean only when neither MARKERS nor a provider prefix matches', () => {
    let clean = 0;
    fc.assert(
      fc.property(text, (s) => {
        if (!plainText(s)) return;
        clean++;
        // hasMarkers = MARKERS or a provider credential at a word start.
        expect(scanner!.hasMarkers(s)).toBe(false);
      }),
      { numRuns: 20_000 },
    );
    // Not vacuous: a good share of the strings were judged clean.
    expect(clean).toBeGreaterThan(1000);
  });

  it('clean prose, ids and UUIDs are judged clean; each marker is not', () => {
    for (const s of ['Token refreshed successfully for session 12', 'user_8f3a2c9d1e', '550e8400-e29b-41d4-a716-446655440000', 'read:user repo'.replace(':', ' ')]) {
      expect(plainText(s)).toBe(true);
    }
    for (const s of ['a=b', 'x: y', 'Bearer abc', 'my password hunter2', 'eyJhbGci', '-----BEGIN X', ' --user u', 'sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'café au lait']) {
      expect(plainText(s)).toBe(false);
    }
  });
});
