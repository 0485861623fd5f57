import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Newest modification time of the TypeScript sources under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The command that runs an app: its build when the build is newer than every source (CI builds
 * before testing; starting compiled code is much faster), else the sources, transpiled on load.
 */
export function commandOf(app: 'api' | 'worker'): string[] {
  const built = join(ROOT, `dist/apps/${app}/apps/${app}/src/main.js`);
  const sources = Math.max(newestSource(join(ROOT, 'apps', app, 'src')), newestSource(join(ROOT, 'libs')));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return [built];
  return ['-r', join(ROOT, 'bench/support/register.js'), join(ROOT, `apps/${app}/src/main.ts`)];
}

export interface AppProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** An app of calbridge (api or worker) as its own process, with `env` over the test process's environment. */
export function startProcess(app: 'api' | 'worker', env: Record<string, string>): AppProcess {
  const child = spawn(process.execPath, commandOf(app), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (c: Buffer) => {
    output += c.toString();
    if (output.length > 400_000) output = output.slice(-200_000); // the recent part is what explains a failure
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}
