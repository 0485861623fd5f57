import { ApiError, Principal } from '@calbridge/core';
import { assertCanActForStaff, assertCanActInVenue, StaffRepository, VenuesRepository } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { EmailRepository } from './email.repository';

/** The per-venue switch (admins, dispatchers of the venue) and the per-staff opt-in of invitation emails. */
@Injectable()
export class NotificationSettingsService {
  constructor(
    private readonly emails: EmailRepository,
    private readonly venues: VenuesRepository,
    private readonly staff: StaffRepository,
  ) {}

  async venue(principal: Principal, venueId: string): Promise<{ venueId: string; emailInvitations: boolean }> {
    await this.requireVenue(principal, venueId);
    return { venueId, emailInvitations: await this.emails.venueEnabled(venueId) };
  }

  async setVenue(principal: Principal, venueId: string, enabled: boolean): Promise<{ venueId: string; emailInvitations: boolean }> {
    await this.requireVenue(principal, venueId);
    await this.emails.setVenueEnabled(venueId, enabled);
    return { venueId, emailInvitations: enabled };
  }

  async staffMember(principal: Principal, staffId: string): Promise<{ staffId: string; emailInvitations: boolean }> {
    await this.requireStaff(principal, staffId, false);
    return { staffId, emailInvitations: (await this.emails.staffOptedIn([staffId])).has(staffId) };
  }

  /** The opt-in is the staff member's own choice (or an admin's on their behalf). */
  async setStaffMember(principal: Principal, staffId: string, enabled: boolean): Promise<{ staffId: string; emailInvitations: boolean }> {
    await this.requireStaff(principal, staffId, true);
    await this.emails.setStaffOptIn(staffId, enabled);
    return { staffId, emailInvitations: enabled };
  }

  private async requireVenue(principal: Principal, venueId: string): Promise<void> {
    assertCanActInVenue(principal, venueId);
    if (!(await this.venues.findById(venueId))) throw ApiError.notFound('VENUE_NOT_FOUND', `Venue ${venueId} does not exist`);
  }

  private async requireStaff(principal: Principal, staffId: string, write: boolean): Promise<void> {
    const member = await this.staff.findWithVenues(staffId);
    if (!member) throw ApiError.notFound('STAFF_NOT_FOUND', `Staff member ${staffId} does not exist`);
    assertCanActForStaff(principal, staffId, member.venueIds);
    if (write && principal.role === 'dispatcher') throw ApiError.forbidden('Staff opt in themselves', 'OPT_IN_OWNER_ONLY');
  }
}
