/**
 * Secret values inside free text, whatever the key: JWTs, auth schemes, URL and form parameters,
 * userinfo, JSON and escaped JSON, raw header blocks, PEM keys, percent-encoded forms.
 */
import { createRedactor, redact, redactString } from '../../src/redaction';

const R = '[REDACTED]';
const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const JWE = 'eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji.XFBoMYUZodetZdvTiFvSkQ';
const TOKEN = 'gho_16C7e42F292c6912E7710c838347Ae178B4a';

const cases: [string, string, string][] = [
  // JWT / JWS / JWE
  ['JWS in prose', `verifying ${JWT} now`, `verifying ${R} now`],
  ['JWE (5 segments)', `got ${JWE}`, `got ${R}`],
  ['unsecured JWT', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', R],
  ['base64url JSON blob', 'state eyJub25jZSI6IngifQ', `state ${R}`],
  // Authorization schemes
  ['Bearer', `sent Bearer ${TOKEN} upstream`, `sent Bearer ${R} upstream`],
  ['bearer lower-case', `bearer ${TOKEN}`, `bearer ${R}`],
  ['BEARER upper-case', `BEARER ${TOKEN}`, `BEARER ${R}`],
  ['Basic', 'Basic dXNlcjpwYXNzd29yZA==', `Basic ${R}`],
  ['DPoP', `DPoP ${TOKEN}`, `DPoP ${R}`],
  ['Bearer with %20', `Authorization=Bearer%20${TOKEN}&x=1`, `Authorization=Bearer%20${R}&x=1`],
  ['Bearer JWT', `Bearer ${JWT}`, `Bearer ${R}`],
  // URL query, fragment, form
  ['callback query', 'https://app.example/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj&iss=https%3A%2F%2Fas',
    `https://app.example/cb?code=${R}&state=${R}&iss=https%3A%2F%2Fas`],
  ['query with short state', '/cb?code=abc&state=idle', `/cb?code=${R}&state=${R}`],
  ['bare query string (url.query)', 'state=idle', `state=${R}`],
  ['access_token query', `GET /api?access_token=${TOKEN}`, `GET /api?access_token=${R}`],
  ['implicit fragment', `https://app/cb#access_token=${TOKEN}&token_type=Bearer&expires_in=3600&id_token=${JWT}`,
    `https://app/cb#access_token=${R}&token_type=Bearer&expires_in=3600&id_token=${R}`],
  ['form body', `grant_type=refresh_token&refresh_token=${TOKEN}&client_id=app&client_secret=s3cr3t-V4lue`,
    `grant_type=refresh_token&refresh_token=${R}&client_id=app&client_secret=${R}`],
  ['PKCE form', 'grant_type=authorization_code&code=abc123XYZ&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    `grant_type=authorization_code&code=${R}&code_verifier=${R}`],
  ['client assertion', `client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=${JWT}`,
    `client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=${R}`],
  ['token exchange', `subject_token=${TOKEN}&actor_token=${TOKEN}x&assertion=abc123DEF`,
    `subject_token=${R}&actor_token=${R}&assertion=${R}`],
  ['password and registration token', `password=hunter2&registration_access_token=${TOKEN}&token=t0k3nVal`,
    `password=${R}&registration_access_token=${R}&token=${R}`],
  ['logfmt', 'msg="refresh failed" refresh_token=RT-9f8e7d6c provider=github', `msg="refresh failed" refresh_token=${R} provider=github`],
  ['argv flag', 'node app --client-secret=abc123DEF --port=3000', `node app --client-secret=${R} --port=3000`],
  // Percent-encoded
  ['encoded redirect URL', 'redirect=https%3A%2F%2Fapp%2Fcb%3Fcode%3DSECRETcode123%26state%3DSTATEabc99%26x%3D1',
    `redirect=https%3A%2F%2Fapp%2Fcb%3Fcode%3D${R}%26state%3D${R}%26x%3D1`],
  ['double-encoded', 'u=https%253A%252F%252Fapp%252Fcb%253Fcode%253DABCdef123%2526state%253DXYZ987',
    `u=https%253A%252F%252Fapp%252Fcb%253Fcode%253D${R}%2526state%253D${R}`],
  ['encoded name', `access%5Ftoken=${TOKEN}&refresh%5ftoken=${TOKEN}`, `access%5Ftoken=${R}&refresh%5ftoken=${R}`],
  // Userinfo
  ['userinfo', 'https://user:p4ss@host.example/path', `https://${R}:${R}@host.example/path`],
  ['userinfo with @ in password', 'https://user:p@ss@host.example/', `https://${R}:${R}@host.example/`],
  ['token as username', `https://${TOKEN}@github.com/org/repo.git`, `https://${R}@github.com/org/repo.git`],
  ['database URL', 'postgres://admin:hunter2@db:5432/app', `postgres://${R}:${R}@db:5432/app`],
  // JSON in strings
  ['token response JSON', `{"access_token":"${TOKEN}","token_type":"Bearer","expires_in":3600,"refresh_token":"r1-XYZ","scope":"read","id_token":"${JWT}"}`,
    `{"access_token":"${R}","token_type":"Bearer","expires_in":3600,"refresh_token":"${R}","scope":"read","id_token":"${R}"}`],
  ['JSON with spaces', `{ "client_secret" : "abc def" }`, `{ "client_secret" : "${R}" }`],
  ['escaped JSON', `{\\"access_token\\":\\"${TOKEN}\\",\\"token_type\\":\\"Bearer\\"}`, `{\\"access_token\\":\\"${R}\\",\\"token_type\\":\\"Bearer\\"}`],
  ['double-escaped JSON', `{\\\\\\"refresh_token\\\\\\":\\\\\\"${TOKEN}\\\\\\"}`, `{\\\\\\"refresh_token\\\\\\":\\\\\\"${R}\\\\\\"}`],
  ['JSON secret object', '{"credentials":{"user":"a","pass":"b"},"ok":1}', `{"credentials":${R},"ok":1}`],
  ['JSON secret number', '{"password":123456}', `{"password":${R}}`],
  ['JSON null kept', '{"refresh_token":null}', '{"refresh_token":null}'],
  ['util.inspect output', `{ access_token: '${TOKEN}', code: 'ECONNRESET' }`, `{ access_token: '${R}', code: 'ECONNRESET' }`],
  ['JSON-escaped ampersand', 'https://app/cb?code=ABCdef123\\u0026state=XYZ987abc', `https://app/cb?code=${R}\\u0026state=${R}`],
  // Raw header blocks
  ['request head', `GET /me HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${TOKEN}\r\nCookie: sid=abc; theme=dark\r\nDPoP: ${JWT}\r\nProxy-Authorization: Basic dXNlcjpwYXNz\r\nX-Api-Key: k3y-V4lue\r\n\r\n`,
    `GET /me HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${R}\r\nCookie: sid=${R}; theme=dark\r\nDPoP: ${R}\r\nProxy-Authorization: Basic ${R}\r\nX-Api-Key: ${R}\r\n\r\n`],
  ['response head', 'HTTP/1.1 200 OK\nSet-Cookie: session=abc123; Path=/; HttpOnly\nContent-Type: text/html',
    `HTTP/1.1 200 OK\nSet-Cookie: session=${R}; Path=/; HttpOnly\nContent-Type: text/html`],
  ['header with unknown scheme', `authorization: token ${TOKEN}`, `authorization: token ${R}`],
  ['longest known scheme', `Authorization: AWS4-HMAC-SHA256 Credential=${TOKEN}, Signature=abc123`, `Authorization: AWS4-HMAC-SHA256 ${R}`],
  ['token: Bearer in prose', `token: Bearer ${TOKEN} sent`, `token: Bearer ${R} sent`],
  ['header block in escaped string', `"GET / HTTP/1.1\\r\\nAuthorization: Bearer ${TOKEN}\\r\\nHost: x"`, `"GET / HTTP/1.1\\r\\nAuthorization: Bearer ${R}\\r\\nHost: x"`],
  // PEM
  ['PEM private key', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----',
    R], // whole block: a body left behind is still the key
  ['PEM RSA key with escaped newlines', 'key: "-----BEGIN RSA PRIVATE KEY-----\\nMIIEabc\\ndef==\\n-----END RSA PRIVATE KEY-----"',
    `key: "${R}"`],
  ['truncated PEM', 'k=-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIObLW92AqkWunJXowVR2Z5', `k=${R}`],
  // Free-text key: value
  ['key: value prose', 'password: hunter2, user: bob', `password: ${R}, user: bob`],
  ['AS echo in error', 'invalid code: ABC123xyz (expired)', `invalid code: ${R} (expired)`],
];

describe('redactString', () => {
  it.each(cases)('%s', (_name, input, expected) => {
    expect(redactString(input)).toBe(expected);
  });

  it('finds several secrets of different kinds in one string, in order', () => {
    const s = `a Bearer ${TOKEN} b ${JWT} c ?code=XYZ123abc d https://u:p@h/ e`;
    expect(redactString(s)).toBe(`a Bearer ${R} b ${R} c ?code=${R} d https://${R}:${R}@h/ e`);
  });

  it('scans strings nested in objects, arrays, Maps, Sets and keys', () => {
    const out = redact({
      msg: `Bearer ${TOKEN}`, list: [`?token=${TOKEN}`], m: new Map([['url', `?code=${TOKEN}`]]), s: new Set([`Basic ${TOKEN}`]),
      [`https://h/cb?code=${TOKEN}`]: 1,
    });
    const text = JSON.stringify(out, (_k, v) => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v));
    expect(text).not.toContain(TOKEN);
    expect(text).toContain('https://h/cb?code=[REDACTED]');
  });

  it('never throws and returns strings for non-strings', () => {
    expect(redactString(undefined as unknown as string)).toBe('undefined');
  });
});

describe('extraPatterns', () => {
  it('replaces a whole match, or only capture group 1', () => {
    const r = createRedactor({ extraPatterns: [/ghp_[A-Za-z0-9]{36}/, /sessionKey\((\w+)\)/] });
    const ghp = `ghp_${'a1B2'.repeat(9)}`;
    expect(r.redactString(`push with ${ghp} ok`)).toBe(`push with ${R} ok`);
    expect(r.redactString('sessionKey(abc123) done')).toBe(`sessionKey(${R}) done`);
    expect(r.redact({ note: ghp })).toEqual({ note: R });
  });

  it('survives zero-length matches', () => {
    const r = createRedactor({ extraPatterns: [/x*/] });
    expect(r.redactString('abcdef')).toBe('abcdef');
  });
});
