// What the page shows, as JSON (scripts/attacks.mjs, the e2e test). No token values, ever.
import { NextResponse, type NextRequest } from 'next/server';
import { viewModel } from '@/lib/view';
import { sessionOf } from '@/lib/http';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(request: NextRequest): Promise<NextResponse> {
  return NextResponse.json(viewModel(sessionOf(request)), { headers: { 'cache-control': 'no-store' } });
}
