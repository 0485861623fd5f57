import { currentEnv } from '@calbridge/core';
import { registerAs } from '@nestjs/config';

export const schedulingConfig = registerAs('scheduling', () => {
  const env = currentEnv();
  return {
    outbox: {
      relayEnabled: env.OUTBOX_RELAY_ENABLED,
      pollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
      batchSize: env.OUTBOX_BATCH_SIZE,
      retentionDays: env.OUTBOX_RETENTION_DAYS,
    },
    /** Longest window `GET /v1/staff/:id/busy` and the blocked-slot list accept. */
    maxWindowDays: 400,
  };
});
