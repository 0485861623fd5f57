import { ApiError, Principal } from '@calbridge/core';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { BlockedSlotsService } from '../blocked-slots/blocked-slots.service';
import { CustomersService, CustomerView } from '../customers/customers.service';
import { AssignmentsService } from '../jobs/assignments.service';
import { JobsService } from '../jobs/jobs.service';
import { StaffService, StaffView } from '../staff/staff.service';
import { VenuesService, VenueView } from '../venues/venues.service';

export interface DemoData {
  venues: Array<{ id: string; name: string; timezone: string }>;
  staff: Array<{ id: string; name: string; venueIds: string[] }>;
  customers: number;
  jobs: number;
  assignments: number;
  openConflicts: number;
}

const SEEDER: Principal = { role: 'admin', subject: 'demo-data', venueIds: [] };

const VENUES = [
  { name: 'Kreuzberg Hair Studio', timezone: 'Europe/Berlin' },
  { name: 'Brooklyn Field Service', timezone: 'America/New_York' },
];

const STAFF = [
  { name: 'Anna Becker', email: 'anna.becker@example.com', venues: [0] },
  { name: 'Jonas Weber', email: 'jonas.weber@example.com', venues: [0] },
  { name: 'Maya Johnson', email: 'maya.johnson@example.com', venues: [1] },
  { name: 'Leo Martinez', email: 'leo.martinez@example.com', venues: [0, 1] },
];

const CUSTOMERS = [
  ['Sarah', 'Johansson'],
  ['Mehmet', 'Yilmaz'],
  ['Claire', 'Dubois'],
  ['Tom', 'Okafor'],
  ['Priya', 'Raman'],
  ['Lukas', 'Hoffmann'],
];

const SERVICES = [
  ['Haircut & styling', 'Colour consultation', 'Balayage', 'Beard trim'],
  ['Boiler inspection', 'Leak repair', 'Smart thermostat install', 'Annual maintenance'],
];

/** Local start hour/minute and length in minutes of each day's slots. */
const SLOTS: Array<[number, number, number]> = [
  [9, 0, 90],
  [11, 0, 60],
  [14, 0, 90],
  [16, 30, 60],
];

/**
 * Demo data for a fresh development database: two venues in different time zones, four staff
 * (one working at both), customers, a working week of jobs from today, one manual blocked slot
 * that collides with a job (an open conflict for the dispatcher). Goes through the services, so
 * audit rows and outbox events are written as for real changes.
 */
@Injectable()
export class DemoDataService {
  private readonly logger = new Logger(DemoDataService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly venues: VenuesService,
    private readonly staff: StaffService,
    private readonly customers: CustomersService,
    private readonly jobs: JobsService,
    private readonly assignments: AssignmentsService,
    private readonly blockedSlots: BlockedSlotsService,
  ) {}

  async isEmpty(): Promise<boolean> {
    const [row] = await this.dataSource.query('SELECT NOT EXISTS (SELECT 1 FROM venues) AS empty');
    return row.empty;
  }

  async seed(now = new Date()): Promise<DemoData> {
    const venues: VenueView[] = [];
    for (const v of VENUES) venues.push(await this.venues.create(SEEDER, v));
    const staff: StaffView[] = [];
    for (const s of STAFF) {
      staff.push(
        await this.staff.create(SEEDER, { name: s.name, email: s.email, venueIds: s.venues.map((i) => venues[i].id) }),
      );
    }
    const customers: CustomerView[] = [];
    for (const [firstName, lastName] of CUSTOMERS) {
      customers.push(await this.customers.create(SEEDER, { firstName, lastName, email: `${firstName.toLowerCase()}@example.org` }));
    }

    let jobs = 0;
    let assignments = 0;
    for (const [vi, venue] of venues.entries()) {
      const team = staff.filter((s) => s.venueIds.includes(venue.id));
      const today = DateTime.fromJSDate(now, { zone: venue.timezone }).startOf('day');
      for (let day = 0; day < 7; day++) {
        const date = today.plus({ days: day });
        if (date.weekday === 7) continue; // closed on Sundays
        for (const [si, [hour, minute, length]] of SLOTS.entries()) {
          const start = date.set({ hour, minute });
          const job = await this.jobs.create(SEEDER, {
            venueId: venue.id,
            title: SERVICES[vi][(day + si) % SERVICES[vi].length],
            service: SERVICES[vi][(day + si) % SERVICES[vi].length],
            customerId: customers[(day * SLOTS.length + si + vi) % customers.length].id,
            location: vi === 0 ? 'Oranienstraße 12, 10999 Berlin' : '214 Bedford Ave, Brooklyn, NY 11249',
            remote: si === 1 && vi === 1 ? { url: 'https://meet.example.com/brooklyn-dispatch', details: 'PIN 4711' } : undefined,
            startsAt: start.toISO()!,
            endsAt: start.plus({ minutes: length }).toISO()!,
            status: day === 0 ? 'confirmed' : si === 3 ? 'contingent' : 'pending',
          });
          jobs++;
          // First free team member, starting from a rotating offset (someone at two venues may be busy).
          for (let k = 0; k < team.length; k++) {
            const member = team[(day + si + k) % team.length];
            try {
              await this.assignments.assign(SEEDER, job.id, { staffId: member.id, role: 'lead' });
              assignments++;
              break;
            } catch (error) {
              if (!(error instanceof ApiError) || error.code !== 'ASSIGNMENT_CONFLICT') throw error;
            }
          }
        }
      }
      // An all-day team day on the third day.
      const teamDay = today.plus({ days: 2 });
      await this.jobs.create(SEEDER, {
        venueId: venue.id,
        title: 'Team training day',
        startsAt: teamDay.plus({ days: 14 }).toISODate()!,
        endsAt: teamDay.plus({ days: 15 }).toISODate()!,
        allDay: true,
        status: 'confirmed',
      });
      jobs++;
    }

    // Anna blocks time around her next booking (a dentist appointment): an open conflict to look at.
    const anna = staff[0];
    const next = await this.jobs.list(SEEDER, {
      staffId: anna.id,
      from: new Date(now.getTime() + 3600_000).toISOString(),
      to: new Date(now.getTime() + 8 * 86_400_000).toISOString(),
      limit: 1,
    });
    const booked = next.items[0];
    if (booked) {
      const start = DateTime.fromISO(booked.startsAt, { setZone: true });
      await this.blockedSlots.create({ role: 'staff', subject: anna.id, staffId: anna.id, venueIds: [] }, anna.id, {
        startsAt: start.minus({ minutes: 30 }).toISO()!,
        endsAt: start.plus({ minutes: 45 }).toISO()!,
        reason: 'Dentist',
      });
    }
    const [{ n: openConflicts }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM conflicts WHERE status = 'open'`);
    this.logger.log(`Demo data: ${venues.length} venues, ${staff.length} staff, ${jobs} jobs, ${assignments} assignments`);
    return {
      venues: venues.map((v) => ({ id: v.id, name: v.name, timezone: v.timezone })),
      staff: staff.map((s) => ({ id: s.id, name: s.name, venueIds: s.venueIds })),
      customers: customers.length,
      jobs,
      assignments,
      openConflicts,
    };
  }

  /** Venues and staff of an existing database (to print tokens when demo data is already there). */
  async describe(): Promise<Pick<DemoData, 'venues' | 'staff'>> {
    const venues = await this.venues.list(SEEDER);
    const staff = await this.staff.list(SEEDER);
    return {
      venues: venues.map((v) => ({ id: v.id, name: v.name, timezone: v.timezone })),
      staff: staff.slice(0, 10).map((s) => ({ id: s.id, name: s.name, venueIds: s.venueIds })),
    };
  }
}
