// Picks the demo user of the client app (alice or bob); empty `user` signs out.
import { config } from '@/lib/config';
import { action, formField, respond } from '@/lib/http';
import { cookieOptions, encodeSession, SESSION_COOKIE } from '@/lib/session';

export const runtime = 'nodejs';

export const POST = action(
  async (request) => {
    const user = (await formField(request, 'user')) ?? '';
    if (user === '') {
      const res = respond(request, undefined, { kind: 'info', title: 'Signed out' });
      res.cookies.delete(SESSION_COOKIE);
      return res;
    }
    if (!(user in config().demoUsers)) return respond(request, undefined, { kind: 'warn', title: 'Unknown demo user' }, { status: 400 });
    const { value, session } = encodeSession(user);
    const res = respond(request, session, { kind: 'info', title: `Signed in to the client app as ${user}` }, { extra: { user } });
    res.cookies.set(SESSION_COOKIE, value, cookieOptions());
    return res;
  },
  { requireSession: false },
);
