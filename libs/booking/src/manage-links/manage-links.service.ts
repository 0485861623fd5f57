import { macMatches } from '@calbridge/core';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { bookingConfig } from '../booking.config';
import { BookingRow, BookingsRepository } from '../bookings/bookings.repository';
import { MANAGE_SALT_BYTES, manageTokenMac, parseManageToken, signManageToken } from './manage-token';

/** A salt no booking has: checked against when the booking is unknown, so a miss costs what a bad MAC costs. */
const DECOY_SALT = Buffer.alloc(MANAGE_SALT_BYTES);

/** Signs and resolves customers' manage links. */
@Injectable()
export class ManageLinksService {
  private readonly key: KeyObject;

  constructor(
    private readonly bookings: BookingsRepository,
    @Inject(bookingConfig.KEY) private readonly config: ConfigType<typeof bookingConfig>,
  ) {
    this.key = createSecretKey(Buffer.from(config.signingSecret, 'utf8'));
  }

  newSalt(): Buffer {
    return randomBytes(MANAGE_SALT_BYTES);
  }

  token(bookingId: string, salt: Buffer): string {
    return signManageToken(this.key, bookingId, salt);
  }

  /**
   * The customer's link: the booking page with the token in the fragment, which browsers never
   * send to a server (so it reaches no access log).
   */
  url(venueId: string, token: string): string {
    return `${this.config.publicBaseUrl}/book/${venueId}#manage=${token}`;
  }

  /** The booking a token stands for (constant-time check against its salt); null for anything else. */
  async resolve(token: string): Promise<BookingRow | null> {
    const parsed = parseManageToken(token);
    if (!parsed) return null;
    const booking = await this.bookings.find(parsed.bookingId);
    const expected = manageTokenMac(this.key, parsed.bookingId, booking?.salt ?? DECOY_SALT);
    return macMatches(expected, parsed.mac) && booking ? booking : null;
  }
}
