/**
 * The classes an independent corpus (issue 15, second round) still found after the first fixes,
 * kept closed as generators: provider credentials with no fixed opening (gitleaks' infix rules),
 * argv arrays judged by their command, prose that gives a secret, Map keys that are credentials,
 * Scala `->` pairs, Oracle `user/pw@//`, Stripe-Signature, raw `apikey` headers, tickets,
 * percent-encoded credential tails, WordPress session cookies; and on the harmless side preference
 * cookies, plain account names as URL userinfo and prose about tokens. Each case goes through
 * redact(), redactString() and the package logger's stdout line.
 */
import fc from 'fast-check';
import { redact, redactString } from '../../src/redaction';
import { AN, HEX, opaqueArb, passwordArb, str, windows, type Case } from '../support/independent-arbitraries';
import { stdoutLine } from '../support/stdout-line';

const leakCaseArb: fc.Arbitrary<Case> = fc.oneof(
  // Provider credentials with no fixed opening, by their gitleaks infix (telegram, Azure AD,
  // Mailchimp, Terraform Cloud) and Notion's legacy `secret_`.
  fc.tuple(fc.oneof(
    fc.tuple(str('0123456789', 8, 10), str(`${AN}_-`, 34)).map(([id, b]) => `${id}:A${b}`),
    fc.tuple(str(`${AN}_~.`, 3), fc.integer({ min: 0, max: 9 }), str(`${AN}_~.-`, 31, 34)).map(([a, d, b]) => `${a}${d}Q~${b}`),
    fc.tuple(str(HEX, 32), fc.integer({ min: 1, max: 21 })).map(([h, dc]) => `${h}-us${dc}`),
    fc.tuple(str(AN, 14), str(`${AN}_=-`, 60, 70)).map(([a, b]) => `${a}.atlasv1.${b}`),
    str(AN, 43).map((b) => `secret_${b}`),
  ), fc.constantFrom('text', 'field', 'array')).map(([v, where]) => ({
    input: where === 'text' ? `deploy step failed: exit 1 (used ${v})` : where === 'field' ? { value: v, source: 'env' } : { data: { items: [{ name: 'ci', val: v }] } },
    secret: v,
  })),
  // argv arrays judged by their command (no command line text around them).
  fc.tuple(fc.constantFrom('sshpass', 'redis-cli', 'docker', 'mysql', 'htpasswd', 'htpasswd-n'), opaqueArb).map(([cmd, p]) => ({
    input: {
      argv: cmd === 'sshpass' ? ['sshpass', '-p', p, 'ssh', 'deploy@host'] : cmd === 'redis-cli' ? ['redis-cli', '-a', p, '-h', 'cache']
        : cmd === 'docker' ? ['docker', 'login', '-u', 'bot', '-p', p, 'ghcr.io'] : cmd === 'mysql' ? ['/usr/bin/mysql', '-h', 'db', '-u', 'root', `-p${p}`, 'app']
          : cmd === 'htpasswd' ? ['htpasswd', '-bB', '.htpasswd', 'admin', p] : ['htpasswd', '-nb', 'admin', p],
    },
    secret: p,
  })),
  fc.tuple(opaqueArb, fc.boolean()).map(([p, n]) => ({ input: n ? `htpasswd -nb admin ${p}` : `htpasswd -b .htpasswd admin ${p}`, secret: p })),
  // Prose that gives the secret: quoted after `<secret word> is|was`, or credential-shaped.
  fc.tuple(fc.constantFrom('secret', 'password', 'Password', 'passphrase', 'api key', 'token'), fc.constantFrom('is', 'was'),
    fc.oneof(passwordArb, fc.array(fc.constantFrom('harbor', 'orange', 'meadow', 'quantum'), { minLength: 3, maxLength: 5 }).map((w) => w.join(' '))),
    fc.constantFrom('"', "'", '`')).filter(([, , p, q]) => !p.includes(q)).map(([w, verb, p, q]) => ({ input: `the ${w} ${verb} ${q}${p}${q}`, secret: p })),
  fc.tuple(fc.uint8Array({ minLength: 20, maxLength: 40 }), fc.constantFrom('token', 'Token')).map(([b, t]) => ({ input: `using ${t} ${Buffer.from(b).toString('base64url')}a1 for upstream`, secret: `${Buffer.from(b).toString('base64url')}a1` })),
  // A Map keyed by the credential (a token cache).
  fc.oneof(opaqueArb.filter((t) => /[0-9]/.test(t) && /[A-Za-z]/.test(t) && (t.match(/[-_]/g) ?? []).length * 6 <= t.length), str(HEX, 40)).map((t) => ({ input: { cache: new Map([[t, { userId: 1 }]]) }, secret: t })),
  // Scala / Kotlin `->` pairs, Oracle EZConnect, Stripe-Signature, raw `apikey` headers, tickets,
  // percent-encoded credential tails, WordPress session cookies.
  fc.tuple(fc.constantFrom('client_secret', 'password', 'apiKey'), opaqueArb, fc.boolean()).map(([k, v, q]) => ({ input: q ? `Map("${k}" -> "${v}", "grant_type" -> "x")` : `Map(${k} -> ${v}, grant_type -> client_credentials)`, secret: v })),
  fc.tuple(str(AN, 12, 20), fc.boolean()).map(([p, json]) => ({ input: json ? { DATABASE_URL: `jdbc:oracle:thin:scott/${p}@//db:1521/ORCL` } : `connect scott/${p}@//db.internal:1521/ORCL`, secret: p })),
  str(HEX, 64).map((h) => ({ input: `Stripe-Signature: t=1764790000,v1=${h},v0=${h.slice(0, 32)}`, secret: h })),
  str(HEX, 56).map((h) => ({ input: { rawHeaders: ['host', 'api', 'apikey', h] }, secret: h })),
  str(HEX, 32).map((h) => ({ input: `GET /download?iss=x&ticket=${h}&v=1 HTTP/1.1`, secret: h })),
  fc.tuple(str(AN, 40), str(AN, 20)).map(([a, b]) => ({ input: `GET /x?format=json&ticket=sntrys_${a}%2B${b}%2F${b}&v=1`, secret: b })),
  fc.tuple(str(HEX, 32), opaqueArb).map(([h, v]) => ({ input: `"wordpress_logged_in_${h}=${v}"`, secret: v })),
);

const harmlessArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    'the token expired', 'password reset email sent', 'the token is invalid', "the password is 'required'", 'token refresh is scheduled'),
  // Preference cookies stay readable; a username-only userinfo that is an account name too.
  fc.tuple(fc.constantFrom('theme', 'lang', 'locale', 'consent', 'tz'), fc.constantFrom('dark', 'en-US', '1', 'true', 'light', 'Europe')).map(([n, v]) => `Set-Cookie: ${n}=${v}; Path=/; Max-Age=31536000`),
  fc.tuple(fc.constantFrom('alice', 'app', 'deploy-bot', 'john.doe', 'git'), fc.constantFrom('https', 'postgres', 'ssh', 'redis')).map(([u, sc]) => `${sc}://${u}@db.internal:5432/app?sslmode=require`),
);

describe('independent corpus, second round: classes stay closed', () => {
  it('leaks: no planted secret or 10-character window of it in redact(), redactString() or the stdout line', () => {
    fc.assert(
      fc.property(leakCaseArb, ({ input, secret }) => {
        const outs = [JSON.stringify(redact(input)), stdoutLine(input)];
        if (typeof input === 'string') outs.push(redactString(input));
        for (const out of outs) {
          for (const w of windows(secret)) {
            if (out.includes(w)) throw new Error(`leaked ${JSON.stringify(w)} from ${JSON.stringify(input)}\n${out}`);
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('closed by default: session cookies and random cookie values, token-shaped userinfo', () => {
    fc.assert(
      fc.property(fc.constantFrom('theme', 'sid', 'session', 'PHPSESSID', 'auth_token'), opaqueArb.filter((v) => /[A-Z]/.test(v) && /[0-9]/.test(v)), str(AN, 40), (n, v, t) => {
        expect(redactString(`Set-Cookie: ${n}=${v}; Path=/`)).not.toContain(v);
        expect(redactString(`Cookie: theme=dark; ${n}=${v}`)).not.toContain(v);
        expect(redactString(`https://${t}@github.com/acme/repo.git`)).not.toContain(t);
      }),
      { numRuns: 300 },
    );
  });

  it('over-redaction: harmless records come back unchanged', () => {
    fc.assert(
      fc.property(harmlessArb, (input) => {
        expect(redact(input)).toEqual(input);
        if (typeof input === 'string') expect(redactString(input)).toBe(input);
      }),
      { numRuns: 600 },
    );
  });
});
