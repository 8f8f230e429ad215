/**
 * `leadrouter serve` as real child processes, for the multi-process and crash tests: each is
 * configured by its environment (see service-serve-process.ts) and listens on a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('./service-serve-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Server {
  child: ChildProcess;
  url: string;
  exit: Promise<number | null>;
  stderr: () => string;
}

/** Starts a server process; resolves with its URL once it listens, or rejects with its stderr. */
export function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]!, exit, stderr: () => err });
    });
    void exit.then((code) => reject(new Error(`server exited with ${code}: ${err.trim()}`)));
  });
}

/** Stops a server (SIGTERM unless it already exited, after a SIGKILL say) and waits for it. */
export async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null)
    server.child.kill('SIGTERM');
  await server.exit;
}
