// Actions on one connection: call the MCP server, refresh (with rotation), revoke. Each checks
// that the signed-in user owns the connection first (ownership violation otherwise).
import { action, respond } from '@/lib/http';
import { callResource, ownedConnection, refreshConnection, revokeConnection, type ConnectionAction } from '@/lib/oauth';

export const runtime = 'nodejs';

const ACTIONS: readonly ConnectionAction[] = ['call', 'refresh', 'revoke'];

export const POST = action<{ params: Promise<{ id: string; action: string }> }>(async (request, session, ctx) => {
  const { id, action: name } = await ctx.params;
  if (!ACTIONS.includes(name as ConnectionAction)) return respond(request, session, { kind: 'warn', title: 'Unknown action' }, { status: 404 });
  const conn = ownedConnection(session!, id, name as ConnectionAction);
  const result =
    name === 'call' ? await callResource(conn) : name === 'refresh' ? (await refreshConnection(conn)).result : await revokeConnection(conn);
  return respond(request, session, result, { status: result.kind === 'ok' ? 200 : result.kind === 'alert' ? 409 : 400 });
});
