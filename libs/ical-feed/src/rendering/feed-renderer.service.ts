import { MetricsService } from '@calbridge/core';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DateTime } from 'luxon';
import { createHash } from 'node:crypto';
import { feedConfig } from '../ical-feed.config';
import { FeedCache } from '../serving/feed-cache';
import { RenderedFeed, renderingSource, versionsOf } from '../serving/rendered-feed';
import { FeedBuilder, RenderedEvent } from './feed-builder';
import {
  calendarDescription,
  calendarName,
  eventCacheKey,
  expiryNotice,
  feedWindow,
  FeedEventContext,
  jobEvent,
  visibleStatuses,
} from './feed-events';
import { FeedJobsRepository } from './feed-jobs.repository';

export interface RenderStats {
  events: number;
  /** Events rendered now (the rest came from the event cache). */
  renderedEvents: number;
}

/**
 * Reads a feed's jobs and renders them, re-using each unchanged job's cached VEVENT text (keyed
 * by job id, version and everything else that shapes it), so that after one change in a large
 * feed only that job is rendered again.
 */
@Injectable()
export class FeedRenderer {
  private readonly builder = new FeedBuilder();
  private readonly renders;

  constructor(
    private readonly jobs: FeedJobsRepository,
    private readonly cache: FeedCache,
    @Inject(feedConfig.KEY) private readonly config: ConfigType<typeof feedConfig>,
    metrics: MetricsService,
  ) {
    this.renders = metrics.histogram(
      'calbridge_feed_render_seconds',
      'Time to read and render one feed (blocking part included)',
      ['kind'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    );
  }

  /** Renders the feed as of now (null when it no longer exists). `zone` and `day` fix the window. */
  async render(staffId: string, venueId: string, zone: string, day: string): Promise<(RenderedFeed & RenderStats) | null> {
    const started = process.hrtime.bigint();
    const policy = this.config.policy;
    const { from, to } = feedWindow(day, zone, policy);
    const snapshot = await this.jobs.snapshot(staffId, venueId, from, to, visibleStatuses(policy));
    if (!snapshot) return null;
    const { head, jobs } = snapshot;
    const ctx: FeedEventContext = { zone: head.timezone, includeClientNames: head.includeClientNames, policy };

    const events: RenderedEvent[] = [];
    let rendered = 0;
    // The content depends on the day (window, expiry warning), so it may have changed at midnight.
    let lastModified = Math.max(head.feedUpdatedAt.getTime(), DateTime.fromISO(day, { zone }).startOf('day').toMillis());
    const expiry = { expiresAt: head.expiresAt, day, zone: head.timezone, warningDays: policy.warningDays, manageUrl: policy.manageUrl };
    const notice = expiryNotice(staffId, venueId, expiry);
    if (notice) events.push(this.builder.renderEvent(notice));
    for (const job of jobs) {
      const key = eventCacheKey(job, ctx);
      let event = this.cache.events.get(key);
      if (!event) {
        event = this.builder.renderEvent(jobEvent(job, ctx));
        this.cache.events.set(key, event);
        rendered++;
      }
      events.push(event);
      if (job.updatedAt.getTime() > lastModified) lastModified = job.updatedAt.getTime();
    }
    const body = this.builder.assemble(
      {
        name: calendarName(head.venueName, head.staffName),
        description: calendarDescription(head.venueName, head.staffName, expiry),
        refreshMinutes: policy.refreshMinutes,
      },
      events,
    );
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.renders.observe({ kind: rendered === jobs.length ? 'full' : 'partial' }, seconds);
    return {
      source: renderingSource(head, day),
      ...versionsOf(head, day),
      body,
      etag,
      lastModified: new Date(Math.min(lastModified, Date.now())).toUTCString(),
      filename: `${slug(head.venueName, head.staffName)}.ics`,
      eventCount: events.length,
      events: jobs.length,
      renderedEvents: rendered,
    };
  }
}

function slug(...parts: string[]): string {
  const s = parts
    .join(' ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return s || 'calendar';
}
