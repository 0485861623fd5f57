import { databaseConfig } from '@calbridge/database';
import { SchedulingModule } from '@calbridge/scheduling';
import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { FeedHeadsConnection } from './feeds/feed-heads.connection';
import { FeedHeadsListener } from './feeds/feed-heads.listener';
import { FeedsRepository } from './feeds/feeds.repository';
import { FeedsService } from './feeds/feeds.service';
import { feedConfig } from './ical-feed.config';
import { FeedJobsRepository } from './rendering/feed-jobs.repository';
import { FeedRenderer } from './rendering/feed-renderer.service';
import { FeedCache } from './serving/feed-cache';
import { FeedFailureLimiter } from './serving/feed-failure-limiter.service';
import { FeedHeadStore } from './serving/feed-head-store';
import { FeedLookupLoader } from './serving/feed-lookup.loader';
import { FeedRequestHandler } from './serving/feed-request.handler';
import { FeedServingService } from './serving/feed-serving.service';
import { FeedTokenService } from './tokens/feed-token.service';

const PROVIDERS = [
  FeedTokenService,
  FeedHeadsConnection,
  FeedsRepository,
  FeedsService,
  FeedJobsRepository,
  FeedRenderer,
  FeedCache,
  FeedLookupLoader,
  FeedHeadsListener,
  FeedHeadStore,
  FeedServingService,
  FeedFailureLimiter,
  FeedRequestHandler,
];

/** Feed tokens, management and rendering (no controllers: see IcalFeedHttpModule). */
@Module({
  imports: [ConfigModule.forFeature(feedConfig), ConfigModule.forFeature(databaseConfig), SchedulingModule],
  providers: PROVIDERS,
  exports: PROVIDERS,
})
export class IcalFeedModule {}
