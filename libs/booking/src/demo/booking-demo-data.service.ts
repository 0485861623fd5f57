import { Principal } from '@calbridge/core';
import { StaffService, VenuesService } from '@calbridge/scheduling';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { bookingConfig } from '../booking.config';
import { ServicesService } from '../services/services.service';
import { WorkingHoursService } from '../working-hours/working-hours.service';
import type { Weekday } from '../working-hours/working-hours';

const SEEDER: Principal = { role: 'admin', subject: 'demo-data', venueIds: [] };

/** Per demo venue (by zone): services [name, minutes, buffer after] and opening hours. */
const PLANS: Record<string, { services: Array<[string, number, number]>; open: string; close: string }> = {
  'Europe/Berlin': {
    services: [
      ['Haircut & styling', 45, 15],
      ['Beard trim', 20, 10],
      ['Colour consultation', 30, 0],
    ],
    open: '09:00',
    close: '18:00',
  },
  'America/New_York': {
    services: [
      ['Boiler inspection', 60, 30],
      ['Leak repair', 90, 30],
    ],
    open: '08:00',
    close: '17:00',
  },
};

const WORKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface BookingDemo {
  venueId: string;
  venueName: string;
  services: number;
  bookingUrl: string;
}

/**
 * Self-booking for the demo venues (after scheduling's demo data): services performed by each
 * venue's staff, Monday-Saturday working hours for everyone there, booking switched on. Goes
 * through the services, as real changes do.
 */
@Injectable()
export class BookingDemoDataService {
  private readonly logger = new Logger(BookingDemoDataService.name);

  constructor(
    private readonly venues: VenuesService,
    private readonly staff: StaffService,
    private readonly services: ServicesService,
    private readonly hours: WorkingHoursService,
    @Inject(bookingConfig.KEY) private readonly config: ConfigType<typeof bookingConfig>,
  ) {}

  async seed(): Promise<BookingDemo[]> {
    const out: BookingDemo[] = [];
    for (const venue of await this.venues.list(SEEDER)) {
      const plan = PLANS[venue.timezone];
      if (!plan) continue;
      const team = await this.staff.list(SEEDER, venue.id);
      for (const member of team) {
        await this.hours.put(SEEDER, member.id, venue.id, {
          weekly: WORKDAYS.map((day) => ({ day, start: plan.open, end: plan.close })),
          exceptions: [],
        });
      }
      for (const [name, durationMinutes, bufferAfterMinutes] of plan.services) {
        await this.services.create(SEEDER, venue.id, { name, durationMinutes, bufferAfterMinutes, staffIds: team.map((m) => m.id) });
      }
      await this.venues.update(SEEDER, venue.id, { booking: { enabled: true, minNoticeMinutes: 60 } });
      out.push({ venueId: venue.id, venueName: venue.name, services: plan.services.length, bookingUrl: this.bookingUrl(venue.id) });
    }
    this.logger.log(`Demo booking: ${out.length} venues open for self-booking`);
    return out;
  }

  /** The public booking pages of venues with booking enabled (for the quick start's output). */
  async describe(): Promise<BookingDemo[]> {
    const venues = await this.venues.list(SEEDER);
    return venues
      .filter((v) => v.booking.enabled)
      .map((v) => ({ venueId: v.id, venueName: v.name, services: 0, bookingUrl: this.bookingUrl(v.id) }));
  }

  private bookingUrl(venueId: string): string {
    return `${this.config.publicBaseUrl}/book/${venueId}`;
  }
}
