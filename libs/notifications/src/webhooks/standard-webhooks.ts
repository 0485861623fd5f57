import { createHmac, randomBytes } from 'node:crypto';

/** Standard Webhooks secrets: `whsec_` + base64 of a random 32-byte key (standardwebhooks.com). */
const SECRET_PREFIX = 'whsec_';

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The HMAC key a secret stands for (the base64 after `whsec_`). */
function secretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/**
 * The Standard Webhooks headers of one delivery attempt: `webhook-id` (the same on every retry of
 * one message), `webhook-timestamp` (seconds, of this attempt) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 over "id.timestamp.body">`).
 */
export function standardWebhookHeaders(secret: string, messageId: string, timestampSeconds: number, body: string): Record<string, string> {
  const signature = createHmac('sha256', secretKey(secret)).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  };
}
