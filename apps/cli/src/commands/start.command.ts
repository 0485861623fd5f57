import { currentEnv } from '@calbridge/core';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { migrateCommand } from './migrate.command';
import { seedCommand } from './seed.command';

const STOP_GRACE_MS = 15_000;

function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the project root (package.json)');
    dir = parent;
  }
  return dir;
}

/** `npm start`: migrate, load demo data on an empty development database, run api + worker. */
export async function startCommand(): Promise<void> {
  const env = currentEnv(); // fails fast with every configuration problem listed
  await migrateCommand();
  if (env.NODE_ENV !== 'production' && env.DEMO_DATA !== false) await seedCommand({ quietIfPresent: true });

  const root = projectRoot();
  const entries = {
    api: join(root, 'dist/apps/api/apps/api/src/main.js'),
    worker: join(root, 'dist/apps/worker/apps/worker/src/main.js'),
  };
  const children = new Map<string, ChildProcess>();
  let stopping = false;

  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const child of children.values()) if (child.exitCode === null) child.kill(signal);
    setTimeout(() => {
      for (const child of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
    }, STOP_GRACE_MS).unref();
  };

  for (const [name, entry] of Object.entries(entries)) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
    // The children read their configuration from the same environment.
    // eslint-disable-next-line no-restricted-syntax
    const child = spawn(process.execPath, ['--enable-source-maps', entry], { stdio: 'inherit', env: process.env });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${name} exited (${signal ?? code}); stopping the rest`);
        process.exitCode = code || 1;
        stopAll('SIGTERM');
      }
      if ([...children.values()].every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit();
    });
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll(signal));
  console.log(`calbridge api on http://127.0.0.1:${env.PORT} and worker started (Ctrl+C stops both)`);
}
