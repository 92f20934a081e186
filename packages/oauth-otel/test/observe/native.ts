// ESM-only clients loaded with Node's own require() in the host realm (see
// examples/auth-server/test/native.ts for why): their fetch is the host's, seen by the observer.
type NodeModule = { createRequire(path: string): (id: string) => unknown };
type HostProcess = { getBuiltinModule(id: string): unknown };
const HostFunction = Buffer.constructor as FunctionConstructor;
const hostProcess = new HostFunction('return process')() as HostProcess;
const { createRequire } = hostProcess.getBuiltinModule('node:module') as NodeModule;
export const nativeRequire = createRequire(__filename);

/** A deep copy made of host-realm objects (libraries there check `instanceof Array`). */
export const hostClone = new HostFunction('v', 'return JSON.parse(JSON.stringify(v))') as <T>(v: T) => T;
