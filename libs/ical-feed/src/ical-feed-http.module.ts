import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { FeedsController } from './feeds/feeds.controller';
import { feedConfig } from './ical-feed.config';
import { IcalFeedModule } from './ical-feed.module';
import { FeedController } from './serving/feed.controller';
import { FeedServerMount } from './serving/feed-server.mount';

/** The feed endpoint and the management API (api only). */
@Module({
  imports: [ConfigModule.forFeature(feedConfig), IcalFeedModule],
  controllers: [FeedsController, FeedController],
  providers: [FeedServerMount],
})
export class IcalFeedHttpModule {}
