import { ApiError, Principal } from '@calbridge/core';

/**
 * Scope rules (API.md "Authentication"): admins act everywhere; dispatchers act in the venues
 * their token lists; staff act on their own records only.
 */
export function canActInVenue(principal: Principal, venueId: string): boolean {
  return principal.role === 'admin' || (principal.role === 'dispatcher' && principal.venueIds.includes(venueId));
}

export function assertCanActInVenue(principal: Principal, venueId: string): void {
  if (!canActInVenue(principal, venueId)) {
    throw ApiError.forbidden('This venue is outside your scope', 'VENUE_OUT_OF_SCOPE');
  }
}

/** May the principal see and change what belongs to this staff member (given their venues)? */
export function canActForStaff(principal: Principal, staffId: string, staffVenueIds: readonly string[]): boolean {
  switch (principal.role) {
    case 'admin':
      return true;
    case 'staff':
      return principal.staffId === staffId;
    case 'dispatcher':
      return staffVenueIds.some((v) => principal.venueIds.includes(v));
  }
}

export function assertCanActForStaff(principal: Principal, staffId: string, staffVenueIds: readonly string[]): void {
  if (!canActForStaff(principal, staffId, staffVenueIds)) {
    throw ApiError.forbidden('This staff member is outside your scope', 'STAFF_OUT_OF_SCOPE');
  }
}

export function assertRole(principal: Principal, ...roles: Principal['role'][]): void {
  if (!roles.includes(principal.role)) {
    throw ApiError.forbidden(`This needs one of the roles: ${roles.join(', ')}`);
  }
}
