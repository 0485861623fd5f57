import { CalendarJob, CalendarJobs, JobStatus } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { FeedHead, FeedsRepository } from '../feeds/feeds.repository';

/**
 * A job as a feed shows it: scheduling's read for subscribed calendars (client names only when
 * the feed shows them, and only as "first name + initial"; the team as JSON text).
 */
export type FeedJobRow = CalendarJob;

export interface TeamMember {
  name: string;
  role: string;
}

export function teamOf(job: Pick<FeedJobRow, 'teamJson'>): TeamMember[] {
  return job.teamJson ? (JSON.parse(job.teamJson) as TeamMember[]) : [];
}

export interface FeedSnapshot {
  head: FeedHead;
  jobs: FeedJobRow[];
}

/**
 * What rendering a feed reads: its head (this lib's `staff_feeds`, with the names and zone
 * scheduling lends it) and its jobs (scheduling's tables, read through scheduling's CalendarJobs:
 * each table has one owning lib).
 */
@Injectable()
export class FeedJobsRepository {
  constructor(
    private readonly feeds: FeedsRepository,
    private readonly calendarJobs: CalendarJobs,
  ) {}

  /**
   * The feed's head, then its jobs overlapping [from, to) with one of `statuses`. Null when the
   * feed is gone. Two statements without a shared snapshot, on purpose: the jobs are read after
   * the head, so they are never older than the versions the rendering is cached under (at worst
   * newer, which costs one extra render on the next poll, never a stale answer).
   */
  async snapshot(staffId: string, venueId: string, from: Date, to: Date, statuses: JobStatus[]): Promise<FeedSnapshot | null> {
    const [head] = await this.feeds.heads([{ staffId, venueId }]);
    if (!head) return null;
    const jobs = await this.calendarJobs.inWindow({ staffId, venueId, from, to, statuses, includeClientNames: head.includeClientNames });
    return { head, jobs };
  }
}
