import { MetricsService, OutboundGuard } from '@calbridge/core';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { notificationsConfig } from '../notifications.config';
import { nextWebhookAttempt } from '../queues/notification-queues';
import { standardWebhookHeaders } from './standard-webhooks';
import { postWebhook } from './webhook-sender';
import { WEBHOOK_GUARD } from './webhook-guard';
import { AttemptOutcome, ClaimedLane, LaneMessage, LaneRelease, WebhookLanesRepository } from './webhook-lanes.repository';
import { WebhookSecrets } from './webhook-secrets';
import { WebhooksRepository } from './webhooks.repository';

/** A failed write of outcomes is tried again after this (the leases are renewed meanwhile). */
const RECORD_RETRY_MS = 1_000;

/** The `webhook-id` of a message: the same on every attempt. */
export function webhookMessageId(messageId: string): string {
  return `msg_${messageId}`;
}

/**
 * Delivers webhook messages, at least once and in order per lane (one subscription, one job), in
 * every worker process (started by the worker module). Lanes, not messages, are claimed: a claim
 * leases up to WEBHOOK_WORKER_CONCURRENCY due lanes at once (at most
 * WEBHOOK_SUBSCRIPTION_CONCURRENCY per subscription across all workers, so a slow receiver holds
 * only its own lanes); each lane's pending messages are posted one after the other over the
 * guard's keep-alive connections, stopping at the first failure (retried with back-off until the
 * message's give-up time, WEBHOOK_RETRY_HOURS after the event, always with the same `webhook-id`
 * and body); the outcomes of every lane finished meanwhile are written and the lanes released in
 * one statement, and the freed capacity claims again. Leases are renewed every third of
 * WEBHOOK_LEASE_MS while the worker lives: a worker that dies costs its lanes one lease, after
 * which any worker sends their messages again under the same ids. A message is marked delivered
 * only after its 2xx, and never sent again once that is written.
 */
@Injectable()
export class WebhookDeliveryService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryService.name);
  private readonly outcomesMetric;
  private readonly latency;
  private running = false;
  private claiming = false;
  /** A claim may find work (told by a fan-out, a timer, a released lane). */
  private wanted = false;
  /** Lanes held by this process (sending, or waiting for their outcomes to be written). */
  private inFlight = 0;
  /** Claim token → lanes of that claim still held. */
  private readonly held = new Map<string, number>();
  private outcomes: AttemptOutcome[] = [];
  private releases: LaneRelease[] = [];
  private recording?: Promise<void>;
  private idle?: () => void;
  private readonly timers: NodeJS.Timeout[] = [];
  private retryTimer?: { at: number; timer: NodeJS.Timeout };

  constructor(
    private readonly lanes: WebhookLanesRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly secrets: WebhookSecrets,
    @Inject(notificationsConfig.KEY) private readonly config: ConfigType<typeof notificationsConfig>,
    @Inject(WEBHOOK_GUARD) private readonly guard: OutboundGuard,
    metrics: MetricsService,
  ) {
    this.outcomesMetric = metrics.counter('calbridge_webhook_attempts_total', 'Webhook delivery attempts by outcome', ['outcome']);
    this.latency = metrics.histogram('calbridge_webhook_response_seconds', 'Webhook receivers’ response time', [], [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
  }

  /** Starts delivering (worker processes only). */
  start(): void {
    if (this.running) return;
    this.running = true;
    const policy = this.config.webhooks;
    this.timers.push(setInterval(() => this.kick(), policy.pollIntervalMs));
    this.timers.push(
      setInterval(() => {
        this.lanes.renew([...this.held.keys()], policy.leaseMs).catch((error: unknown) => this.logger.warn({ err: error }, 'Could not renew webhook lane leases'));
      }, Math.max(100, Math.floor(policy.leaseMs / 3))),
    );
    for (const t of this.timers) t.unref();
    this.kick();
  }

  /** Stops claiming; lanes in flight finish the message they are sending and are released (bounded wait). */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    const drained = new Promise<void>((resolve) => {
      this.idle = resolve;
      if (this.inFlight === 0) resolve();
    });
    const bound = this.config.webhooks.timeoutMs + 5_000;
    let limit: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((resolve) => (limit = setTimeout(resolve, bound)))]);
    clearTimeout(limit);
    for (const t of this.timers.splice(0)) clearInterval(t);
  }

  /** There may be due lanes: claim them (soon, once the claim in progress is done). */
  kick(): void {
    if (!this.running) return;
    this.wanted = true;
    if (!this.claiming) void this.claimWhileWanted();
  }

  private async claimWhileWanted(): Promise<void> {
    this.claiming = true;
    const policy = this.config.webhooks;
    try {
      while (this.running && this.wanted && this.inFlight < policy.workerConcurrency) {
        this.wanted = false;
        const room = policy.workerConcurrency - this.inFlight;
        const token = randomUUID();
        const claimed = await this.lanes.claim(token, room, policy.subscriptionConcurrency, policy.leaseMs, policy.laneBatch);
        if (!claimed.length) break;
        if (claimed.length === room) this.wanted = true;
        this.held.set(token, claimed.length);
        this.inFlight += claimed.length;
        for (const { lane, messages } of claimed) void this.runLane(lane, messages);
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not claim webhook lanes; the poll tries again');
    } finally {
      this.claiming = false;
    }
  }

  /** Sends a lane's messages in order, stopping at the first failure to be retried. */
  private async runLane(lane: ClaimedLane, messages: LaneMessage[]): Promise<void> {
    const policy = this.config.webhooks;
    const outcomes: AttemptOutcome[] = [];
    let retryAt: Date | null = null as Date | null;
    let sent = 0;
    try {
      await this.sendInOrder(messages, outcomes, (n, at) => {
        sent = n;
        retryAt = at;
      });
    } catch (error) {
      this.logger.error({ err: error, subscriptionId: lane.subscriptionId }, 'Webhook lane stopped unexpectedly; it is due again');
    }
    const more = retryAt === null && (messages.length === policy.laneBatch || sent < messages.length);
    this.finishLane({ lane, retryAt, more }, outcomes);
  }

  private async sendInOrder(messages: LaneMessage[], outcomes: AttemptOutcome[], progress: (sent: number, retryAt: Date | null) => void): Promise<void> {
    const policy = this.config.webhooks;
    let sent = 0;
    for (const message of messages) {
      if (!this.running) break;
      const attempt = message.attempts + 1;
      const result = await postWebhook(
        this.guard,
        message.url,
        standardWebhookHeaders(this.secrets.open(message.subscriptionId, message.secretSealed), webhookMessageId(message.id), Math.floor(Date.now() / 1000), message.body),
        message.body,
      );
      progress(++sent, null);
      if (result.statusCode !== null) this.latency.observe(result.responseMs / 1000);
      const next = result.ok ? null : nextWebhookAttempt(attempt, new Date(), message.giveUpAt, policy);
      outcomes.push({
        messageId: message.id,
        subscriptionId: message.subscriptionId,
        attempt,
        ...result,
        finish: result.ok ? 'delivered' : next ? null : 'failed',
        nextAttemptAt: next,
      });
      this.outcomesMetric.inc({ outcome: result.ok ? 'delivered' : next ? 'retry' : 'given_up' });
      if (next) {
        this.logger.warn({ subscriptionId: message.subscriptionId, messageId: message.id, attempt, error: result.error }, 'Webhook delivery failed; will retry');
        progress(sent, next);
        return;
      }
      if (!result.ok) {
        this.logger.error({ subscriptionId: message.subscriptionId, messageId: message.id, attempts: attempt, error: result.error }, 'Webhook delivery given up after the retry window');
      }
    }
  }

  /** Queues a lane's outcomes and release for the next write (every lane finished meanwhile goes in the same statement). */
  private finishLane(release: LaneRelease, outcomes: AttemptOutcome[]): void {
    this.releases.push(release);
    for (const o of outcomes) this.outcomes.push(o);
    if (!this.recording) this.recording = this.recordWhilePending();
  }

  private async recordWhilePending(): Promise<void> {
    try {
      while (this.releases.length) {
        const releases = this.releases;
        const outcomes = this.outcomes;
        this.releases = [];
        this.outcomes = [];
        try {
          await this.lanes.record(outcomes, releases);
        } catch (error) {
          // Kept (the leases stay renewed) and written again shortly.
          this.logger.warn({ err: error }, 'Could not record webhook deliveries; retrying');
          this.releases.unshift(...releases);
          this.outcomes.unshift(...outcomes);
          await new Promise((resolve) => setTimeout(resolve, RECORD_RETRY_MS));
          continue;
        }
        for (const r of releases) {
          const left = (this.held.get(r.lane.token) ?? 1) - 1;
          if (left > 0) this.held.set(r.lane.token, left);
          else this.held.delete(r.lane.token);
          if (r.retryAt) this.wakeAt(r.retryAt);
        }
        this.inFlight -= releases.length;
        if (this.inFlight === 0) this.idle?.();
        this.kick();
      }
    } finally {
      this.recording = undefined;
    }
  }

  /** Claims again when the earliest known retry is due. */
  private wakeAt(at: Date): void {
    if (!this.running) return;
    const when = at.getTime();
    if (this.retryTimer && this.retryTimer.at <= when) return;
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    const timer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.kick();
      },
      Math.max(0, when - Date.now()),
    );
    timer.unref();
    this.retryTimer = { at: when, timer };
  }

  /** Prunes the delivery log and idle lanes (a periodic task of one worker). */
  async sweep(): Promise<void> {
    await this.webhooks.prune(this.config.webhooks.logRetentionDays);
    await this.lanes.pruneIdle();
  }
}
