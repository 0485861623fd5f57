import { CredentialsCipher, currentEnv } from '@calbridge/core';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook signing secrets sealed at rest (AES-256-GCM with CREDENTIALS_ENCRYPTION_KEY, as
 * calendar credentials; CREDENTIALS_PREVIOUS_KEYS still open older ones): `secret` (plain text)
 * becomes `secret_sealed`, bound to its subscription (associated data `webhook-subscription:<id>`,
 * the same as libs/notifications' WebhookSecrets). Running it needs the deployment's key in the
 * environment, as the apps do. down() opens them again.
 */
export class WebhookSecretsSealed1796600001000 implements MigrationInterface {
  name = 'WebhookSecretsSealed1796600001000';

  async up(q: QueryRunner): Promise<void> {
    const cipher = cipherOfEnvironment();
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN secret_sealed text`);
    const rows: Array<{ id: string; secret: string }> = await q.query(`SELECT id, secret FROM webhook_subscriptions`);
    for (const row of rows) {
      await q.query(`UPDATE webhook_subscriptions SET secret_sealed = $2 WHERE id = $1`, [row.id, cipher.seal(row.secret, context(row.id)).sealed]);
    }
    await q.query(`ALTER TABLE webhook_subscriptions ALTER COLUMN secret_sealed SET NOT NULL, DROP COLUMN secret`);
  }

  async down(q: QueryRunner): Promise<void> {
    const cipher = cipherOfEnvironment();
    await q.query(`ALTER TABLE webhook_subscriptions ADD COLUMN secret text`);
    const rows: Array<{ id: string; secret_sealed: string }> = await q.query(`SELECT id, secret_sealed FROM webhook_subscriptions`);
    for (const row of rows) {
      await q.query(`UPDATE webhook_subscriptions SET secret = $2 WHERE id = $1`, [row.id, cipher.open(row.secret_sealed, context(row.id)).plaintext]);
    }
    await q.query(`ALTER TABLE webhook_subscriptions ALTER COLUMN secret SET NOT NULL, DROP COLUMN secret_sealed`);
  }
}

function cipherOfEnvironment(): CredentialsCipher {
  const env = currentEnv();
  const previous = (env.CREDENTIALS_PREVIOUS_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return new CredentialsCipher(env.CREDENTIALS_ENCRYPTION_KEY, previous);
}

function context(subscriptionId: string): string {
  return `webhook-subscription:${subscriptionId}`;
}
