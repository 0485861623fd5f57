import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { NewDomainEvent } from './domain-events';

/** A domain event written in the same transaction as the change; relayed to BullMQ by the worker. */
@Entity('outbox_events')
export class OutboxEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'aggregate_type', type: 'text' })
  aggregateType: string;

  @Column({ name: 'aggregate_id', type: 'uuid' })
  aggregateId: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  @Column({ type: 'uuid', default: () => 'gen_random_uuid()' })
  uid: string;

  @Column({ name: 'venue_ids', type: 'uuid', array: true, default: () => "'{}'" })
  venueIds: string[];

  @Column({ type: 'jsonb' })
  payload: NewDomainEvent['payload'];

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  @Column({ name: 'relayed_at', type: 'timestamptz', nullable: true })
  relayedAt: Date | null;
}
