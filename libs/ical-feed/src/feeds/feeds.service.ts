import { ApiError, Principal } from '@calbridge/core';
import { actorOf, AuditService, StaffService } from '@calbridge/scheduling';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { feedConfig } from '../ical-feed.config';
import { FeedTokenService } from '../tokens/feed-token.service';
import { FeedView, toFeedView } from './feed.view';
import { FeedsRepository, StaffFeedRecord } from './feeds.repository';

/**
 * Managing feeds: one per staff member per venue they belong to, created on first use.
 *
 * Who: the staff member themself and admins. Dispatchers may not list or change them: a feed
 * URL is a personal credential (it works without logging in, shows client names when the owner
 * turned them on), and dispatchers already see the same jobs through the API.
 */
@Injectable()
export class FeedsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly feeds: FeedsRepository,
    private readonly tokens: FeedTokenService,
    private readonly staff: StaffService,
    private readonly audit: AuditService,
    @Inject(feedConfig.KEY) private readonly config: ConfigType<typeof feedConfig>,
  ) {}

  async list(principal: Principal, staffId: string): Promise<FeedView[]> {
    const venueIds = await this.requireOwnerOrAdmin(principal, staffId);
    await this.dataSource.transaction((em) => this.feeds.ensure(em, staffId, this.newFeeds(venueIds), this.newExpiry()));
    const now = new Date();
    return (await this.feeds.list(staffId)).map((r) => this.view(r, now));
  }

  /** New salt and expiry: every earlier URL of this feed stops working at once. */
  async regenerate(principal: Principal, staffId: string, venueId: string): Promise<FeedView> {
    await this.requireFeedVenue(principal, staffId, venueId);
    const record = await this.dataSource.transaction(async (em) => {
      const before = await this.feeds.find(em, staffId, venueId);
      const expiresAt = this.newExpiry();
      await this.feeds.rotate(em, staffId, venueId, this.tokens.newSalt(), expiresAt);
      await this.audit.record(em, {
        actor: actorOf(principal),
        action: 'feed.regenerated',
        entityType: 'staff_feed',
        entityId: `${staffId}:${venueId}`,
        staffId,
        venueId,
        before: before ? { expiresAt: before.expiresAt.toISOString() } : null,
        after: { expiresAt: expiresAt.toISOString() },
      });
      return (await this.feeds.find(em, staffId, venueId))!;
    });
    return this.view(record, new Date());
  }

  async update(principal: Principal, staffId: string, venueId: string, includeClientNames: boolean): Promise<FeedView> {
    await this.requireFeedVenue(principal, staffId, venueId);
    const record = await this.dataSource.transaction(async (em) => {
      await this.feeds.ensure(em, staffId, this.newFeeds([venueId]), this.newExpiry());
      const before = (await this.feeds.find(em, staffId, venueId))!;
      await this.feeds.setIncludeClientNames(em, staffId, venueId, includeClientNames);
      if (before.includeClientNames !== includeClientNames) {
        await this.audit.record(em, {
          actor: actorOf(principal),
          action: 'feed.updated',
          entityType: 'staff_feed',
          entityId: `${staffId}:${venueId}`,
          staffId,
          venueId,
          before: { includeClientNames: before.includeClientNames },
          after: { includeClientNames },
        });
      }
      return (await this.feeds.find(em, staffId, venueId))!;
    });
    return this.view(record, new Date());
  }

  /** The URL of a feed as stored (deterministic: the same salt and expiry give the same URL). */
  urlOf(record: Pick<StaffFeedRecord, 'staffId' | 'venueId' | 'salt' | 'expiresAt'>): string {
    const token = this.tokens.sign({
      staffId: record.staffId,
      venueId: record.venueId,
      salt: record.salt,
      expiresAt: Math.floor(record.expiresAt.getTime() / 1000),
    });
    return `${this.config.publicBaseUrl}/calendar/${record.staffId}/${token}.ics`;
  }

  private view(record: StaffFeedRecord, now: Date): FeedView {
    return toFeedView(record, this.urlOf(record), now, this.config.policy.warningDays);
  }

  private newFeeds(venueIds: string[]) {
    return venueIds.map((venueId) => ({ venueId, salt: this.tokens.newSalt() }));
  }

  /** Now + FEED_TOKEN_TTL_DAYS, in whole seconds (the token carries seconds). */
  private newExpiry(): Date {
    return new Date((Math.floor(Date.now() / 1000) + this.config.tokenTtlDays * 86_400) * 1000);
  }

  /** The staff member's venues, when the principal is that staff member or an admin. */
  private async requireOwnerOrAdmin(principal: Principal, staffId: string): Promise<string[]> {
    if (principal.role === 'dispatcher') {
      throw ApiError.forbidden(
        'Feed links are personal: only the staff member and admins can see or change them',
        'FEED_OWNER_ONLY',
      );
    }
    return (await this.staff.requireAccessible(principal, staffId)).venueIds;
  }

  private async requireFeedVenue(principal: Principal, staffId: string, venueId: string): Promise<void> {
    const venueIds = await this.requireOwnerOrAdmin(principal, staffId);
    if (!venueIds.includes(venueId)) {
      throw ApiError.notFound('FEED_NOT_FOUND', 'The staff member has no feed for this venue (they do not belong to it)');
    }
  }
}
