/**
 * The DCR abuse detectors' pure parts, by class: the source class of any address, and memory
 * bounded by `maxTracked` whatever the registrations (distinct sources, distinct clients).
 * Their behaviour against the real example AS is in threats.test.ts.
 */
import fc from 'fast-check';
import { RegistrationChecks, sourceClass } from '../../src/adapters/oidc-provider/registration';

const octet = fc.integer({ min: 0, max: 255 });
const v4 = (a: fc.Arbitrary<number>, b: fc.Arbitrary<number> = octet) => fc.tuple(a, b, octet, octet).map((o) => o.join('.'));

test('IPv4: loopback, private (RFC 1918, link-local, CGNAT) and public by range; IPv4-mapped IPv6 alike', () => {
  fc.assert(fc.property(v4(fc.constant(127)), (ip) => expect([sourceClass(ip), sourceClass(`::ffff:${ip}`)]).toEqual(['loopback', 'loopback'])));
  fc.assert(
    fc.property(fc.oneof(v4(fc.constant(10)), v4(fc.constant(172), fc.integer({ min: 16, max: 31 })), v4(fc.constant(192), fc.constant(168)), v4(fc.constant(169), fc.constant(254)), v4(fc.constant(100), fc.integer({ min: 64, max: 127 }))), (ip) =>
      expect([sourceClass(ip), sourceClass(`::ffff:${ip}`)]).toEqual(['private', 'private']),
    ),
  );
  fc.assert(fc.property(v4(fc.constantFrom(1, 8, 23, 45, 198, 203, 223)), (ip) => expect(sourceClass(ip)).toBe('public')));
});

test('IPv6: ::1 loopback, fc00::/7 and fe80::/10 private, others public; anything else unknown', () => {
  expect(sourceClass('::1')).toBe('loopback');
  fc.assert(fc.property(fc.ipV6(), (ip) => expect(['loopback', 'private', 'public']).toContain(sourceClass(ip))));
  expect(sourceClass('fd12:3456::1')).toBe('private');
  expect(sourceClass('fe80::1')).toBe('private');
  expect(sourceClass('2001:db8::1')).toBe('public');
  fc.assert(fc.property(fc.string({ maxLength: 60 }).filter((s) => !/^[\d.:a-fA-F]+$/.test(s)), (s) => expect(sourceClass(s)).toBe('unknown')));
  expect(sourceClass(undefined)).toBe('unknown');
});

test('memory is bounded by maxTracked, whatever the sources and clients', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 50 }), fc.array(fc.tuple(fc.ipV4(), fc.string({ minLength: 1, maxLength: 12 })), { minLength: 1, maxLength: 300 }), (maxTracked, regs) => {
      const checks = new RegistrationChecks({ maxPerSource: 1_000_000, windowMs: 60_000, allowHttpRedirectUris: true, allowIpLiteralRedirectUris: true, abandonedAfterMs: 3_600_000, maxTracked });
      for (const [ip, id] of regs) checks.registered(ip, id, [], {});
      const state = checks as unknown as { windows: Map<unknown, unknown>; pending: Map<unknown, unknown> };
      expect(state.windows.size).toBeLessThanOrEqual(maxTracked);
      expect(state.pending.size).toBeLessThanOrEqual(maxTracked);
    }),
    { numRuns: 50 },
  );
});
