/**
 * Scheduling's second door, for integration tests and benchmarks only (ESLint allows
 * `@calbridge/scheduling/testing` in test/ and bench/, nowhere else): the services the api's
 * controllers call, the outbox relay and publisher, and the statements tests inspect.
 */
export { JobsService } from './jobs/jobs.service';
export { AssignmentsService } from './jobs/assignments.service';
export { AssignmentGuard } from './jobs/assignment-guard.service';
export { OutboxRelayService } from './outbox/outbox-relay.service';
export { OutboxRepository } from './outbox/outbox.repository';
export { BullDomainEventPublisher, DOMAIN_EVENT_PUBLISHER, eventTaskId } from './outbox/domain-event-publisher';
export type { DomainEventPublisher } from './outbox/domain-event-publisher';
export { CONFLICT_EVENT_TYPES } from './outbox/domain-events';
export { BUSY_ITEMS_SQL } from './availability/availability.repository';
