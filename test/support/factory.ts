import type { Principal } from '@calbridge/core';
import { BlockedSlotsService, CustomersService, StaffService, VenuesService } from '@calbridge/scheduling';
import { AssignmentsService, JobsService } from '@calbridge/scheduling/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { DateTime } from 'luxon';

export const TEST_ADMIN: Principal = { role: 'admin', subject: 'test-admin', venueIds: [] };

let counter = 0;
const next = () => ++counter;

/** `at(1, '10:00', 'Europe/Berlin')`: tomorrow 10:00 local, as ISO with offset (days from today). */
export function at(days: number, time: string, zone = 'UTC'): string {
  const [hour, minute] = time.split(':').map(Number);
  return DateTime.now().setZone(zone).startOf('day').plus({ days }).set({ hour, minute }).toISO()!;
}

/**
 * Small factories over the real services (so audit rows, outbox events, schedule versions and
 * conflicts come out as in production), acting as an admin unless told otherwise.
 */
export class Factory {
  constructor(private readonly app: INestApplicationContext) {}

  venue(over: { name?: string; timezone?: string } = {}) {
    return this.app.get(VenuesService).create(TEST_ADMIN, { name: `Venue ${next()}`, timezone: 'Europe/Berlin', ...over });
  }

  staff(over: { venueIds: string[]; name?: string; email?: string }) {
    const n = next();
    return this.app
      .get(StaffService)
      .create(TEST_ADMIN, { name: over.name ?? `Staff ${n}`, email: over.email ?? `staff${n}.${Date.now()}@example.com`, venueIds: over.venueIds });
  }

  customer(over: { firstName?: string; lastName?: string; email?: string; venueId?: string } = {}) {
    return this.app.get(CustomersService).create(TEST_ADMIN, { firstName: 'Sarah', lastName: `Johnson${next()}`, ...over });
  }

  job(over: {
    venueId: string;
    title?: string;
    startsAt?: string;
    endsAt?: string;
    allDay?: boolean;
    status?: 'pending' | 'confirmed' | 'contingent' | 'seeking_replacement' | 'arrived' | 'completed' | 'cancelled' | 'no_show';
    customerId?: string;
    service?: string;
    location?: string;
    remote?: { provider?: 'url' | 'google_meet' | 'teams'; url?: string; details?: string };
  }) {
    return this.app.get(JobsService).create(TEST_ADMIN, {
      title: `Job ${next()}`,
      startsAt: over.startsAt ?? at(1, '10:00'),
      endsAt: over.endsAt ?? at(1, '11:00'),
      ...over,
    });
  }

  assign(jobId: string, staffId: string, over: { role?: 'lead' | 'team'; override?: boolean } = {}) {
    return this.app.get(AssignmentsService).assign(TEST_ADMIN, jobId, { staffId, ...over });
  }

  blockedSlot(staffId: string, over: { startsAt: string; endsAt: string; reason?: string }) {
    return this.app.get(BlockedSlotsService).create(TEST_ADMIN, staffId, over);
  }

  /** A venue with `count` staff members. */
  async team(count = 2, venue: { timezone?: string } = {}) {
    const v = await this.venue(venue);
    const staff = [];
    for (let i = 0; i < count; i++) staff.push(await this.staff({ venueIds: [v.id] }));
    return { venue: v, staff };
  }
}
