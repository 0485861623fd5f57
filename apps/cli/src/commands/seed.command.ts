import { currentEnv, mintToken } from '@calbridge/core';
import { DemoData, DemoDataService } from '@calbridge/scheduling';
import { NestFactory } from '@nestjs/core';
import { CliModule } from '../cli.module';

/**
 * Seeds demo data into an empty database (never in production) and prints ids and ready-made
 * tokens. On a database that already has data it only prints the tokens.
 */
export async function seedCommand(options: { quietIfPresent?: boolean } = {}): Promise<void> {
  const env = currentEnv();
  if (env.NODE_ENV === 'production') {
    console.log('Demo data is never loaded in production.');
    return;
  }
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
  try {
    const demo = app.get(DemoDataService);
    if (await demo.isEmpty()) {
      const data = await demo.seed();
      printDemo(data, env.AUTH_JWT_SECRET, env.PORT);
    } else {
      if (!options.quietIfPresent) console.log('The database already has data: demo data not loaded.');
      printDemo({ ...(await demo.describe()), customers: 0, jobs: 0, assignments: 0, openConflicts: 0 }, env.AUTH_JWT_SECRET, env.PORT, false);
    }
  } finally {
    await app.close();
  }
}

function printDemo(data: DemoData, secret: string, port: number, fresh = true): void {
  const ttlSeconds = 30 * 24 * 3600;
  const admin = mintToken(secret, { role: 'admin', sub: 'demo-admin', ttlSeconds });
  const lines: string[] = [];
  lines.push('', fresh ? '== Demo data loaded ==' : '== Existing data ==');
  if (fresh) {
    lines.push(`${data.jobs} jobs, ${data.assignments} assignments, ${data.customers} customers, ${data.openConflicts} open conflict(s)`);
  }
  lines.push('', 'Venues:');
  for (const v of data.venues) lines.push(`  ${v.id}  ${v.name} (${v.timezone})`);
  lines.push('', 'Staff:');
  for (const s of data.staff) lines.push(`  ${s.id}  ${s.name}`);
  lines.push('', 'Tokens (development, valid 30 days):', `  admin:  ${admin}`);
  for (const v of data.venues) {
    lines.push(`  dispatcher of ${v.name}:  ${mintToken(secret, { role: 'dispatcher', sub: `demo-dispatcher-${v.id.slice(0, 8)}`, venues: [v.id], ttlSeconds })}`);
  }
  for (const s of data.staff.slice(0, 4)) {
    lines.push(`  staff ${s.name}:  ${mintToken(secret, { role: 'staff', sub: s.id, ttlSeconds })}`);
  }
  lines.push(
    '',
    'Try:',
    `  curl -s -H "Authorization: Bearer ${admin.slice(0, 12)}..." http://127.0.0.1:${port}/v1/conflicts?status=open`,
    `  (full tokens above; more with: npm run token -- --role dispatcher --venue ${data.venues[0]?.id ?? '<venueId>'})`,
    `  OpenAPI: http://127.0.0.1:${port}/docs   Health: http://127.0.0.1:${port}/health`,
    '',
  );
  console.log(lines.join('\n'));
}
