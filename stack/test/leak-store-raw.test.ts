/**
 * The raw path, as an outsider: an app without oauth-otel sends records straight to the shipped
 * collector — OTLP/HTTP protobuf from a plain @opentelemetry/sdk-logs app, and OTLP/HTTP JSON as
 * a curl would — with planted secrets in every place an OTLP record has: a string body, a map
 * body (nested maps, arrays, JSON inside a string), attributes (nested maps, arrays), the event
 * name, resource attributes and instrumentation scope attributes. The store (VictoriaLogs) must
 * hold none of them, and harmless records in the same places must be stored unchanged.
 * The secrets' carriers are both leak corpora (leak-arbitraries.ts, attack-arbitraries.ts):
 * URLs with userinfo and query tokens, connection strings, Authorization headers, cookies, JWTs,
 * PEM/PGP blocks, provider keys, .env lines, label/value pairs, JSON inside strings; and the
 * independent corpus's text classes (independent-arbitraries.ts: spaced and quoted pairs with a
 * password's punctuation, YAML env pairs, Terraform defaults, object printouts, command password
 * flags, prose, numbered names, newer provider prefixes), all but those only the package closes
 * (PACKAGE_ONLY, with the reason).
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { attackArb, CREDENTIAL_NAMES, harmlessArb } from '../../packages/oauth-otel/test/support/attack-arbitraries';
import { harmlessArb as independentHarmlessArb, LEAK_CLASSES, type LeakClass, PACKAGE_ONLY } from '../../packages/oauth-otel/test/support/independent-arbitraries';
import { carrierArb, forms, nameArb, secretArb } from '../../packages/oauth-otel/test/support/leak-arbitraries';
import { shippedCollectorIntoStore, toText } from './support/leak-store';
import { sendOtlpLogs, type OtlpLogRecordSpec } from './support/otlp';
import { waitForVictoriaLogs } from './support/victorialogs';

jest.setTimeout(240_000);
const tag = randomBytes(4).toString('hex');

/** Where a record carries the planted values. */
const PLACES = ['body-string', 'body-map', 'body-json-string', 'attr-nested', 'attr-array', 'event-name', 'resource', 'scope'] as const;
type Place = (typeof PLACES)[number];
/** Resource and scope attributes are per request: those go as OTLP/JSON, one resource each. */
const jsonOnly = (p: Place) => p === 'resource' || p === 'scope';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
interface Placed {
  body?: Json;
  eventName?: string;
  attributes: Record<string, Json>;
  resource?: Record<string, Json>;
  scope?: Record<string, Json>;
}

/** Bare `code` / `state` in any spelling. As a map key (an attribute, a map body's member) this
 *  layer leaves them alone: it cannot read a key and its value together (the transform processor
 *  sees values, the redaction processor's allowed values are global), and masking every `code`
 *  and `state` would mask error codes and UI states. The package decides them by value; in text
 *  (`"state":"…"`, `?code=…`) the rules here do too. */
const AMBIGUOUS = /^(?:x[-_.]?)?(?:code|state)$/i;

/** A record with `text` (a carrier of the secret) and `{ [name]: secret }` in `place`. */
function place(where: Place, id: string, key: string, secret: string, text: string): Placed {
  const attributes: Record<string, Json> = { caseId: id };
  const name = AMBIGUOUS.test(key) && where !== 'body-json-string' ? `${key}_verifier` : key;
  switch (where) {
    case 'body-string': return { body: `request failed ${text}`, attributes: { ...attributes, [name]: secret } };
    case 'body-map': return { body: { msg: 'request failed', details: { note: text, [name]: secret }, items: ['retry', text, { [name]: secret }] }, attributes };
    case 'body-json-string': return { body: JSON.stringify({ msg: 'request failed', note: text, [name]: secret }), attributes };
    case 'attr-nested': return { body: 'request failed', attributes: { ...attributes, ctx: { req: { note: text, [name]: secret } } } };
    case 'attr-array': return { body: 'request failed', attributes: { ...attributes, notes: ['retry', text], [name]: [secret] } };
    case 'event-name': return { body: 'request failed', eventName: `app.failure ${text}`, attributes };
    case 'resource': return { body: 'request failed', attributes, resource: { 'app.note': text, [name]: secret } };
    default: return { body: 'request failed', attributes, scope: { note: text, [name]: secret } };
  }
}

/** OTLP/JSON AnyValue. */
function anyValue(v: Json): unknown {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (v === null) return {};
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: Object.entries(v).map(([key, value]) => ({ key, value: anyValue(value) })) } };
}
const kv = (o: Record<string, Json>) => Object.entries(o).map(([key, value]) => ({ key, value: anyValue(value) }));

/** As a curl would: one resourceLogs per record (its own resource and scope). */
async function sendJson(url: string, service: string, records: Placed[]): Promise<void> {
  const body = {
    resourceLogs: records.map((r) => ({
      resource: { attributes: kv({ ...(r.resource ?? {}), 'service.name': service }) },
      scopeLogs: [{
        scope: { name: 'raw-curl', attributes: kv(r.scope ?? {}) },
        logRecords: [{ timeUnixNano: String(Date.now() * 1e6), severityNumber: 13, severityText: 'WARN', ...(r.eventName ? { eventName: r.eventName } : {}), body: anyValue(r.body ?? ''), attributes: kv(r.attributes) }],
      }],
    })),
  };
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200 || text.includes('rejected')) throw new Error(`OTLP/JSON export: ${res.status} ${text}`);
}

/** As a plain sdk-logs app would (protobuf); resource and scope attributes are not per record. */
async function sendProto(url: string, service: string, records: Placed[]): Promise<void> {
  await sendOtlpLogs({
    url,
    resource: { 'service.name': service },
    records: records.map((r): OtlpLogRecordSpec => ({ severityNumber: 13, severityText: 'WARN', ...(r.eventName ? { eventName: r.eventName } : {}), body: r.body as OtlpLogRecordSpec['body'], attributes: r.attributes as OtlpLogRecordSpec['attributes'] })),
  });
}


/** Formats an outsider's app logs that neither corpus writes: language dumps (Python repr, Go
 *  `%+v`), shell and container lines, Spring/.env/AWS config lines, cloud connection strings,
 *  webhook and bot URLs whose path is the credential, YAML blocks inside JSON strings, lists of
 *  secrets and `{ value }` wrappers under a secret name. */
const alnum = (s: string, n: number) => s.replace(/[^A-Za-z0-9]/g, '').padEnd(n, 'Q7x').slice(0, n);
const outsiderArb = fc.constantFrom<Array<(s: string) => string | { text: string; extra: string[] }>>(
  (s: string) => `export API_TOKEN=${s}`,
  (s: string) => `DB_PASSWORD='${s}'`,
  (s: string) => `settings: {'password': '${s}', 'user': 'bob'}`,
  (s: string) => `config: &{User:bob Password:${s} Host:db.internal}`,
  (s: string) => `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${s}\n`,
  (s: string) => `spring.datasource.password=${s}`,
  (s: string) => `docker run -e DB_PASSWORD=${s} -p 8080:8080 app:1.2`,
  (s: string) => `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${s}`,
  (s: string) => `GET https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=${encodeURIComponent(s)}`,
  (s: string) => ({ text: `posted to https://discord.com/api/webhooks/123456789012345678/${alnum(s, 40)}`, extra: [alnum(s, 40)] }),
  (s: string) => ({ text: `GET https://api.telegram.org/bot123456789:AA${alnum(s, 33)}/getUpdates 200`, extra: [alnum(s, 33)] }),
  (s: string) => JSON.stringify({ manifest: `apiVersion: v1\nkind: Secret\nstringData:\n  password: |\n    ${s}\n` }),
  (s: string) => `{"Parameters":[{"Name":"/prod/payments/stripe_deploy_key","Type":"SecureString","Value":"${s}","Version":3}]}`,
  (s: string) => `<add key="StorageAccountKey" value="${s}" />`,
  (s: string) => `refresh response ${JSON.stringify({ refresh_tokens: [s, `${s}2`], count: 2 })}`,
  (s: string) => `vault read ${JSON.stringify({ data: { client_secret: { value: s, version: 4 } } })}`,
).map((f) => (s: string) => { const r = f(s); return typeof r === 'string' ? { text: r, extra: [] as string[] } : r; });
const textArb = fc.oneof(
  carrierArb.map((c) => (s: string) => { const r = c(s); return { text: r.text, extra: r.extra }; }),
  attackArb.map((a) => (s: string) => { const p = a(s); return { text: toText(p.value), extra: p.extra }; }),
  outsiderArb,
);
// Secret names of both corpora, and the credential header/setting names (unqualified `*Key` too).
const anyNameArb = fc.oneof(nameArb, fc.constantFrom(...CREDENTIAL_NAMES));
const cases = fc.sample(fc.tuple(secretArb, anyNameArb, textArb, fc.constantFrom(...PLACES), fc.boolean()), { numRuns: 300, seed: 25 }).map(([secret, name, carrier, where, json], i) => {
  const id = `${tag}-r${i}`;
  const c = carrier(secret);
  return { id, name, where, json: json || jsonOnly(where), text: c.text, record: place(where, id, name, secret, c.text), forms: forms(secret, c.extra).filter((f) => f.length >= 12) };
});

// The independent corpus's classes that this layer closes, as the text an app logs, each case
// in a random place (the planted secret also under a secret name there).
const independentClasses = (Object.keys(LEAK_CLASSES) as LeakClass[]).filter((c) => !PACKAGE_ONLY.includes(c));
const independent = independentClasses.flatMap((cls, k) =>
  fc.sample(fc.tuple(LEAK_CLASSES[cls], anyNameArb, fc.constantFrom(...PLACES), fc.boolean()), { numRuns: 12, seed: 40 + k }).map(([c, name, where, json], i) => {
    const id = `${tag}-i${k}-${i}`;
    const text = typeof c.input === 'string' ? c.input : JSON.stringify(c.input);
    return { id, name: `${cls} ${name}`, where, json: json || jsonOnly(where), text, record: place(where, id, name, c.secret, text), forms: forms(c.secret).filter((f) => f.length >= 10) };
  }));
cases.push(...independent);

const stack = shippedCollectorIntoStore();

test('no planted secret reaches the store, whatever part of the record carries it (protobuf and JSON)', async () => {
  const service = `leak-raw-places-${tag}`;
  const url = `${stack.collector.otlpHttpUrl}/v1/logs`;
  await sendProto(url, service, cases.filter((c) => !c.json).map((c) => c.record));
  await sendJson(url, service, cases.filter((c) => c.json).map((c) => c.record));
  await waitForVictoriaLogs(stack.vl.url, `"service.name":"${service}"`, { timeoutMs: 90_000, count: cases.length });
  const rows = (await stack.vl.queryRaw(`"service.name":"${service}"`, { limit: 10_000 })).split('\n').filter(Boolean);
  expect(rows).toHaveLength(cases.length);
  const byId = new Map(rows.map((r) => [(JSON.parse(r) as Record<string, string>).caseId, r]));
  const leaked = cases.filter((c) => c.forms.some((f) => byId.get(c.id)?.includes(f))).map((c) => `${c.id} ${c.where} ${c.json ? 'json' : 'proto'} ${c.name}: ${c.text.slice(0, 100)}`);
  expect(leaked).toEqual([]);
  // Every place was exercised, both ways where both apply.
  for (const p of PLACES) expect(cases.some((c) => c.where === p)).toBe(true);
  for (const cls of independentClasses) expect(independent.some((c) => c.name.startsWith(`${cls} `))).toBe(true);
  expect(cases.some((c) => !c.json) && cases.some((c) => c.json)).toBe(true);
});

/** Dotted keys of a nested value, as the collector (flatten) and VictoriaLogs store them. */
function flat(v: Json, prefix: string, out: Record<string, string>): Record<string, string> {
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) flat(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (v !== null) out[prefix] = String(v);
  return out;
}

/** Attribute names that end in a secret word or in `key` but name identifiers and counts
 *  (OpenTelemetry semantic conventions, LLM usage, lookup keys). */
const KEPT_ATTRIBUTES: Record<string, Json> = {
  'feature_flag.key': 'new-checkout-2', 'aws.dynamodb.key': 'user42a', 'messaging.kafka.message.key': 'order-9f3a2c1b',
  'gen_ai.usage.input_tokens': 1234, max_tokens: 4096, next_page_token_present: true, 'session.cacheKey': 'b1946ac92492d2347c6235b4d2611184', 'user.public_key': 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE', routingKey: 'eu-west-1a',
};

test('harmless OAuth/OIDC records are stored unchanged in every place', async () => {
  const service = `leak-raw-keep-${tag}`;
  const url = `${stack.collector.otlpHttpUrl}/v1/logs`;
  const kept = fc.sample(fc.tuple(harmlessArb, fc.constantFrom('body-map', 'attr-nested', 'event-name', 'resource', 'scope')), { numRuns: 150, seed: 26 }).map(([h, where], i) => {
    const id = `${tag}-k${i}`;
    const r: Placed =
      where === 'body-map' ? { body: h as Json, attributes: { caseId: id, ...KEPT_ATTRIBUTES } }
      : where === 'attr-nested' ? { body: 'ok', attributes: { caseId: id, ctx: h as Json } }
      : where === 'event-name' ? { body: 'ok', eventName: JSON.stringify(h), attributes: { caseId: id } }
      : where === 'resource' ? { body: 'ok', attributes: { caseId: id }, resource: { 'app.config': JSON.stringify(h) } }
      : { body: 'ok', attributes: { caseId: id }, scope: { config: JSON.stringify(h) } };
    // Stored fields: a map body and nested attributes as dotted keys; strings as they are.
    const expected =
      where === 'body-map' ? flat({ ...(h as Record<string, Json>), ...KEPT_ATTRIBUTES }, '', {})
      : where === 'attr-nested' ? flat(h as Json, 'ctx', {})
      : where === 'event-name' ? { event_name: JSON.stringify(h) }
      : where === 'resource' ? { 'app.config': JSON.stringify(h) }
      : { 'scope.attributes.config': JSON.stringify(h) };
    return { id, where, record: r, expected };
  });
  // The independent corpus's harmless texts (vendor error codes, ARNs, `curl -u admin`, SQL
  // without secret columns, …): as an event name (text as is) and in resource / scope attributes.
  const keptText = fc.sample(fc.tuple(independentHarmlessArb, fc.constantFrom('event-name', 'resource', 'scope')), { numRuns: 60, seed: 27 }).map(([h, where], i) => {
    const id = `${tag}-t${i}`;
    const text = typeof h === 'string' ? h : JSON.stringify(h);
    const r: Placed = where === 'event-name' ? { body: 'ok', eventName: text, attributes: { caseId: id } }
      : where === 'resource' ? { body: 'ok', attributes: { caseId: id }, resource: { 'app.config': text } }
      : { body: 'ok', attributes: { caseId: id }, scope: { config: text } };
    const expected: Record<string, string> = where === 'event-name' ? { event_name: text } : where === 'resource' ? { 'app.config': text } : { 'scope.attributes.config': text };
    return { id, where, record: r, expected };
  });
  kept.push(...keptText);
  await sendJson(url, service, kept.map((k) => k.record));
  await waitForVictoriaLogs(stack.vl.url, `"service.name":"${service}"`, { timeoutMs: 90_000, count: kept.length });
  const rows = (await stack.vl.queryRaw(`"service.name":"${service}"`, { limit: 10_000 })).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
  expect(rows).toHaveLength(kept.length);
  const byId = new Map(rows.map((r) => [r.caseId, r]));
  const changed = kept.flatMap((k) => Object.entries(k.expected).filter(([f, v]) => byId.get(k.id)?.[f] !== v).map(([f, v]) => `${k.id} ${k.where} ${f}: sent ${v} stored ${byId.get(k.id)?.[f]}`));
  expect(changed).toEqual([]);
});
