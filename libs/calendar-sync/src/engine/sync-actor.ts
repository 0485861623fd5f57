import { systemActor } from '@calbridge/scheduling';

/** The actor calendar sync's own changes are recorded under (audit, conflict refreshes). */
export const SYNC_ACTOR = systemActor('calendar-sync');
