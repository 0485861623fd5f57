import { ApiError, OutboundGuard, OutboundUrlRefusedError, Principal } from '@calbridge/core';
import { VenuesRepository } from '@calbridge/scheduling';
import { Inject, Injectable } from '@nestjs/common';
import type { CreateWebhookDto, ListDeliveriesQueryDto } from './dto/create-webhook.dto';
import { randomUUID } from 'node:crypto';
import { generateWebhookSecret } from './standard-webhooks';
import { WebhookSecrets } from './webhook-secrets';
import { webhookMessageId } from './webhook-delivery.service';
import { WEBHOOK_GUARD } from './webhook-guard';
import { WebhookSubscription, WebhooksRepository } from './webhooks.repository';

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  venueIds: string[];
  format: string;
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  /** The `webhook-id` header (the same on every attempt of one message). */
  webhookId: string;
  eventId: string;
  type: string;
  attempt: number;
  /** `delivered` (2xx) or `failed` (this attempt); `messageStatus` says where the message stands. */
  status: 'delivered' | 'failed';
  statusCode: number | null;
  error: string | null;
  responseTimeMs: number;
  attemptedAt: string;
  messageStatus: string;
}

/** Admin management of outbound webhook subscriptions and their delivery log. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly venues: VenuesRepository,
    private readonly secrets: WebhookSecrets,
    @Inject(WEBHOOK_GUARD) private readonly guard: OutboundGuard,
  ) {}

  async create(principal: Principal, dto: CreateWebhookDto): Promise<WebhookView & { secret: string }> {
    try {
      // Early, friendly validation; every delivery is checked again (names may resolve elsewhere later).
      await this.guard.assertAllowed(dto.url);
    } catch (error) {
      if (error instanceof OutboundUrlRefusedError) throw ApiError.badRequest('INVALID_WEBHOOK_URL', `The webhook ${error.message}`);
      throw error;
    }
    const venueIds = dto.venueIds ?? [];
    if (venueIds.length) {
      const found = new Set((await this.venues.findByIds(venueIds)).map((v) => v.id));
      const missing = venueIds.filter((id) => !found.has(id));
      if (missing.length) throw ApiError.unprocessable('VENUE_NOT_FOUND', 'Unknown venue ids', { venueIds: missing });
    }
    // Shown to the caller once, here; stored sealed.
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const created = await this.webhooks.insertSubscription({
      id,
      url: dto.url,
      events: dto.events,
      venueIds,
      format: dto.format ?? 'standard',
      secretSealed: this.secrets.seal(id, secret),
      createdBy: principal.subject,
    });
    return { ...toView(created), secret };
  }

  async list(): Promise<WebhookView[]> {
    return (await this.webhooks.listSubscriptions()).map(toView);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.webhooks.deleteSubscription(id))) throw notFound();
  }

  async deliveries(id: string, query: ListDeliveriesQueryDto): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    if (!(await this.webhooks.findSubscription(id))) throw notFound();
    const limit = query.limit ?? 100;
    const rows = await this.webhooks.attempts(id, limit, query.cursor);
    return {
      items: rows.map((r) => ({
        id: r.id,
        webhookId: webhookMessageId(r.messageId),
        eventId: r.eventId,
        type: r.eventType,
        attempt: r.attempt,
        status: r.ok ? 'delivered' : 'failed',
        statusCode: r.statusCode,
        error: r.error,
        responseTimeMs: r.responseMs,
        attemptedAt: r.attemptedAt.toISOString(),
        messageStatus: r.messageStatus,
      })),
      nextCursor: rows.length === limit ? rows[rows.length - 1].id : null,
    };
  }
}

function notFound(): ApiError {
  return ApiError.notFound('WEBHOOK_NOT_FOUND', 'No such webhook subscription');
}

function toView(s: WebhookSubscription): WebhookView {
  return { id: s.id, url: s.url, events: s.events, venueIds: s.venueIds, format: s.format, createdAt: s.createdAt.toISOString() };
}
