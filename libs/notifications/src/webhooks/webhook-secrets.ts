import { CredentialsCipher } from '@calbridge/core';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { notificationsConfig } from '../notifications.config';

/** Opened secrets kept in memory (signing needs one per delivery; opening is cheap, not free). */
const OPENED_CACHE = 1_000;

/**
 * Webhook signing secrets at rest: sealed with the credentials cipher (AES-256-GCM, key id in the
 * value), bound to their subscription — a sealed value copied onto another subscription does not
 * open. The plain secret is shown once, when the subscription is created. The associated data is
 * the one the migration that sealed existing rows used (`webhook-subscription:<id>`).
 */
@Injectable()
export class WebhookSecrets {
  private readonly cipher: CredentialsCipher;
  private readonly opened = new Map<string, string>();

  constructor(@Inject(notificationsConfig.KEY) config: ConfigType<typeof notificationsConfig>) {
    this.cipher = new CredentialsCipher(config.secrets.key, config.secrets.previousKeys);
  }

  seal(subscriptionId: string, secret: string): string {
    return this.cipher.seal(secret, context(subscriptionId)).sealed;
  }

  open(subscriptionId: string, sealed: string): string {
    const key = `${subscriptionId}\n${sealed}`;
    let secret = this.opened.get(key);
    if (secret === undefined) {
      secret = this.cipher.open(sealed, context(subscriptionId)).plaintext;
      if (this.opened.size >= OPENED_CACHE) this.opened.delete(this.opened.keys().next().value as string);
      this.opened.set(key, secret);
    }
    return secret;
  }
}

function context(subscriptionId: string): string {
  return `webhook-subscription:${subscriptionId}`;
}
