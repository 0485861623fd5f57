import { ApiError, authConfig, CurrentPrincipal, ParseIdPipe, Principal, principalFromClaims, Public } from '@calbridge/core';
import { Body, Controller, Get, Headers, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import type { Request, Response } from 'express';
import { verify } from 'jsonwebtoken';
import { VenueStreamService } from './venue-stream.service';
import { StreamTicketsService } from './stream-tickets.service';

export class CreateStreamTicketDto {
  @IsUUID()
  venueId: string;
}

@ApiTags('live updates')
@ApiBearerAuth()
@Controller('v1')
export class VenueStreamController {
  constructor(
    private readonly tickets: StreamTicketsService,
    private readonly streams: VenueStreamService,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
  ) {}

  @Post('stream-tickets')
  @ApiOperation({ summary: "A 60-second ticket for one venue's stream (browsers' EventSource cannot send headers)" })
  ticket(@CurrentPrincipal() principal: Principal, @Body() dto: CreateStreamTicketDto) {
    return this.tickets.issue(principal, dto.venueId);
  }

  /**
   * Server-Sent Events of a venue, from committed changes only. Authenticated by the bearer header
   * or `?ticket=` (so the route is public to the global guard and checks for itself).
   */
  @Public()
  @Get('venues/:venueId/stream')
  @ApiOperation({ summary: 'Server-Sent Events: job.*, assignment.*, blocked_slot.*, conflict.* with entity ids; Last-Event-ID resumes' })
  @ApiQuery({ name: 'ticket', required: false })
  @ApiQuery({ name: 'lastEventId', required: false, description: 'Same as the Last-Event-ID header (for a new EventSource)' })
  async stream(
    @Param('venueId', ParseIdPipe) venueId: string,
    @Headers('authorization') authorization: string | undefined,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Query('ticket') ticket: string | undefined,
    @Query('lastEventId') lastEventIdQuery: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const principal = typeof ticket === 'string' && ticket ? this.tickets.redeem(ticket, venueId) : this.bearer(authorization);
    await this.streams.open(principal, venueId, lastEventIdHeader ?? lastEventIdQuery, req, res);
  }

  private bearer(header: string | undefined): Principal {
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw ApiError.unauthorized('Missing bearer token (Authorization: Bearer <token>) or ?ticket=');
    let claims: unknown;
    try {
      claims = verify(match[1], this.auth.jwtSecret, { algorithms: ['HS256'] });
    } catch {
      throw ApiError.unauthorized('The bearer token is invalid or has expired');
    }
    const result = principalFromClaims(claims);
    if ('problem' in result) throw ApiError.unauthorized(`The bearer token's claims are unusable: ${result.problem}`);
    return result.principal;
  }
}
