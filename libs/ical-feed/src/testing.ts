/**
 * The feed's second door, for integration tests and benchmarks only (ESLint allows
 * `@calbridge/ical-feed/testing` in test/ and bench/, nowhere else): the renderer, caches,
 * repositories and the change listener they drive or inspect.
 */
export { FeedBuilder } from './rendering/feed-builder';
export type { FeedEventInput } from './rendering/feed-builder';
export { FeedRenderer } from './rendering/feed-renderer.service';
export { FeedJobsRepository } from './rendering/feed-jobs.repository';
export { FeedsRepository } from './feeds/feeds.repository';
export { FeedHeadsConnection } from './feeds/feed-heads.connection';
export { FeedHeadsListener } from './feeds/feed-heads.listener';
export { FeedHeadStore } from './serving/feed-head-store';
export { FeedCache } from './serving/feed-cache';
export { FeedRequestHandler, FEED_NOT_FOUND_BODY } from './serving/feed-request.handler';
