/**
 * @calbridge/scheduling — venues, staff, customers, jobs, assignments, blocked slots, conflicts,
 * availability, audit and the outbox. The door: the Nest modules apps compose, the services and
 * repositories the feature libs call (each table has one owner: the others read and change
 * scheduling's rows only through these), the SQL fragments other libs' statements embed, and the
 * public types and rules. Everything else is internal (tests and benchmarks use `./testing`).
 */

// Modules
export { SchedulingModule } from './scheduling.module';
export { SchedulingHttpModule } from './scheduling-http.module';
export { SchedulingWorkerModule } from './scheduling-worker.module';
export { DemoDataModule } from './demo/demo-data.module';

// Services and repositories the feature libs and apps call
export { AuditService } from './audit/audit.service';
export { OutboxService } from './outbox/outbox.service';
export { DomainEventConsumers } from './outbox/domain-event-consumers';
export { VenuesService } from './venues/venues.service';
export { VenuesRepository } from './venues/venues.repository';
export { StaffService } from './staff/staff.service';
export { StaffRepository } from './staff/staff.repository';
export { CustomersService } from './customers/customers.service';
export { CustomersRepository } from './customers/customers.repository';
export { JobsRepository } from './jobs/jobs.repository';
export { CustomerJobsService } from './jobs/customer-jobs.service';
export { MeetingLinksService } from './jobs/meeting-links.service';
export { BlockedSlotsService } from './blocked-slots/blocked-slots.service';
export { ConflictsService } from './conflicts/conflicts.service';
export { ExternalSlots } from './external-calendars/external-slots.service';
export { JobSnapshots } from './external-calendars/job-snapshots.service';
export { CalendarJobs } from './external-calendars/calendar-jobs.service';
export { DemoDataService } from './demo/demo-data.service';

// SQL fragments other libs embed in their own statements where one of their tables meets one of
// scheduling's (booking's availability statement, the feed head lookup, the connections overview):
// the statement stays one, the layout of scheduling's tables stays here
export { activeJobsStartingSql, busyRangesSql, staffWorksAtVenueSql } from './availability/schedule-sql';
export { staffBelongsToAnyVenueSql, staffBelongsToVenueSql, staffRowSql, staffVenueIdsSql } from './staff/staff-sql';
export { venueRowSql } from './venues/venue-sql';

// Domain events (the outbox's messages)
export { BOOKING_EVENT_TYPES, CONNECTION_EVENT_TYPES, JOB_EVENT_TYPES, SCHEDULING_EVENTS_QUEUE, bookingEvent } from './outbox/domain-events';
export type * from './outbox/domain-events';

// Rules, access checks and presentation shared with the feature libs
export { actorOf, customerActor, systemActor } from './common/actor';
export type { Actor } from './common/actor';
export { assertCanActForStaff, assertCanActInVenue, assertRole, canActInVenue } from './common/access';
export { parseTimeWindow } from './common/time-window';
export { IsInstant, PageLimit, Trim } from './common/validators';
export { calendarStatusOf, isActiveStatus, jobInvitationUid } from './jobs/job-rules';
export type { JobStatus } from './jobs/job-rules';
export { toJobView } from './jobs/job.view';
export type { JobView } from './jobs/job.view';
export * from './jobs/meeting-links';
export { cleanText, oneLine, redactedClientName } from './presentation/client-name';

// Public types
export { Venue } from './venues/venue.entity';
export { CreateCustomerDto } from './customers/dto/create-customer.dto';
export type { JobRecord } from './jobs/jobs.repository';
export type { SlotChanges } from './external-calendars/external-slots.service';
export type { JobSnapshot } from './external-calendars/job-snapshots.service';
export type { CalendarJob } from './external-calendars/calendar-jobs.service';
export type { DemoData } from './demo/demo-data.service';
