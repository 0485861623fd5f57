import { databaseConfig } from '@calbridge/database';
import { MetricsService } from '@calbridge/core';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { schedulingConfig } from '../scheduling.config';
import { DOMAIN_EVENT_PUBLISHER, DomainEventPublisher } from './domain-event-publisher';
import { OUTBOX_CHANNEL, OutboxRepository } from './outbox.repository';

const PRUNE_EVERY_MS = 3600_000;

/**
 * Moves committed outbox rows to BullMQ (worker only). Woken by Postgres NOTIFY at commit, with a
 * polling fallback. Each batch is claimed with `FOR UPDATE SKIP LOCKED`, published, and marked in
 * one transaction: a crash before the commit leaves the rows unrelayed for the next run, and the
 * re-publish is deduplicated by job id.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private listener?: Client;
  private pollTimer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private again = false;
  private stopped = true;
  /** While stop() runs: the drain in progress ends after its current batch (shutdown). */
  private stopping = false;
  private lastPrune = 0;
  private readonly relayed;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    @Inject(DOMAIN_EVENT_PUBLISHER) private readonly publisher: DomainEventPublisher,
    @Inject(schedulingConfig.KEY) private readonly config: ConfigType<typeof schedulingConfig>,
    @Inject(databaseConfig.KEY) private readonly db: ConfigType<typeof databaseConfig>,
    metrics: MetricsService,
  ) {
    this.relayed = metrics.counter('calbridge_outbox_relayed_total', 'Outbox events published to the queue');
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.outbox.relayEnabled) await this.start();
  }

  /**
   * Stops before anything lets go of Redis (queues close in onApplicationShutdown): a batch being
   * published when SIGTERM came is finished, and nothing new is claimed.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.listen();
    this.pollTimer = setInterval(() => this.kick(), this.config.outbox.pollIntervalMs);
    this.pollTimer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.draining;
    this.stopping = false; // a drain() called directly later (tests, the CLI) relays again
  }

  /** Relays until nothing is left (also callable directly, e.g. from tests and the CLI). */
  drain(): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        do {
          this.again = false;
          while (!this.stopping && (await this.relayBatch()) > 0) {
            // keep going while there is work
          }
        } while (this.again && !this.stopped);
        await this.pruneIfDue();
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  /** Claims, publishes and marks one batch; returns how many events it relayed. */
  async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const events = await this.outbox.claimBatch(em, this.config.outbox.batchSize);
      if (!events.length) return 0;
      await this.publisher.publish(events);
      await this.outbox.markRelayed(
        em,
        events.map((e) => e.sequence),
      );
      this.relayed.inc(events.length);
      return events.length;
    });
  }

  private kick(): void {
    if (this.stopped) return;
    this.drain().catch((error: unknown) => this.logger.error({ err: error }, 'Outbox relay failed; will retry'));
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.db.url, application_name: 'calbridge-outbox-relay' });
    client.on('notification', () => this.kick());
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'Outbox LISTEN connection lost; polling until it is back');
      if (this.listener === client) this.listener = undefined;
      setTimeout(() => {
        if (!this.stopped && !this.listener) this.listen().catch(() => undefined);
      }, 1000).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not LISTEN for outbox events; relying on polling');
      await client.end().catch(() => undefined);
    }
  }

  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    const pruned = await this.outbox.prune(this.dataSource.manager, this.config.outbox.retentionDays);
    if (pruned) this.logger.log(`Pruned ${pruned} relayed outbox events`);
  }
}
