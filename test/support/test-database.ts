import { dropDatabase, withDatabase } from '@calbridge/database';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { TEST_ENV, testPgUrl } from './test-env';

const OBJECT_IN_USE = '55006';

/** A fresh database cloned from the migrated template; returns its URL and a drop function. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const runId = process.env[TEST_ENV.runId];
  const template = process.env[TEST_ENV.templateDb];
  if (!runId || !template) throw new Error('The jest global setup did not run (use npm test)');
  const name = `calbridge_test_${runId}_${randomBytes(4).toString('hex')}`;
  const pgUrl = testPgUrl();
  const admin = new Client({ connectionString: withDatabase(pgUrl, 'postgres') });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (error) {
        // Another file cloning the template at the same moment: try again shortly (bounded).
        if ((error as { code?: string }).code !== OBJECT_IN_USE || attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await admin.end();
  }
  return { url: withDatabase(pgUrl, name), name, drop: () => dropDatabase(pgUrl, name) };
}
