import { BookingDemo, BookingDemoDataService } from '@calbridge/booking';
import { currentEnv, mintToken, Principal } from '@calbridge/core';
import { FeedsService } from '@calbridge/ical-feed';
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
      const booking = await app.get(BookingDemoDataService).seed();
      printDemo(data, await feedUrls(app.get(FeedsService), data), booking, env.AUTH_JWT_SECRET, env.PORT);
    } else {
      if (!options.quietIfPresent) console.log('The database already has data: demo data not loaded.');
      const data = { ...(await demo.describe()), customers: 0, jobs: 0, assignments: 0, openConflicts: 0 };
      const booking = await app.get(BookingDemoDataService).describe();
      printDemo(data, await feedUrls(app.get(FeedsService), data), booking, env.AUTH_JWT_SECRET, env.PORT, false);
    }
  } finally {
    await app.close();
  }
}

const CLI: Principal = { role: 'admin', subject: 'cli', venueIds: [] };

interface DemoFeed {
  staffName: string;
  venueName: string;
  url: string;
}

/**
 * Each demo staff member's feed URLs (created on first listing). Printed to the developer's
 * console only: a feed URL is a credential and never goes to the logs.
 */
async function feedUrls(feeds: FeedsService, data: Pick<DemoData, 'staff'>): Promise<DemoFeed[]> {
  const out: DemoFeed[] = [];
  for (const s of data.staff) {
    for (const feed of await feeds.list(CLI, s.id)) out.push({ staffName: s.name, venueName: feed.venueName, url: feed.url });
  }
  return out;
}

function printDemo(data: DemoData, feeds: DemoFeed[], booking: BookingDemo[], secret: string, port: number, fresh = true): void {
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
  if (feeds.length) {
    lines.push('', 'iCal feeds (subscribe in any calendar app; development URLs, keep them private):');
    for (const f of feeds) lines.push(`  ${f.staffName} @ ${f.venueName}:  ${f.url}`);
  }
  if (booking.length) {
    lines.push('', 'Public self-booking (no token needed):');
    for (const b of booking) {
      lines.push(`  ${b.venueName}:  ${b.bookingUrl}`, `    services: http://127.0.0.1:${port}/public/venues/${b.venueId}/services`);
    }
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
