import { z } from 'zod';

/**
 * The parts of a Calendly webhook (API v2, `invitee.created` / `invitee.canceled`) calbridge
 * reads; everything else is ignored. Invitee and scheduled event are identified by their URIs.
 */
const instant = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 time');

const scheduledEvent = z.object({
  uri: z.string().url().max(500),
  name: z.string().trim().min(1).max(200),
  start_time: instant,
  end_time: instant,
  location: z
    .object({
      type: z.string().optional(),
      location: z.string().max(500).nullish(),
      join_url: z.string().url().max(2000).nullish(),
    })
    .passthrough()
    .nullish(),
  event_memberships: z
    .array(z.object({ user_email: z.string().max(320).nullish(), user_name: z.string().nullish() }).passthrough())
    .max(100)
    .default([]),
});

const invitee = z.object({
  uri: z.string().url().max(500),
  email: z.string().trim().email().max(320),
  name: z.string().trim().max(300).nullish(),
  first_name: z.string().trim().max(150).nullish(),
  last_name: z.string().trim().max(150).nullish(),
  status: z.string().optional(),
  rescheduled: z.boolean().optional(),
  scheduled_event: scheduledEvent,
});

export const calendlyWebhookSchema = z.object({
  event: z.string().max(100),
  created_at: z.string().optional(),
  payload: z.unknown(),
});

export const CALENDLY_INVITEE_EVENTS = ['invitee.created', 'invitee.canceled'] as const;
export type CalendlyInviteeEvent = (typeof CALENDLY_INVITEE_EVENTS)[number];

export interface CalendlyInvitee {
  uri: string;
  email: string;
  firstName: string;
  lastName: string;
  eventUri: string;
  eventName: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  joinUrl: string | null;
  /** The Calendly host's email (first member of the scheduled event). */
  hostEmail: string | null;
}

/** Parses an invitee payload; returns the problem as text when it is not one. */
export function parseCalendlyInvitee(payload: unknown): CalendlyInvitee | string {
  const result = invitee.safeParse(payload);
  if (!result.success) return result.error.issues.map((i) => `payload.${i.path.join('.')} ${i.message}`).join('; ');
  const p = result.data;
  const startsAt = new Date(p.scheduled_event.start_time);
  const endsAt = new Date(p.scheduled_event.end_time);
  if (endsAt <= startsAt) return 'payload.scheduled_event.end_time must be after start_time';
  // Calendly sends either first_name/last_name or one `name` field, depending on the event type.
  const [first, ...rest] = (p.name ?? '').split(/\s+/).filter(Boolean);
  const firstName = p.first_name || first || p.email.split('@')[0];
  const lastName = p.first_name ? (p.last_name ?? '') : rest.join(' ');
  const loc = p.scheduled_event.location;
  return {
    uri: p.uri,
    email: p.email.toLowerCase(),
    firstName: firstName.slice(0, 100),
    lastName: lastName.slice(0, 100),
    eventUri: p.scheduled_event.uri,
    eventName: p.scheduled_event.name,
    startsAt,
    endsAt,
    location: loc?.location ?? null,
    joinUrl: loc?.join_url ?? null,
    hostEmail: p.scheduled_event.event_memberships[0]?.user_email?.toLowerCase() ?? null,
  };
}
