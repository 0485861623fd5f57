import { ApiError, authConfig, Principal, principalFromClaims } from '@calbridge/core';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JsonWebTokenError, sign, verify } from 'jsonwebtoken';
import { createHmac } from 'node:crypto';
import { assertCanActInVenue } from '../common/access';

/** How long a ticket opens a stream (EventSource reconnects ask for a new one). */
export const STREAM_TICKET_TTL_SECONDS = 60;

/**
 * Browsers' EventSource cannot send an Authorization header, so the page trades its bearer
 * token for a short-lived ticket bound to one venue (`?ticket=`; the logs redact it). Tickets
 * are signed with a key derived from AUTH_JWT_SECRET for this purpose only: a ticket is no
 * bearer token anywhere else, and a bearer token is no ticket.
 */
@Injectable()
export class StreamTicketsService {
  private readonly key: Buffer;

  constructor(@Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>) {
    this.key = createHmac('sha256', auth.jwtSecret).update('calbridge live stream ticket v1').digest();
  }

  issue(principal: Principal, venueId: string): { ticket: string; expiresAt: string } {
    assertCanActInVenue(principal, venueId);
    const claims: Record<string, unknown> = { role: principal.role, venueId };
    if (principal.role === 'dispatcher') claims.venues = principal.venueIds;
    const ticket = sign(claims, this.key, { algorithm: 'HS256', subject: principal.subject, expiresIn: STREAM_TICKET_TTL_SECONDS });
    return { ticket, expiresAt: new Date(Date.now() + STREAM_TICKET_TTL_SECONDS * 1000).toISOString() };
  }

  /** The principal a ticket stands for, for the venue it names; 401 otherwise. */
  redeem(ticket: string, venueId: string): Principal {
    let claims: Record<string, unknown>;
    try {
      claims = verify(ticket, this.key, { algorithms: ['HS256'] }) as Record<string, unknown>;
    } catch (error) {
      const expired = error instanceof JsonWebTokenError && error.name === 'TokenExpiredError';
      throw ApiError.unauthorized(expired ? 'The stream ticket has expired; ask for a new one' : 'The stream ticket is invalid');
    }
    if (claims.venueId !== venueId) throw ApiError.unauthorized('The stream ticket is for another venue');
    const result = principalFromClaims(claims);
    if ('problem' in result) throw ApiError.unauthorized('The stream ticket is invalid');
    return result.principal;
  }
}
