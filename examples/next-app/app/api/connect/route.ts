// Starts an authorization flow (discovery, registration or CIMD, PKCE + state) and sends the
// browser to the AS. Scripts get the authorization URL as JSON instead.
import { NextResponse } from 'next/server';
import type { ServerId } from '@/lib/config';
import { action, formFields, respond, wantsJson } from '@/lib/http';
import { startAuthorization } from '@/lib/oauth';

export const runtime = 'nodejs';

export const POST = action(async (request, session) => {
  const f = await formFields(request, ['server', 'route']);
  const serverId = (f.server ?? 'main') as ServerId;
  const route = f.route === 'cimd' ? 'cimd' : 'dcr';
  const { authorizationUrl } = await startAuthorization(session!, serverId, { route });
  if (wantsJson(request)) return NextResponse.json({ ok: true, authorizationUrl: authorizationUrl.href });
  return respond(request, session, { kind: 'info', title: 'Redirected to the authorization server…' }, { redirect: authorizationUrl });
});
