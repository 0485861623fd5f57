import { ApiError, formatInZone, Principal } from '@calbridge/core';
import { DateTime } from 'luxon';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { BlockedSlotsService } from '../blocked-slots/blocked-slots.service';
import { assertCanActInVenue } from '../common/access';
import { parseTimeWindow } from '../common/time-window';
import { ConflictsService } from '../conflicts/conflicts.service';
import { formatCursor } from '../live/live-cursor';
import { schedulingConfig } from '../scheduling.config';
import { StaffService } from '../staff/staff.service';
import { VenuesRepository } from '../venues/venues.repository';
import { BoardRepository } from './board.repository';

/** The most a board asks for at once (a week, with room for a zone's long days). */
const MAX_BOARD_DAYS = 8;

/**
 * Everything the dispatcher board draws for a window, in one answer: the venue, its active staff
 * (the lanes), the jobs (only the fields the board draws), blocked time (pulled events without
 * their text), open conflicts, and the live stream's resume point for exactly this read.
 */
@Injectable()
export class BoardService {
  constructor(
    private readonly board: BoardRepository,
    private readonly venues: VenuesRepository,
    private readonly staff: StaffService,
    private readonly slots: BlockedSlotsService,
    private readonly conflicts: ConflictsService,
    @Inject(schedulingConfig.KEY) private readonly config: ConfigType<typeof schedulingConfig>,
  ) {}

  async get(principal: Principal, venueId: string, query: { from?: string; to?: string; view?: 'day' | 'week'; date?: string }) {
    assertCanActInVenue(principal, venueId);
    const byView = query.view !== undefined || query.date !== undefined;
    if (byView && (query.from !== undefined || query.to !== undefined)) {
      throw ApiError.badRequest('INVALID_TIME_WINDOW', 'Give from and to, or view and date, not both');
    }
    const venue = await this.venues.findById(venueId);
    if (!venue) throw ApiError.notFound('VENUE_NOT_FOUND', 'No such venue');
    let { from, to } = query;
    if (byView) ({ from, to } = viewWindow(query.view ?? 'day', query.date, venue.timezone));
    const window = parseTimeWindow(from, to, { maxDays: Math.min(MAX_BOARD_DAYS, this.config.maxWindowDays), required: true })!;
    // The jobs first: their snapshot is the resume point; the reads after it see at least as much.
    const { xmin, jobs } = await this.board.jobs(venueId, window.from, window.to);
    const [staff, blockedSlots, conflicts] = await Promise.all([
      this.staff.list(principal, venueId),
      this.slots.listForVenue(principal, venueId, from, to),
      this.conflicts.list(principal, { venueId, status: 'open' }),
    ]);
    const zone = venue.timezone;
    return {
      venue: { id: venue.id, name: venue.name, timezone: zone },
      from: formatInZone(window.from, zone),
      to: formatInZone(window.to, zone),
      cursor: formatCursor({ xid: xmin, id: '0' }),
      staff,
      jobs: jobs.map((j) => ({
        id: j.id,
        title: j.title,
        status: j.status,
        startsAt: formatInZone(j.startsAt, zone),
        endsAt: formatInZone(j.endsAt, zone),
        version: j.version,
        staffIds: j.staffIds,
      })),
      blockedSlots,
      conflicts,
    };
  }
}

/** A day, or the Monday-to-Sunday week, containing `date` (default: today) in the zone. */
function viewWindow(view: 'day' | 'week', date: string | undefined, zone: string): { from: string; to: string } {
  const day = date ? DateTime.fromISO(date, { zone }) : DateTime.now().setZone(zone);
  if (!day.isValid) throw ApiError.badRequest('INVALID_TIME_WINDOW', 'date must be a calendar date, yyyy-MM-dd');
  const start = day.startOf(view === 'day' ? 'day' : 'week');
  return { from: start.toISO()!, to: start.plus(view === 'day' ? { days: 1 } : { weeks: 1 }).toISO()! };
}
