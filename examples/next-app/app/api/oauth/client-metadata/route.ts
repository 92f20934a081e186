// The client ID metadata document (CIMD, MCP authorization 2026-07-28): the AS fetches it when the
// client_id is its URL, instead of a dynamic registration. A public client: no secret to hand out.
import { NextResponse } from 'next/server';
import { config } from '@/lib/config';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export function GET(): NextResponse {
  const { cimdClientId, redirectUri } = config();
  if (!cimdClientId) return NextResponse.json({ error: 'CIMD is not configured (set CIMD_CLIENT_ID or an https APP_URL)' }, { status: 404 });
  return NextResponse.json(
    {
      client_id: cimdClientId, // must equal the URL the AS fetched
      client_name: 'oauth-otel Next.js example (CIMD)',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
    { headers: { 'cache-control': 'public, max-age=300' } },
  );
}
