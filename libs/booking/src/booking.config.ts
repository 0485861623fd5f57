import { currentEnv } from '@calbridge/core';
import { registerAs } from '@nestjs/config';

export const bookingConfig = registerAs('booking', () => {
  const env = currentEnv();
  return {
    /** HMAC key of manage links (FEED_SIGNING_SECRET when unset; the token label keeps the two apart). */
    signingSecret: env.BOOKING_SIGNING_SECRET ?? env.FEED_SIGNING_SECRET,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    /** Longest window one availability request may span. */
    maxAvailabilityDays: 62,
  };
});

export type BookingConfig = ReturnType<typeof bookingConfig>;
