import { Public } from '@calbridge/core';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { FeedRequestHandler } from './feed-request.handler';

/**
 * `GET|HEAD /calendar/:staffId/:token.ics` through Nest. With FEED_FAST_PATH on (the default)
 * FeedServerMount answers these requests before they reach Express, and this route only
 * documents the endpoint; with it off, this route serves it.
 */
@ApiTags('ical-feed')
@Controller('calendar')
export class FeedController {
  constructor(private readonly handler: FeedRequestHandler) {}

  @Get(':staffId/:file')
  @Public()
  @ApiOperation({
    summary: 'The iCal feed of one staff member at one venue (public; the signed URL is the credential; also HEAD)',
    description:
      '200 text/calendar (gzip when accepted; strong ETag; Cache-Control: no-cache, must-revalidate, private); ' +
      '304 on a matching If-None-Match; 404 (one body) for any bad, unknown or rotated URL; 410 once expired; ' +
      '429 after repeated failures from one address.',
  })
  @ApiParam({ name: 'file', description: '<token>.ics' })
  @ApiProduces('text/calendar')
  @ApiResponse({ status: 200, description: 'The calendar' })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag sent in If-None-Match' })
  @ApiResponse({ status: 404, description: 'Not a live feed URL' })
  @ApiResponse({ status: 410, description: 'The URL expired; generate a new one' })
  @ApiResponse({ status: 429, description: 'Too many failed feed requests from this address' })
  async serve(@Param('staffId') _staffId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.handler.handle(req, res, expressAddress);
  }
}

/** Express's view of the client's address (its `trust proxy` setting applied). */
function expressAddress(req: IncomingMessage): string {
  return (req as Request).ip ?? req.socket.remoteAddress ?? 'unknown';
}
