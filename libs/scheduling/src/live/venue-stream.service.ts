import { ApiError, Principal } from '@calbridge/core';
import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { assertCanActInVenue } from '../common/access';
import { VenuesRepository } from '../venues/venues.repository';
import { formatCursor, parseCursor, streamEventData, streamEventName } from './live-cursor';
import { LiveEventsHub, LiveSubscriber } from './live-events.hub';
import { LiveEventsRepository } from './live-events.repository';

const HEARTBEAT_MS = 15_000;

/** One venue's Server-Sent Events response: resume point, heartbeats, cleanup. */
@Injectable()
export class VenueStreamService {
  constructor(
    private readonly hub: LiveEventsHub,
    private readonly events: LiveEventsRepository,
    private readonly venues: VenuesRepository,
  ) {}

  async open(principal: Principal, venueId: string, lastEventId: string | undefined, req: Request, res: Response): Promise<void> {
    assertCanActInVenue(principal, venueId);
    if (!(await this.venues.findById(venueId))) throw ApiError.notFound('VENUE_NOT_FOUND', 'No such venue');
    const resume = parseCursor(lastEventId);
    let cursor = resume ?? (await this.events.now());
    let reset = false;
    if (resume && (await this.events.isBeforeRetention(resume))) {
      // The events since then are no longer kept: the client must re-read everything.
      reset = true;
      cursor = await this.events.now();
    }

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);

    const write = (text: string) => {
      if (!res.writableEnded) res.write(text);
    };
    // `ready` carries the resume point: a client that loads its data after it misses nothing.
    write(`retry: 2000\n`);
    if (reset) write(`id: ${formatCursor(cursor)}\nevent: reset\ndata: {}\n\n`);
    write(`id: ${formatCursor(cursor)}\nevent: ready\ndata: ${JSON.stringify({ venueId, resumed: Boolean(resume) && !reset })}\n\n`);

    const sub: LiveSubscriber = {
      venueId,
      cursor,
      deliver: (rows) => {
        let out = '';
        for (const row of rows) {
          const name = streamEventName(row.type);
          const id = formatCursor({ xid: row.xid, id: row.id });
          // Unstreamed types still move the client's resume point.
          out += name ? `id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(streamEventData(row.type, row.aggregateId, row.payload))}\n\n` : `id: ${id}\n: skipped\n\n`;
        }
        write(out);
      },
      close: () => res.end(),
    };
    const heartbeat = setInterval(() => write(`: heartbeat\n\n`), HEARTBEAT_MS);
    heartbeat.unref();
    const done = () => {
      clearInterval(heartbeat);
      this.hub.remove(sub);
    };
    res.on('close', done);
    await this.hub.add(sub);
  }
}
