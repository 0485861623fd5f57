/**
 * `npm run bench` runs every scenario; `npm run bench -- busy feed` runs some. Each scenario
 * prints its numbers and returns them; the full set is written to bench/results/latest.json.
 * Results and the command go into the README by hand (benchmarks are not tests).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Scenario = () => Promise<Record<string, unknown>>;

/** Scenario name -> module (each exports `run`). Add new scenarios here. */
const SCENARIOS: Record<string, () => Promise<{ run: Scenario }>> = {
  busy: () => import('./busy.bench'),
  feed: () => import('./feed.bench'),
  sync: () => import('./sync.bench'),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !SCENARIOS[w]);
  if (unknown.length) throw new Error(`Unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const names = wanted.length ? wanted : Object.keys(SCENARIOS);
  const results: Record<string, unknown> = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
  };
  for (const name of names) {
    console.log(`\n== ${name} ==`);
    const { run } = await SCENARIOS[name]();
    results[name] = await run();
  }
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten to bench/results/latest.json`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
