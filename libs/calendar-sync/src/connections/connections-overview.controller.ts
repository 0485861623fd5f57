import { ApiError, CurrentPrincipal, Principal } from '@calbridge/core';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ConnectionOverviewRow, ConnectionsOverviewRepository } from './connections-overview.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Connections overview for admins (every venue) and dispatchers (their venues): who, which
 * account, status, last sync, last error. The board uses it for each lane's calendar health.
 */
@ApiTags('calendar sync')
@ApiBearerAuth()
@Controller('v1/connections')
export class ConnectionsOverviewController {
  constructor(private readonly overview: ConnectionsOverviewRepository) {}

  @Get()
  @ApiOperation({ summary: 'Calendar connections of the staff of a venue (or of every venue in your scope), worst status first' })
  @ApiQuery({ name: 'venueId', required: false })
  list(@CurrentPrincipal() principal: Principal, @Query('venueId') venueId?: string): Promise<ConnectionOverviewRow[]> {
    if (venueId !== undefined && !UUID.test(venueId)) throw ApiError.badRequest('INVALID_ID', 'venueId must be a UUID');
    if (principal.role === 'staff') throw ApiError.forbidden('Staff see their own connections at /v1/staff/:id/connections');
    if (principal.role === 'dispatcher') {
      if (venueId && !principal.venueIds.includes(venueId)) throw ApiError.forbidden('This venue is outside your scope', 'VENUE_OUT_OF_SCOPE');
      return this.overview.list(venueId ? [venueId] : principal.venueIds);
    }
    return this.overview.list(venueId ? [venueId] : null);
  }
}
