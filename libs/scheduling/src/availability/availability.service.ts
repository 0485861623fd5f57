import { Principal } from '@calbridge/core';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { parseTimeWindow } from '../common/time-window';
import { schedulingConfig } from '../scheduling.config';
import { StaffService } from '../staff/staff.service';
import { AvailabilityRepository } from './availability.repository';
import { BusyInterval, mergeBusy } from './busy-intervals';

export interface BusyView {
  staffId: string;
  from: string;
  to: string;
  intervals: Array<{
    startsAt: string;
    endsAt: string;
    sources: Array<{ type: 'job' | 'blocked_slot'; id: string; startsAt: string; endsAt: string; source?: string }>;
  }>;
}

function toBusyView(staffId: string, from: Date, to: Date, intervals: BusyInterval[]): BusyView {
  return {
    staffId,
    from: from.toISOString(),
    to: to.toISOString(),
    intervals: intervals.map((i) => ({
      startsAt: i.startsAt.toISOString(),
      endsAt: i.endsAt.toISOString(),
      sources: i.sources.map((s) => ({
        type: s.type,
        id: s.id,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        ...(s.source ? { source: s.source } : {}),
      })),
    })),
  };
}

/** Busy time of a staff member: what availability and the sync engine read. */
@Injectable()
export class AvailabilityService {
  constructor(
    private readonly availability: AvailabilityRepository,
    private readonly staff: StaffService,
    @Inject(schedulingConfig.KEY) private readonly config: ConfigType<typeof schedulingConfig>,
  ) {}

  async busy(principal: Principal, staffId: string, from?: string, to?: string): Promise<BusyView> {
    const window = parseTimeWindow(from, to, { maxDays: this.config.maxWindowDays, required: true })!;
    await this.staff.requireAccessible(principal, staffId);
    const items = await this.availability.busyItems(staffId, window.from, window.to);
    return toBusyView(staffId, window.from, window.to, mergeBusy(items));
  }
}
