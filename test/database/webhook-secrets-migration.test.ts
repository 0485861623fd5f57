import { CredentialsCipher, currentEnv } from '@calbridge/core';
import { dropDatabase, ensureDatabaseExists, MIGRATIONS, withDatabase } from '@calbridge/database';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TEST_ENV, testPgUrl } from '../support/test-env';

/** The migration that seals webhook signing secrets already stored in plain text, and its down(). */
describe('webhook secrets sealed at rest (migration)', () => {
  const name = `calbridge_test_${process.env[TEST_ENV.runId] ?? 'x'}_whsec_${randomBytes(3).toString('hex')}`;
  const url = withDatabase(testPgUrl(), name);
  const sealing = MIGRATIONS.findIndex((m) => m.name === 'WebhookSecretsSealed1796600001000');
  const source = (count: number) => new DataSource({ type: 'postgres', url, migrations: MIGRATIONS.slice(0, count), migrationsTableName: 'migrations', logging: false });

  beforeAll(() => ensureDatabaseExists(url));
  afterAll(() => dropDatabase(testPgUrl(), name));

  it('seals existing secrets bound to their subscription, and down() opens them again', async () => {
    expect(sealing).toBeGreaterThan(0);
    const before = source(sealing);
    await before.initialize();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    let id: string;
    try {
      await before.runMigrations({ transaction: 'each' });
      [{ id }] = await before.query(`INSERT INTO webhook_subscriptions (url, events, secret) VALUES ('https://hooks.example.com/x', '{job.created}', $1) RETURNING id`, [secret]);
    } finally {
      await before.destroy();
    }

    const after = source(sealing + 1);
    await after.initialize();
    try {
      await after.runMigrations({ transaction: 'each' });
      const [row] = await after.query(`SELECT * FROM webhook_subscriptions`);
      expect(row.secret).toBeUndefined();
      expect(JSON.stringify(row)).not.toContain(secret.slice(6, 30));
      const env = currentEnv();
      const cipher = new CredentialsCipher(env.CREDENTIALS_ENCRYPTION_KEY);
      expect(cipher.open(row.secret_sealed, `webhook-subscription:${id}`).plaintext).toBe(secret);
      // Bound to its row: under another subscription's id it does not open.
      expect(() => cipher.open(row.secret_sealed, `webhook-subscription:00000000-0000-4000-8000-000000000000`)).toThrow();

      await after.undoLastMigration({ transaction: 'each' });
      expect(await after.query(`SELECT secret FROM webhook_subscriptions`)).toEqual([{ secret }]);
    } finally {
      await after.destroy();
    }
  });
});
