import { ApiError, Principal } from '@calbridge/core';
import { actorOf, AuditService, canActInVenue, StaffRepository, StaffService, VenuesService } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PutWorkingHoursDto } from './dto/put-working-hours.dto';
import { normalizeWorkingHours, WorkingHours } from './working-hours';
import { WorkingHoursRepository } from './working-hours.repository';

export interface WorkingHoursView extends WorkingHours {
  staffId: string;
  venueId: string;
  /** The zone the wall-clock times are in (the venue's). */
  timezone: string;
}

/** Working hours per staff member and venue: set by the staff member, a dispatcher of the venue or an admin. */
@Injectable()
export class WorkingHoursService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hours: WorkingHoursRepository,
    private readonly staffService: StaffService,
    private readonly staff: StaffRepository,
    private readonly venues: VenuesService,
    private readonly audit: AuditService,
  ) {}

  async put(principal: Principal, staffId: string, venueId: string, dto: PutWorkingHoursDto): Promise<WorkingHoursView> {
    const timezone = await this.requireAccess(principal, staffId, venueId);
    const hours = normalizeWorkingHours({ weekly: dto.weekly, exceptions: dto.exceptions ?? [] });
    await this.dataSource.transaction(async (em) => {
      const before = await this.hours.get(staffId, venueId);
      await this.hours.replace(em, staffId, venueId, hours);
      await this.audit.record(em, {
        actor: actorOf(principal),
        action: 'working_hours.replaced',
        entityType: 'staff',
        entityId: staffId,
        venueId,
        staffId,
        before,
        after: hours,
      });
    });
    return { staffId, venueId, timezone, ...(await this.hours.get(staffId, venueId)) };
  }

  async get(principal: Principal, staffId: string, venueId: string): Promise<WorkingHoursView> {
    const timezone = await this.requireAccess(principal, staffId, venueId);
    return { staffId, venueId, timezone, ...(await this.hours.get(staffId, venueId)) };
  }

  /** The staff member themself, a dispatcher of this venue or an admin; the staff member must work there. */
  private async requireAccess(principal: Principal, staffId: string, venueId: string): Promise<string> {
    await this.staffService.requireAccessible(principal, staffId);
    if (principal.role === 'dispatcher' && !canActInVenue(principal, venueId)) {
      throw ApiError.forbidden('This venue is outside your scope', 'VENUE_OUT_OF_SCOPE');
    }
    const venue = await this.venues.require(venueId);
    if (!(await this.staff.isMemberOf(this.dataSource.manager, staffId, venueId))) {
      throw ApiError.unprocessable('STAFF_NOT_IN_VENUE', 'The staff member does not work at this venue', { staffId, venueId });
    }
    return venue.timezone;
  }
}
