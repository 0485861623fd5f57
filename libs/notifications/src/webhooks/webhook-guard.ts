import { OutboundGuard } from '@calbridge/core';
import type { ConfigType } from '@nestjs/config';
import { notificationsConfig } from '../notifications.config';

/** The outbound guard webhook URLs go through (libs/core: SSRF rules as for CalDAV servers). */
export const WEBHOOK_GUARD = Symbol('WEBHOOK_GUARD');

export const webhookGuardProvider = {
  provide: WEBHOOK_GUARD,
  inject: [notificationsConfig.KEY],
  useFactory: (config: ConfigType<typeof notificationsConfig>) =>
    new OutboundGuard({ allowPrivateNetworks: config.webhooks.allowPrivateNetworks }, { timeoutMs: config.webhooks.timeoutMs, maxRedirects: 0 }),
};
