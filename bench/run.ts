/**
 * `npm run bench` runs every scenario; `npm run bench -- busy sync` runs some (`google`, `microsoft`:
 * the OAuth providers against their emulators). Each scenario
 * prints its numbers and returns them; the full set is written to bench/results/latest.json.
 * Results and the command go into the README by hand (benchmarks are not tests).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extraCaCertsFile } from '../apps/emulators/src/tls/emulator-tls';

type Scenario = () => Promise<Record<string, unknown>>;

/** Scenario name -> module (each exports `run`). Add new scenarios here. */
const SCENARIOS: Record<string, () => Promise<{ run: Scenario }>> = {
  busy: () => import('./busy.bench'),
  board: () => import('./board.bench'),
  booking: () => import('./booking.bench'),
  feed: () => import('./feed.bench'),
  sync: () => import('./sync.bench'),
  google: () => import('./providers.bench').then((m) => ({ run: m.runGoogle })),
  microsoft: () => import('./providers.bench').then((m) => ({ run: m.runMicrosoft })),
  cron: () => import('./cron.bench'),
  webhooks: () => import('./webhook-burst.bench'),
  feeds: () => import('./feeds-scale.bench'),
  'outbound-webhooks': () => import('./notifications.bench').then((m) => ({ run: m.runWebhooks })),
  emails: () => import('./notifications.bench').then((m) => ({ run: m.runEmails })),
};

/**
 * The Graph emulator speaks TLS with its own CA, which Node trusts only through
 * NODE_EXTRA_CA_CERTS read at process start: without it, this script runs itself again with it.
 */
function reexecTrustingEmulatorCa(names: string[]): boolean {
  if (!names.includes('microsoft') || process.env.CALBRIDGE_BENCH_CA_TRUSTED) return false;
  const ca = extraCaCertsFile(process.env.NODE_EXTRA_CA_CERTS);
  const child = spawnSync(process.execPath, ['--enable-source-maps', '-r', require.resolve('./support/register.js'), __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: ca, CALBRIDGE_BENCH_CA_TRUSTED: '1' },
  });
  process.exit(child.status ?? 1);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !SCENARIOS[w]);
  if (unknown.length) throw new Error(`Unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}`);
  const names = wanted.length ? wanted : Object.keys(SCENARIOS);
  if (reexecTrustingEmulatorCa(names)) return;
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
