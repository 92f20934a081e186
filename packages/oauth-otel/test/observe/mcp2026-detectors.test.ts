/**
 * The MCP 2026-07-28 detectors by class: registration route of any client_id, the DCR warning once
 * per issuer whatever the registrations, step-up loops exactly at the retry limit for any sequence
 * of challenges, bounded state, and checkAuthorizationResponse's verdict for any response.
 */
import fc from 'fast-check';
import * as api from '../../src';
import { setEventSink, type OAuthEvent } from '../../src/api/events';
import { Detectors, STEP_UP_RETRY_LIMIT } from '../../src/observe/detectors';

const seen: OAuthEvent[] = [];
beforeAll(() => setEventSink((e) => void seen.push(e), 'trace'));
afterAll(() => setEventSink(undefined));
const take = (name: string): OAuthEvent[] => {
  const out = seen.filter((e) => e.event === name);
  seen.length = 0;
  return out;
};

const clientId = fc.string({ minLength: 1, maxLength: 80 });

test('registration route: https client ids are cimd, ids this process saw registered are dcr, the rest pre_registered', () => {
  fc.assert(
    fc.property(fc.array(clientId, { maxLength: 20 }), fc.array(clientId, { maxLength: 20 }), (registered, used) => {
      const d = new Detectors();
      for (const id of registered) d.registered('https://as.example', id);
      for (const id of [...registered, ...used]) {
        const expected = id.startsWith('https://') ? 'cimd' : registered.includes(id) ? 'dcr' : 'pre_registered';
        expect(d.routeOf(id)).toBe(expected);
      }
      expect(d.routeOf(undefined)).toBeUndefined();
      expect(d.routeOf('')).toBeUndefined();
      take('oauth_dynamic_registration_deprecated');
    }),
    { numRuns: 300 },
  );
});

test('DCR warning: exactly one per issuer, whatever the number and order of registrations', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), clientId), { maxLength: 60 }), (regs) => {
      const d = new Detectors();
      take('oauth_dynamic_registration_deprecated');
      for (const [as, id] of regs) d.registered(`https://as${as}.example`, id);
      const warned = take('oauth_dynamic_registration_deprecated');
      expect(warned).toHaveLength(new Set(regs.map(([as]) => as)).size);
      for (const w of warned) expect(w).toMatchObject({ level: 'warn', attributes: { 'oauth.registration_route': 'dcr' } });
    }),
    { numRuns: 300 },
  );
});

test('step-up: one loop per resource for every (limit + 1) challenges within the window, none below', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.constantFrom('/mcp', '/mcp/write', '/other'), fc.option(fc.constantFrom('read', 'read write', 'admin'), { nil: undefined }), fc.constantFrom('', '?x=1')), { maxLength: 40 }),
      (challenges) => {
        const d = new Detectors();
        take('oauth_step_up_loop');
        const counts = new Map<string, number>();
        for (const [path, scope, query] of challenges) {
          d.stepUp('https://rs.example', path + query, scope);
          counts.set(path, (counts.get(path) ?? 0) + 1);
        }
        const expected = [...counts.values()].reduce((n, c) => n + Math.floor(c / (STEP_UP_RETRY_LIMIT + 1)), 0);
        const loops = take('oauth_step_up_loop');
        expect(loops).toHaveLength(expected);
        // no token response seen for this resource's AS: the reason says so
        for (const l of loops) expect(l.attributes['oauth.reason']).toBe('grant_unknown');
      },
    ),
    { numRuns: 300 },
  );
});

test('step-up loop reason: the union not granted, or granted and still refused', () => {
  for (const [granted, reason] of [['read', 'union_not_granted'], ['read write admin', 'granted_still_refused']] as const) {
    const d = new Detectors();
    d.resourceMetadata('https://rs.example', 'https://as.example');
    d.granted('https://as.example', 'fp', 'https://rs.example/mcp', granted);
    take('oauth_step_up_loop');
    for (let i = 0; i <= STEP_UP_RETRY_LIMIT; i++) d.stepUp('https://rs.example', '/mcp', i % 2 === 0 ? 'read write' : 'admin');
    expect(take('oauth_step_up_loop').map((e) => e.attributes['oauth.reason'])).toEqual([reason]);
  }
});

test('step-up and registration state is bounded: thousands of resources and issuers keep at most the caps', () => {
  const d = new Detectors();
  for (let i = 0; i < 10_000; i++) d.stepUp(`https://rs${i % 500}.example`, `/p${i}`, `s${i} ${'x'.repeat(i % 50)}`);
  for (let i = 0; i < 2_000; i++) {
    d.resourceMetadata(`https://rs${i}.example`, `https://as${i}.example`);
    d.granted(`https://as${i}.example`, undefined, undefined, 'read');
    d.registered(`https://as${i}.example`, `client-${i}`);
  }
  const maps = { ...(d as unknown as Record<string, { size: number; cap: number }>), ...(d.stepUps as unknown as Record<string, { size: number; cap: number }>) };
  for (const name of ['byResource', 'resourceIssuer', 'grantedScopes', 'dcrClients', 'dcrWarned', 'authorizations']) {
    expect({ name, within: maps[name]!.size <= maps[name]!.cap }).toEqual({ name, within: true });
  }
  take('oauth_dynamic_registration_deprecated');
  take('oauth_step_up_loop');
});

test('checkAuthorizationResponse: the verdict follows iss presence and equality, for any response', () => {
  const param = fc.tuple(fc.stringMatching(/^[a-z_]{1,8}$/).filter((k) => k !== 'iss'), fc.string({ maxLength: 20 }));
  fc.assert(
    fc.property(fc.array(param, { maxLength: 8 }), fc.option(fc.webUrl(), { nil: undefined }), fc.webUrl(), fc.boolean(), fc.constantFrom('string', 'url', 'params'), (params, iss, expected, required, form) => {
      const q = new URLSearchParams(params);
      if (iss !== undefined) q.set('iss', iss);
      const response = form === 'string' ? q.toString() : form === 'url' ? new URL(`https://app.example/cb?${q}`) : q;
      take('oauth_issuer_missing');
      take('oauth_issuer_mismatch');
      const verdict = api.checkAuthorizationResponse({ response, expectedIssuer: expected, issRequired: required });
      const want = iss === undefined ? (required ? 'missing' : 'not_sent') : iss === expected ? 'valid' : 'mismatch';
      expect(verdict).toBe(want);
      const events = seen.map((e) => e.event);
      seen.length = 0;
      expect(events).toEqual(want === 'missing' ? ['oauth_issuer_missing'] : want === 'mismatch' ? ['oauth_issuer_mismatch'] : []);
    }),
    { numRuns: 300 },
  );
});

test('checkAuthorizationResponse: what is not a response is unreadable, never an event or a throw', () => {
  for (const response of [undefined, null, 42, {}, [], 'a'.repeat(20_000), new Proxy({}, { getPrototypeOf: () => { throw new Error('x'); } })]) {
    expect(api.checkAuthorizationResponse({ response: response as never, expectedIssuer: 'https://as.example' })).toBe('unreadable');
  }
  expect(seen).toEqual([]);
});
