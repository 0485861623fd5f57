import { currentEnv } from '@calbridge/core';
import { migrateDatabase, redactUrl } from '@calbridge/database';

export async function migrateCommand(): Promise<void> {
  const url = currentEnv().DATABASE_URL;
  const report = await migrateDatabase(url);
  if (report.createdDatabase) console.log(`Created database ${redactUrl(url)}`);
  console.log(report.applied.length ? `Applied migrations: ${report.applied.join(', ')}` : 'Database schema is up to date');
}
