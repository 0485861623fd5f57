import type { Clock } from '../shared/clock';
import { digest } from '../shared/ids';
import type { Notifier } from '../shared/notifier';
import { gErrors } from './google-errors';
import type { GCalendar } from './google-store';

/**
 * `events.watch` channels and their header-only push notifications
 * (https://developers.google.com/calendar/api/guides/push): a `sync` message when the channel is
 * created, then `exists` on every change of the calendar's events, numbered per channel, until the
 * channel expires or is stopped (`channels.stop`). There is no renewal: clients create a new channel.
 */

export interface Channel {
  id: string;
  token?: string;
  address: string;
  resourceId: string;
  resourceUri: string;
  calendarId: string;
  account: string;
  clientId: string;
  /** Epoch milliseconds. */
  expiration: number;
  messageNumber: number;
  createdAt: number;
  stoppedAt?: number;
}

export interface ChannelInfo {
  id: string;
  token?: string;
  address: string;
  resourceId: string;
  resourceUri: string;
  calendarId: string;
  account: string;
  expiration: number;
  messageNumber: number;
  active: boolean;
}

export interface WatchOptions {
  clock: Clock;
  notifier: Notifier;
  /** Default lifetime when the request sets neither `expiration` nor `params.ttl` (604800 s). */
  defaultTtlSeconds: number;
  /** Requested lifetimes are capped to this. */
  maxTtlSeconds: number;
  /** Refuse non-https addresses, as Google does (off by default for local receivers). */
  requireHttps: boolean;
  timeoutMs: number;
}

const CHANNEL_ID = /^[A-Za-z0-9\-_+/=]{1,64}$/;

export class ChannelRegistry {
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly options: WatchOptions) {}

  create(
    calendar: GCalendar,
    body: unknown,
    { account, clientId, resourceUri }: { account: string; clientId: string; resourceUri: string },
  ): Record<string, unknown> {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof b.id !== 'string' || !b.id) throw gErrors.required('Missing channel id.');
    if (!CHANNEL_ID.test(b.id)) throw gErrors.invalid('Invalid channel id.');
    if (b.type !== 'web_hook' && b.type !== 'webhook') throw gErrors.invalid('Invalid channel type, expected web_hook.');
    if (typeof b.address !== 'string' || !b.address) throw gErrors.required('Missing channel address.');
    let address: URL;
    try {
      address = new URL(b.address);
    } catch {
      throw gErrors.invalid('Invalid channel address.');
    }
    if (address.protocol !== 'https:' && (this.options.requireHttps || address.protocol !== 'http:')) {
      throw gErrors.invalid(`WebHook callback must be HTTPS: ${b.address}`);
    }
    const existing = this.channels.get(b.id);
    if (existing && existing.stoppedAt === undefined && existing.expiration > this.options.clock()) {
      throw gErrors.badRequest(`Channel id ${b.id} not unique`);
    }
    const now = this.options.clock();
    const params = (typeof b.params === 'object' && b.params !== null ? b.params : {}) as Record<string, unknown>;
    const maxExpiration = now + this.options.maxTtlSeconds * 1000;
    let expiration = now + this.options.defaultTtlSeconds * 1000;
    if (params.ttl !== undefined) {
      const ttl = Number(params.ttl);
      if (!Number.isFinite(ttl) || ttl <= 0) throw gErrors.invalid('Invalid ttl parameter.');
      expiration = now + ttl * 1000;
    }
    if (b.expiration !== undefined && b.expiration !== null) {
      const requested = Number(b.expiration);
      if (!Number.isFinite(requested)) throw gErrors.invalid('Invalid expiration.');
      if (requested <= now) throw gErrors.invalid('Expiration time must be in the future.');
      expiration = requested;
    }
    expiration = Math.min(expiration, maxExpiration);
    const channel: Channel = {
      id: b.id,
      token: typeof b.token === 'string' ? b.token : undefined,
      address: b.address,
      resourceId: digest(`${calendar.id}#events`, 27),
      resourceUri,
      calendarId: calendar.id,
      account,
      clientId,
      expiration,
      messageNumber: 0,
      createdAt: now,
    };
    this.channels.set(channel.id, channel);
    this.deliver(channel, 'sync');
    const out: Record<string, unknown> = {
      kind: 'api#channel',
      id: channel.id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      expiration: String(channel.expiration),
    };
    if (channel.token !== undefined) out.token = channel.token;
    return out;
  }

  /** channels.stop: the channel must exist, match the resource id and belong to the caller. */
  stop(body: unknown, account: string): void {
    const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const channel = typeof b.id === 'string' ? this.channels.get(b.id) : undefined;
    if (
      !channel ||
      channel.stoppedAt !== undefined ||
      channel.resourceId !== b.resourceId ||
      channel.account.toLowerCase() !== account.toLowerCase()
    ) {
      throw gErrors.notFound();
    }
    channel.stoppedAt = this.options.clock();
  }

  /** Called after every change of a calendar's events. */
  notifyChange(calendar: GCalendar): void {
    for (const channel of this.channels.values()) {
      if (channel.calendarId === calendar.id) this.deliver(channel, 'exists');
    }
  }

  list(): ChannelInfo[] {
    const now = this.options.clock();
    return [...this.channels.values()].map((c) => ({
      id: c.id,
      token: c.token,
      address: c.address,
      resourceId: c.resourceId,
      resourceUri: c.resourceUri,
      calendarId: c.calendarId,
      account: c.account,
      expiration: c.expiration,
      messageNumber: c.messageNumber,
      active: c.stoppedAt === undefined && c.expiration > now,
    }));
  }

  private deliver(channel: Channel, state: 'sync' | 'exists'): void {
    if (channel.stoppedAt !== undefined || channel.expiration <= this.options.clock()) return;
    channel.messageNumber += 1;
    const headers: Record<string, string> = {
      'x-goog-channel-id': channel.id,
      'x-goog-channel-expiration': new Date(channel.expiration).toUTCString(),
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-uri': channel.resourceUri,
      'x-goog-resource-state': state,
      'x-goog-message-number': String(channel.messageNumber),
      'user-agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
    };
    if (channel.token !== undefined) headers['x-goog-channel-token'] = channel.token;
    this.options.notifier.send(
      {
        kind: state === 'sync' ? 'google-sync' : 'google-change',
        target: channel.id,
        url: channel.address,
        headers,
        body: '',
        timeoutMs: this.options.timeoutMs,
      },
      { droppable: state === 'exists' },
    );
  }
}
