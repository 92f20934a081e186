/**
 * Spawn a real server process for a test: free 127.0.0.1 ports, a scratch directory, output captured
 * to a log file, readiness by HTTP probe, and a stop() that always ends the process (SIGTERM, then
 * SIGKILL). Call stop() (or stopAll()) in afterAll; a process-exit hook kills leftovers as a last
 * resort so a crashed test run never leaves servers behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HOST = '127.0.0.1';

/** Ports this process already handed out: the OS may return a just-closed port again at once, so
 *  two calls in a row (a server needing four ports) could get the same one. */
const issued = new Set<number>();

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released for the server to take). */
function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
      srv.close(() => resolve(addr.port));
    });
  });
}

/** A free 127.0.0.1 port that no earlier call in this process returned. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await ephemeralPort();
    if (issued.has(port)) continue;
    issued.add(port);
    return port;
  }
  throw new Error('freePort: no port that was not handed out before');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll `check` until it returns a non-undefined value or the deadline passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

/** Directory for test logs and scratch data: $OAUTH_OTEL_TEST_TMP or the OS temp dir. */
function scratchRoot(): string {
  const root = process.env.OAUTH_OTEL_TEST_TMP || join(tmpdir(), 'oauth-otel-test');
  mkdirSync(root, { recursive: true });
  return root;
}

export interface ServerSpec {
  /** Short name used in file names and error messages. */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  /** Working directory; defaults to the process's own scratch directory. */
  cwd?: string;
  /** URL probed until it answers. */
  readyUrl: string;
  /** Which HTTP statuses mean ready (default 2xx). */
  readyStatus?: (status: number) => boolean;
  readyTimeoutMs?: number;
  /** Scratch directory to use (default: a new one); it is removed by stop() unless keepDir. */
  dir?: string;
}

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Scratch directory (data lives here). */
  dir: string;
  /** Captured stdout + stderr. Kept after stop() for post-mortems. */
  logFile: string;
  /** Current captured output. */
  output(): string;
  /** Resolves when the process has exited (exit code or signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; removes the scratch directory (not the log). */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ServerProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of running) {
      try {
        p.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

export function makeScratchDir(name: string): string {
  return mkdtempSync(join(scratchRoot(), `${name}-`));
}

/** Start a server process and wait until `readyUrl` answers. */
export async function spawnServer(spec: ServerSpec): Promise<ServerProcess> {
  installExitHook();
  const dir = spec.dir ?? makeScratchDir(spec.name);
  const logFile = join(scratchRoot(), `${spec.name}-${Date.now()}-${process.pid}.log`);
  const fd = openSync(logFile, 'a');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...spec.env })) if (v !== undefined) env[k] = v;
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd ?? dir, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.once('error', (err) => {
      exitInfo = { code: -1, signal: null };
      resolve(exitInfo);
      void err;
    });
  });
  const output = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const proc: ServerProcess = {
    name: spec.name,
    child,
    pid: child.pid ?? -1,
    dir,
    logFile,
    output,
    exited,
    async stop(graceMs = 5_000) {
      running.delete(proc);
      if (!exitInfo) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(proc);

  const readyStatus = spec.readyStatus ?? ((s: number) => s >= 200 && s < 300);
  try {
    await waitFor(
      `${spec.name} at ${spec.readyUrl}`,
      async () => {
        if (exitInfo) {
          throw new Error(`${spec.name} exited early (${JSON.stringify(exitInfo)})`);
        }
        const res = await fetch(spec.readyUrl, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        return readyStatus(res.status) ? true : undefined;
      },
      { timeoutMs: spec.readyTimeoutMs ?? 30_000, intervalMs: 200 },
    );
  } catch (e) {
    await proc.stop(1_000);
    const tail = output().split('\n').slice(-40).join('\n');
    throw new Error(`${(e as Error).message}\n--- ${spec.name} output (${logFile}) ---\n${tail}`);
  }
  return proc;
}

/** Stop every server still running (for a global afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/** Run a command to completion and capture its output (no shell). */
export function runCommand(
  command: string,
  args: string[],
  {
    env,
    cwd,
    timeoutMs = 60_000,
    onSpawn,
  }: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number; onSpawn?: (child: ChildProcess) => void } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const merged: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
    const child = spawn(command, args, { env: merged, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
