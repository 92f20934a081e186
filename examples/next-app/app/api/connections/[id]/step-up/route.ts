// Step-up demo: call a scoped path of the MCP server; on 403 insufficient_scope re-authorize for
// the challenge's scope (the browser goes to the AS), up to the retry limit.
import { NextResponse } from 'next/server';
import { action, formField, respond, wantsJson } from '@/lib/http';
import { ownedConnection, stepUp } from '@/lib/oauth';
import { STEP_UP_PATHS, type StepUpPath } from '@/lib/step-up';

export const runtime = 'nodejs';

export const POST = action<{ params: Promise<{ id: string }> }>(async (request, session, ctx) => {
  const { id } = await ctx.params;
  const path = (await formField(request, 'path')) ?? '';
  if (!STEP_UP_PATHS.includes(path as StepUpPath)) return respond(request, session, { kind: 'warn', title: 'Unknown scoped path' }, { status: 404 });
  // a step-up is a call with the connection's token: the same ownership check
  const conn = ownedConnection(session!, id, 'call');
  const { redirect, ...result } = await stepUp(session!, conn, path as StepUpPath);
  if (redirect && wantsJson(request)) return NextResponse.json({ ok: true, result, authorizationUrl: redirect.href });
  return respond(request, session, result, { status: result.kind === 'ok' || redirect ? 200 : result.kind === 'alert' ? 409 : 400, ...(redirect ? { redirect } : {}) });
});
