#!/usr/bin/env node
// Cross-tool account takeover / session fixation across users (draft-ietf-oauth-security-topics-update)
// against the example AS.
//
//   node examples/auth-server/src/main.mjs &
//   node scripts/attacks/connection-context.mjs http://127.0.0.1:4000
//
// Bob starts a connection for his "calendar" tool and signs in; his callback (his state) is
// delivered into Alice's session for her "mail" tool. Only the application knows which connection a
// callback completes, so the signal is the app's check: it compares the context kept under the
// state with the session the callback arrives in, and calls oauth-otel's
// connectionContextMismatch() for each difference (`oauth_connection_context_mismatch`,
// connection_context_mismatch, reason user_mismatch / tool_mismatch). This script plays the app:
// `report` is that call (the command line prints the mismatches instead).
// packages/oauth-otel/test/adapters/threats.test.ts runs it against the real AS with the real call.
import { cli, register, target, tokensFor } from './lib.mjs';

/**
 * Bob's callback arrives in Alice's connection. Calls `report({ provider, userId, mismatch })` once
 * per mismatching part of the context and resolves to the mismatches.
 */
export async function crossUserCallback(t, { report }) {
  // Each connection keeps its context (user, tool) under its state, as the example app does.
  const connections = new Map();
  const client = await register(t, { token_endpoint_auth_method: 'none' });
  const { state } = await tokensFor(t, client, 'bob');
  connections.set(state, { user: 'bob', tool: 'calendar' });
  const arriving = { user: 'alice', tool: 'mail' };
  const started = connections.get(state);
  const mismatches = [];
  if (started.user !== arriving.user) mismatches.push('user');
  if (started.tool !== arriving.tool) mismatches.push('tool');
  for (const mismatch of mismatches) report({ provider: t.issuer, userId: arriving.user, mismatch });
  return mismatches;
}

export async function runConnectionContext({ report = () => {}, ...options }) {
  const t = await target(options);
  const mismatches = await crossUserCallback(t, { report });
  return { callback: { mismatches }, expect: { event: 'oauth_connection_context_mismatch', type: 'connection_context_mismatch' } };
}

cli(import.meta, runConnectionContext);
