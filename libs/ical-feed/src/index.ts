/**
 * @calbridge/ical-feed — private, read-only iCalendar feeds of each staff member's jobs.
 * The door: the Nest modules apps compose, the configuration, the feeds service (the CLI's seed
 * prints feed URLs) and the feed's public view. Everything else is internal (tests and
 * benchmarks use `./testing`).
 */
export * from './ical-feed.config';
export * from './ical-feed.module';
export * from './ical-feed-http.module';
export { FeedsService } from './feeds/feeds.service';
export type * from './feeds/feed.view';
