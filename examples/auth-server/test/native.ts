// Jest 30 without --experimental-vm-modules cannot load ES modules through its own module system
// (its require(esm) support needs vm.SourceTextModule), and it replaces `module.createRequire` and
// `process.getBuiltinModule` inside the test sandbox. oidc-provider, oauth4webapi and this example
// are ESM-only, so the tests load them with Node's own require(), which handles ES modules natively
// on Node >= 22.12 (the repo runs Node 24). The host realm's `process` is reached through a function
// created by the host realm's Function constructor (Buffer is a host-realm object in the sandbox).
// Consequence: these modules run in the host realm; avoid `instanceof` checks across the boundary
// (e.g. `toBeInstanceOf(Error)` on their errors) and compare plain data instead.
import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };

type NodeModule = { createRequire(path: string): (id: string) => unknown };
type HostProcess = { getBuiltinModule(id: string): unknown };
const HostFunction = Buffer.constructor as FunctionConstructor;
const hostProcess = new HostFunction('return process')() as HostProcess;
const { createRequire } = hostProcess.getBuiltinModule('node:module') as NodeModule;
/** Node's own require() (host realm): loads ES modules of the repo by path relative to this file. */
export const nativeRequire = createRequire(__filename);

export type AuthServerModule = {
  createAuthServer(options?: Record<string, unknown>): Promise<AuthServer>;
  recordProviderEvents(provider: unknown): EventRecorder;
  PROVIDER_EVENTS: readonly string[];
  DEMO_USERS: Record<string, { password: string }>;
  BENCHMARK_CLIENT: { client_id: string; client_secret: string };
  DEFAULT_WRONG_ISSUER: string;
};

export type AuthServer = {
  issuer: string;
  url: string;
  port: number;
  variant: string;
  resourceUrl: string;
  resourceMetadataUrl: string;
  metadataUrl: string;
  provider: { on(name: string, fn: (...args: unknown[]) => void): void; Client: unknown };
  clients: { benchmark: { client_id: string; client_secret: string } };
  storeSize(): number;
  close(): Promise<void>;
};

export type EventArg = { type: string; [key: string]: unknown };
export type EventRecord = { seq: number; name: string; args: EventArg[]; alsRoute?: string; raw: unknown[] };
export type EventRecorder = {
  events: EventRecord[];
  names(filter?: RegExp | ((name: string) => boolean)): string[];
  clear(): void;
  stop(): void;
};

export const authServer = nativeRequire('../src/index.mjs') as AuthServerModule;
export const oauth = nativeRequire('oauth4webapi') as typeof OAuth;
