// Attack and failure demos (the UI's buttons and scripts/attacks.mjs). State attacks and the
// mix-up answer with the callback URL the victim's browser then delivers (a 303 for the browser).
import { action, respond } from '@/lib/http';
import { ATTACKS, runAttack, type AttackName } from '@/lib/attacks';

export const runtime = 'nodejs';

export const POST = action<{ params: Promise<{ name: string }> }>(async (request, session, ctx) => {
  const { name } = await ctx.params;
  if (!ATTACKS.includes(name as AttackName)) return respond(request, session, { kind: 'warn', title: 'Unknown attack' }, { status: 404 });
  const out = await runAttack(name as AttackName, session!);
  return respond(request, session, out.result, {
    status: out.status ?? (out.callback ? 200 : out.result.kind === 'alert' ? 409 : 200),
    ...(out.callback ? { redirect: out.callback, extra: { callbackUrl: out.callback.href } } : {}),
  });
});
