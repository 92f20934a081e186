/**
 * The adapter's named readers (src/adapters/oidc-provider/read.ts) and the query fast path of
 * requestChecks: total over any value (getters that throw, revoked proxies), and "no '?' in the
 * raw URL" implies an empty `ctx.querystring` in the real Koa that oidc-provider runs on.
 */
import fc from 'fast-check';

// Koa ships no types; only createContext() is used here.
type KoaApp = { createContext(req: unknown, res: unknown): { querystring: string } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Koa = require('koa') as new () => KoaApp;
import * as read from '../../src/adapters/oidc-provider/read';

const readers = Object.entries(read).filter(([, f]) => typeof f === 'function') as [string, (v: unknown) => unknown][];

/** Values whose every property read throws, or revoked proxies (built inside the property, as
 *  fast-check itself cannot inspect them), beside anything else. */
const HOSTILE: (() => unknown)[] = [
  () => new Proxy({}, { get() { throw new Error('boom'); } }),
  () => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy; },
  () => Object.defineProperty(function f() {}, 'constructor', { get() { throw new Error('boom'); } }),
];
const hostile = fc.oneof(fc.anything().map((v) => () => v), fc.constantFrom(...HOSTILE));

test('every reader returns (never throws) for any value', () => {
  expect(readers.length).toBeGreaterThanOrEqual(12);
  fc.assert(
    fc.property(hostile, (make) => {
      const v = make();
      for (const [, f] of readers) f(v);
    }),
  );
});

test('a reader returns the named property of a plain object', () => {
  fc.assert(
    fc.property(fc.anything(), (x) => {
      expect(read.readOidc({ oidc: x })).toBe(x);
      expect(read.readUrl({ url: x })).toBe(x);
      expect(read.readCurrentCtx({ constructor: { ctx: x } })).toBe(x);
    }),
  );
});

test("Koa's ctx.querystring is empty whenever the raw URL has no '?' (the fast path skips it then)", () => {
  const app = new Koa();
  const url = fc.oneof(
    fc.string(),
    fc.tuple(fc.constantFrom('/token', '/auth', '/', 'http://h/x'), fc.string(), fc.constantFrom('', '?', '#', '?a=b', '%3F')).map(([a, b, c]) => a + b + c),
  );
  fc.assert(
    fc.property(url, (u) => {
      const ctx = app.createContext({ url: u, headers: {}, socket: {} }, { getHeader() {}, setHeader() {} });
      if (!u.includes('?')) expect(ctx.querystring).toBe('');
    }),
  );
});

test("readIp answers what Koa's ctx.ip answers (proxy or not, X-Forwarded-For or not, ip set or cached) without adding anything to the request", () => {
  type KoaCtx = { ip: string; request: object & { ip: string } };
  const apps = [false, true].map((proxy) => {
    const app = new Koa() as KoaApp & { proxy: boolean };
    app.proxy = proxy;
    return app;
  });
  const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant(''));
  fc.assert(
    fc.property(fc.constantFrom(0, 1), fc.option(fc.array(ip, { minLength: 1, maxLength: 3 }).map((a) => a.join(', ')), { nil: undefined }), ip, fc.constantFrom('none', 'set', 'cached'), (a, xff, peer, prior) => {
      const make = () => {
        const req = { url: '/token', headers: xff === undefined ? {} : { 'x-forwarded-for': xff }, socket: { remoteAddress: peer } };
        const ctx = apps[a]!.createContext(req, { getHeader() {}, setHeader() {} }) as unknown as KoaCtx;
        if (prior === 'set') ctx.request.ip = '192.0.2.77';
        if (prior === 'cached') void ctx.ip;
        return ctx;
      };
      const ctx = make();
      const before = Object.getOwnPropertySymbols(ctx.request).length;
      const got = read.readIp(ctx);
      expect(Object.getOwnPropertySymbols(ctx.request).length).toBe(before);
      expect(got).toBe(make().ip);
    }),
  );
});
