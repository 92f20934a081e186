/**
 * Generators of the classes an independent red-team corpus (issue 15) found leaking or
 * over-redacted, by class: the package layer (independent-corpus.property.test.ts) and the
 * collector layer (collector-rules-text.property.test.ts, stack/test/leak-store-raw.test.ts)
 * draw from the same ones.
 */
import fc from 'fast-check';

export const AN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const HEX = '0123456789abcdef';
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const str = (alphabet: string, min: number, max = min) =>
  fc.array(fc.constantFrom(...alphabet.split('')), { minLength: min, maxLength: max }).map((a) => a.join(''));

/** Provider credentials by the prefixes added for this corpus (gitleaks / trufflehog rule ids in detectors.ts). */
const providerArb = fc.oneof(
  str(AN, 20).map((b) => `LTAI${b}`),
  str(`${AN}_-`, 44).map((b) => `tfp_${b}`),
  str(`${AN}_-`, 64).map((b) => `fio-u-${b}`),
  str(HEX, 32).map((b) => `FLWSECK_TEST-${b}-X`),
  str(AN, 32).map((b) => `p8e-${b}`),
  str('abcdefghijklmnopqrstuvwxyz0123456789', 43).map((b) => `oy2${b}`),
  str('abcdefghijklmnopqrstuvwxyz0123456789', 70).map((b) => `rdme_${b}`),
  str(`${AN}_-`, 48).map((b) => `tk-us-${b}`),
  str(`${AN}_-`, 35).map((b) => `AQVN${b}`),
  fc.tuple(str(HEX, 24), str(HEX, 146)).map(([a, b]) => `v1.0-${a}-${b}`),
  str(`${AN}_-`, 43).map((b) => `duffel_live_${b}`),
  str(AN, 32).map((b) => `ico-${b}`),
  str(HEX, 64).map((b) => `s-s4t2ud-${b}`),
  str(UP, 26).map((b) => `API-${b}`),
  fc.tuple(str('0123456789', 18), str(`${AN}_-`, 68)).map(([id, t]) => `https://discord.com/api/webhooks/${id}/${t}`),
  fc.tuple(fc.uuid(), fc.uuid(), str(HEX, 32), fc.uuid()).map(([a, b, h, c]) => `https://acme.webhook.office.com/webhookb2/${a}@${b}/IncomingWebhook/${h}/${c}`),
);
/** The part of a provider credential that must not survive (a webhook URL's host may). */
export const secretPart = (v: string): string => v.replace(/^https:\/\/[^/]+\/(?:api\/webhooks\/|webhookb2\/)/, '');

// No `=` or `%`: `pw&name=x` / `pw&name%3Dx` reads as the next parameter in every format.
const PASSWORD_PUNCT = '!#$^*()&|[]{}`-_+~';
export const passwordArb = fc
  .tuple(str(AN, 6, 10), str(PASSWORD_PUNCT, 1, 3), str(AN, 6, 10))
  .map(([a, p, b]) => `${a}${p}${b}`)
  .filter((p) => !/\s/.test(p));
export const opaqueArb = str(`${AN}_-`, 24, 48);

const SECRET_COLUMNS = ['password', 'password_hash_input', 'api_key', 'access_token', 'refresh_token', 'client_secret', 'secret', 'otp_secret'];
const PLAIN_COLUMNS = ['email', 'id', 'name', 'created_at', 'role', 'expires_at', 'tenant'];
const SECRET_NAMES = ['DB_PASSWORD', 'KEYCLOAK_ADMIN_PASSWORD', 'AWS_SECRET_ACCESS_KEY', 'VAULT_TOKEN', 'STRIPE_SECRET_KEY', 'SMTP_PASS', 'JWT_SECRET', 'GITHUB_TOKEN'];
const SPACED_KEYS = ['password', 'Password', 'passwd', 'client_secret', 'ClientSecret', 'api_key', 'token', 'AccessToken'];
const SHORT_KEYS = ['creds', 'cred', 'pat', 'jwt', 'secret_answer', 'secretAnswer', 'X-Hub-Signature-256', 'token_2'];

export interface Case { input: unknown; secret: string }

/** Each class of the corpus, by name. */
export const LEAK_CLASSES = {
  // Provider credentials anywhere: free text, a neutral field, an array element.
  'provider': fc.tuple(providerArb, fc.constantFrom('text', 'field', 'array')).map(([v, where]) => ({
    input: where === 'text' ? `deploy failed (used ${v})` : where === 'field' ? { value: v, source: 'env' } : { items: ['ci', v] },
    secret: secretPart(v),
  })),
  // Spaced pairs: SQL UPDATE, C# / Python printouts, INI.
  'spaced-pair': fc.tuple(fc.constantFrom(...SPACED_KEYS), passwordArb, fc.constantFrom('sql', 'cs', 'ini', 'py')).map(([k, p, form]) => ({
    input: form === 'sql' ? `UPDATE users SET ${k} = '${p}' WHERE id = 17`
      : form === 'cs' ? `{ ${k} = ${p}, UserName = bob }`
        : form === 'ini' ? `${k} = ${p}`
          : `{'user': 'bob', '${k}' = '${p}'}`,
    secret: p,
  })),
  // SQL VALUES: secret column anywhere in the list, one or two rows.
  'sql-values': fc.tuple(fc.shuffledSubarray(PLAIN_COLUMNS, { minLength: 0, maxLength: 3 }), fc.constantFrom(...SECRET_COLUMNS), fc.nat(3), passwordArb, fc.boolean()).map(([plain, col, at, p, twoRows]) => {
    const cols = [...plain];
    const pos = Math.min(at, cols.length);
    cols.splice(pos, 0, col);
    const row = (x: string) => `(${cols.map((c, i) => (i === pos ? `'${x}'` : c === 'id' ? '7' : c.endsWith('_at') ? 'now()' : `'v${i}'`)).join(', ')})`;
    return { input: `INSERT INTO t (${cols.join(', ')}) VALUES ${row(p)}${twoRows ? `, ${row(`${p}2`)}` : ''}`, secret: p };
  }),
  // MySQL's PASSWORD('p').
  'mysql-password': passwordArb.map((p) => ({ input: `SET PASSWORD FOR 'bob'@'%' = PASSWORD('${p}')`, secret: p })),
  // PostgreSQL unique-violation details: `Key (cols)=(values)`.
  'pg-key-detail': fc.tuple(fc.constantFrom(...SECRET_COLUMNS), opaqueArb, fc.boolean()).map(([col, v, two]) => ({
    input: `ERROR: duplicate key value violates unique constraint "t_pkey"\nDETAIL: Key (${two ? `tenant, ${col}` : col})=(${two ? `acme, ${v}` : v}) already exists.`,
    secret: v,
  })),
  // Passwords with their own punctuation after env / query / YAML names.
  'env-password': fc.tuple(fc.constantFrom(...SECRET_NAMES), passwordArb, fc.constantFrom('env', 'export', 'json-env', 'docker')).map(([n, p, form]) => ({
    input: form === 'env' ? `${n}=${p}\nPORT=3000` : form === 'export' ? `export ${n}=${p}` : form === 'json-env' ? { Env: ['PATH=/usr/bin', `${n}=${p}`] } : `docker run -e ${n}=${p} app`,
    secret: p,
  })),
  // YAML env pairs (Kubernetes, ECS task definitions), raw and inside a JSON string.
  'yaml-env': fc.tuple(fc.constantFrom(...SECRET_NAMES), fc.oneof(passwordArb, opaqueArb), fc.constantFrom('"', '', "'"), fc.boolean()).map(([n, v, q, nested]) => {
    const yaml = `env:\n  - name: PORT\n    value: "3000"\n  - name: ${n}\n    value: ${q}${v}${q}\n`;
    return { input: nested ? { manifest: yaml } : yaml, secret: v };
  }),
  // Password flags of particular commands (the value is judged by the command opening the line).
  'command-flag': fc.tuple(fc.constantFrom('sshpass', 'redis', 'docker', 'mysql'), str(AN, 12, 30), passwordArb).map(([cmd, plain, p]) => (
    cmd === 'sshpass' ? { input: `sshpass -p '${p}' ssh deploy@host`, secret: p }
      : cmd === 'redis' ? { input: `redis-cli -h cache -a ${plain} ping`, secret: plain }
        : cmd === 'docker' ? { input: `docker login -u bot -p ${plain} ghcr.io`, secret: plain }
          : { input: `mysql -h db -u root -p${plain} app`, secret: plain })),
  // Prose: a password with a digit after `password`.
  'prose': fc.tuple(str(AN, 4, 8), fc.integer({ min: 0, max: 9 }), passwordArb).map(([a, d, p]) => ({ input: `login ok for bob with password ${a}${d}${p}`, secret: `${a}${d}${p}` })),
  // Object printouts: the bare `value` of a secret-named type, PHP var_dump strings.
  'object-printout': fc.tuple(fc.constantFrom('Token', 'AccessToken', 'OAuth2::AccessToken', 'Secret', 'ClientSecret', 'Password'), opaqueArb, fc.constantFrom('java', 'ruby', 'kotlin', 'php')).map(([t, v, form]) => ({
    input: form === 'java' ? `${t}{value='${v}', expiresIn=3600}` : form === 'ruby' ? `#<${t} value="${v}">` : form === 'kotlin' ? `${t}(value=${v})`
      : `array(2) {\n  ["${t.toLowerCase().replace(/:/g, '')}"]=>\n  string(${v.length}) "${v}"\n  ["user"]=>\n  string(3) "bob"\n}`,
    secret: v,
  })),
  // Terraform variables judged by their name.
  'terraform': fc.tuple(fc.constantFrom(...SECRET_NAMES), fc.oneof(passwordArb, opaqueArb), fc.boolean()).map(([n, v, quoted]) => ({
    input: `variable "${n.toLowerCase()}" {\n  type      = string\n  sensitive = true\n  default   = ${quoted ? `"${v}"` : v}\n}\n`,
    secret: v,
  })),
  // Short secret words and numbered variants as keys, in objects and in text.
  'short-key': fc.tuple(fc.constantFrom(...SHORT_KEYS), opaqueArb, fc.boolean()).map(([k, v, text]) => ({ input: text ? `${k}=${v}&x=1` : { [k]: v, user: 'alice' }, secret: v })),
} satisfies Record<string, fc.Arbitrary<Case>>;
export type LeakClass = keyof typeof LEAK_CLASSES;

/** Classes only the package layer closes (none today). SQL `VALUES` tuples and PostgreSQL
 *  `Key (cols)=(values)` details are closed by both, differently: the package pairs each value
 *  with its column, the collector (RE2: no backreferences to count commas) takes every value of
 *  a statement with a secret column. */
export const PACKAGE_ONLY: readonly LeakClass[] = [];

export const leakCaseArb: fc.Arbitrary<Case> = fc.oneof(...Object.values(LEAK_CLASSES));

export const harmlessArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.tuple(str('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1, 4), fc.integer({ min: 100, max: 99_999 }), fc.boolean()).map(([p, d, dash]) => ({ code: `${p}${dash ? '-' : ''}${d}`, message: 'request failed' })),
  fc.tuple(str('0123456789', 12), fc.constantFrom('prod/db', 'oauth-client', 'stripe-api'), str(AN, 6)).map(([acct, name, sfx]) => ({ secretArn: `arn:aws:secretsmanager:us-east-1:${acct}:secret:${name}-${sfx}` })),
  fc.tuple(str(AN, 6)).map(([s]) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-${s}`),
  str(AN, 24).map((b) => ({ publishableKey: `pk_live_${b}`, currency: 'usd' })),
  fc.tuple(fc.shuffledSubarray(PLAIN_COLUMNS, { minLength: 1, maxLength: 4 })).map(([cols]) => `INSERT INTO users (${cols.join(', ')}) VALUES (${cols.map((_, i) => `'v${i}'`).join(', ')})`),
  fc.constantFrom('PORT', 'LOG_LEVEL', 'NODE_ENV', 'SECRET_NAME').map((n) => `env:\n  - name: ${n}\n    value: info\n`),
  fc.constantFrom('curl -u admin https://api.example/v1', 'docker run -p 8080:80 -u 1000 app', 'mysql -h db -u root -p app',
    'token refresh failed', 'access token expired 30s ago', 'token endpoint http://localhost:3000/token',
    'password must be at least 12 characters', 'password reset for user 42', 'the values (a, b) are fine',
    'Option{value=42}', 'Metric{value=3, unit=ms}', '<option value="de">Deutsch</option>', '#<Struct value="pending">',
    'array(1) {\n  ["count"]=>\n  int(3)\n}', 'variable "region" {\n  default = "us-east-1"\n}\n',
    'DETAIL: Key (email)=(a@b.example) already exists.', 'DETAIL: Key (tenant, name)=(acme, web) already exists.'),
);


/** The secret and every 10-character window of it: what must not survive. */
export function windows(secret: string): string[] {
  const out = new Set([secret]);
  for (let i = 0; i + 10 <= secret.length; i++) out.add(secret.slice(i, i + 10));
  return [...out];
}
