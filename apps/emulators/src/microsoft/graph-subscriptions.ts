import type { Clock } from '../shared/clock';
import { uuid } from '../shared/ids';
import type { DeliveryRecord, Notifier } from '../shared/notifier';
import { parseDateTime, instantOf } from '../shared/time';
import { mErrors } from './graph-errors';
import type { ChangeType, GraphStore, Mailbox, MEventRecord } from './graph-store';

/**
 * Graph change-notification subscriptions for Outlook events
 * (https://learn.microsoft.com/graph/api/resources/subscription,
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks,
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events): the validationToken
 * handshake on create (both URLs, 200 text/plain echo within 10 s), at most 4230 minutes of life,
 * PATCH renewal, reauthorize, DELETE; change notifications with clientState and resourceData, and
 * lifecycle notifications to the lifecycleNotificationUrl.
 */

type Json = Record<string, unknown>;

export type LifecycleEvent = 'reauthorizationRequired' | 'missed' | 'subscriptionRemoved';

export interface Subscription {
  id: string;
  resource: string;
  mailbox: string;
  /** undefined: every calendar of the mailbox (`me/events`). */
  calendarId?: string;
  changeTypes: Set<ChangeType>;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expiration: number;
  clientId: string;
  creatorId: string;
  immutableIds: boolean;
  latestSupportedTlsVersion: string;
  reauthorizationRequiredAt?: number;
}

export interface SubscriptionOptions {
  clock: Clock;
  notifier: Notifier;
  tenantId: string;
  /** Longest lifetime (4230 minutes for Outlook resources). */
  maxMinutes: number;
  validationTimeoutMs: number;
  notificationTimeoutMs: number;
  /** Refuse http:// notification URLs, as Graph does (off by default for local receivers). */
  requireHttps: boolean;
}

export interface Caller {
  mailbox: Mailbox;
  clientId: string;
}

const CHANGE_TYPES: ChangeType[] = ['created', 'updated', 'deleted'];

export class SubscriptionRegistry {
  private readonly subscriptions = new Map<string, Subscription>();

  constructor(
    private readonly store: GraphStore,
    private readonly options: SubscriptionOptions,
  ) {}

  async create(body: unknown, caller: Caller, { immutableIds, publicUrl }: { immutableIds: boolean; publicUrl: string }): Promise<Json> {
    const b = asObject(body);
    const changeType = typeof b.changeType === 'string' ? b.changeType : '';
    const changeTypes = changeType.split(',').map((s) => s.trim());
    if (!changeType || changeTypes.some((t) => !CHANGE_TYPES.includes(t as ChangeType))) {
      throw mErrors.badRequest(`Invalid 'changeType' attribute: '${changeType}'.`, 'InvalidRequest');
    }
    if (typeof b.resource !== 'string' || !b.resource) throw mErrors.badRequest("'resource' is a required property for subscription creation.", 'InvalidRequest');
    const scope = this.resolveResource(b.resource, caller);
    const notificationUrl = this.checkUrl(b.notificationUrl, 'notificationUrl', true) as string;
    const lifecycleNotificationUrl = this.checkUrl(b.lifecycleNotificationUrl, 'lifecycleNotificationUrl', false);
    const clientState = typeof b.clientState === 'string' ? b.clientState : undefined;
    if (clientState && clientState.length > 128) throw mErrors.badRequest('clientState must be at most 128 characters.', 'InvalidRequest');
    const expiration = this.checkExpiration(b.expirationDateTime, 'Create');
    const subscription: Subscription = {
      id: uuid(),
      resource: b.resource,
      mailbox: caller.mailbox.email.toLowerCase(),
      calendarId: scope.calendarId,
      changeTypes: new Set(changeTypes as ChangeType[]),
      changeType,
      notificationUrl,
      lifecycleNotificationUrl,
      clientState,
      expiration,
      clientId: caller.clientId,
      creatorId: caller.mailbox.id,
      immutableIds,
      latestSupportedTlsVersion: typeof b.latestSupportedTlsVersion === 'string' ? b.latestSupportedTlsVersion : 'v1_2',
    };
    // Microsoft Graph validates the notification URL (and the lifecycle URL) before creating.
    await this.validate(subscription.id, notificationUrl);
    if (lifecycleNotificationUrl) await this.validate(subscription.id, lifecycleNotificationUrl);
    this.subscriptions.set(subscription.id, subscription);
    return this.render(subscription, publicUrl);
  }

  update(id: string, body: unknown, caller: Caller, publicUrl: string): Json {
    const subscription = this.owned(id, caller);
    const b = asObject(body);
    if (b.expirationDateTime !== undefined) subscription.expiration = this.checkExpiration(b.expirationDateTime, 'Update');
    if (b.notificationUrl !== undefined) subscription.notificationUrl = this.checkUrl(b.notificationUrl, 'notificationUrl', true) as string;
    // Renewing also reauthorizes.
    subscription.reauthorizationRequiredAt = undefined;
    return this.render(subscription, publicUrl);
  }

  reauthorize(id: string, caller: Caller): void {
    this.owned(id, caller).reauthorizationRequiredAt = undefined;
  }

  delete(id: string, caller: Caller): void {
    this.owned(id, caller);
    this.subscriptions.delete(id);
  }

  get(id: string, caller: Caller, publicUrl: string): Json {
    return this.render(this.owned(id, caller), publicUrl);
  }

  list(caller: Caller, publicUrl: string): Json[] {
    this.sweep();
    return [...this.subscriptions.values()]
      .filter((s) => s.clientId === caller.clientId && s.mailbox === caller.mailbox.email.toLowerCase())
      .map((s) => this.render(s, publicUrl));
  }

  all(): Subscription[] {
    this.sweep();
    return [...this.subscriptions.values()].map((s) => ({ ...s, changeTypes: new Set(s.changeTypes) }));
  }

  /** After every change of an event: one notification per matching subscription. */
  notifyChange(mailbox: Mailbox, record: MEventRecord, change: ChangeType): void {
    this.sweep();
    const calendar = this.store.calendars.get(record.calendarId);
    for (const s of this.subscriptions.values()) {
      if (s.mailbox !== mailbox.email.toLowerCase() || !s.changeTypes.has(change)) continue;
      if (s.calendarId && s.calendarId !== calendar?.id) continue;
      const eventId = this.store.renderedId(record, s.immutableIds);
      const resource = `Users/${mailbox.id}/Events/${eventId}`;
      const notification: Json = {
        id: uuid(),
        subscriptionId: s.id,
        subscriptionExpirationDateTime: iso(s.expiration),
        changeType: change,
        resource,
        resourceData: {
          '@odata.type': '#Microsoft.Graph.Event',
          '@odata.id': resource,
          '@odata.etag': `W/"${record.changeKey}"`,
          id: eventId,
        },
        clientState: s.clientState ?? null,
        tenantId: this.options.tenantId,
      };
      this.options.notifier.send(
        {
          kind: 'graph-change',
          target: s.id,
          url: s.notificationUrl,
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify({ value: [notification] }),
          timeoutMs: this.options.notificationTimeoutMs,
        },
        { droppable: true },
      );
    }
  }

  /**
   * Sends a lifecycle notification. Like Graph, only to a `lifecycleNotificationUrl` (returns
   * undefined when the subscription has none). `subscriptionRemoved` also deletes the subscription;
   * `reauthorizationRequired` marks it until PATCH renewal or /reauthorize.
   */
  sendLifecycle(id: string, event: LifecycleEvent): DeliveryRecord | undefined {
    const s = this.subscriptions.get(id);
    if (!s) throw new Error(`Unknown subscription ${id}`);
    if (event === 'reauthorizationRequired') s.reauthorizationRequiredAt = this.options.clock();
    if (event === 'subscriptionRemoved') this.subscriptions.delete(id);
    if (!s.lifecycleNotificationUrl) return undefined;
    const body = {
      value: [
        {
          subscriptionId: s.id,
          subscriptionExpirationDateTime: iso(s.expiration),
          tenantId: this.options.tenantId,
          clientState: s.clientState ?? null,
          lifecycleEvent: event,
        },
      ],
    };
    return this.options.notifier.send(
      {
        kind: 'graph-lifecycle',
        target: s.id,
        url: s.lifecycleNotificationUrl,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        timeoutMs: this.options.notificationTimeoutMs,
      },
      { droppable: false },
    );
  }

  private async validate(id: string, url: string): Promise<void> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${uuid()}`;
    const target = new URL(url);
    target.searchParams.append('validationToken', token);
    const record = await this.options.notifier.deliverNow({
      kind: 'graph-validation',
      target: `validation:${id}`,
      url: target.toString(),
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: '',
      timeoutMs: this.options.validationTimeoutMs,
    });
    let problem: string | undefined;
    if (record.error) problem = record.error;
    else if (record.status !== 200) problem = `HTTP ${record.status}`;
    else if (!(record.responseContentType ?? '').toLowerCase().startsWith('text/plain')) problem = `content type ${record.responseContentType ?? 'missing'}`;
    else if ((record.responseBody ?? '').trim() !== token) problem = 'the body is not the decoded validation token';
    if (problem) throw mErrors.validationFailed(`${url}: ${problem}`);
  }

  private resolveResource(resource: string, caller: Caller): { calendarId?: string } {
    const path = resource
      .replace(/^https:\/\/[^/]+\/(v1\.0|beta)\//i, '')
      .replace(/^\/+/, '')
      .split('?')[0]
      .replace(/\('([^']*)'\)/g, '/$1')
      .replace(/\/+$/, '');
    const m = /^(me|users\/([^/]+))\/(events|calendar\/events|calendars\/([^/]+)\/events)$/i.exec(path);
    if (!m) throw mErrors.subscription(400, `The resource '${resource}' is not supported for Outlook event subscriptions on this emulator.`);
    const user = m[2];
    if (user && user.toLowerCase() !== caller.mailbox.id.toLowerCase() && user.toLowerCase() !== caller.mailbox.email.toLowerCase()) {
      throw mErrors.accessDenied();
    }
    if (m[3].toLowerCase() === 'events') return {};
    if (m[3].toLowerCase() === 'calendar/events') return { calendarId: caller.mailbox.defaultCalendarId };
    const calendar = this.store.calendars.get(m[4]);
    if (!calendar || calendar.mailbox !== caller.mailbox.email.toLowerCase()) throw mErrors.notFound();
    return { calendarId: calendar.id };
  }

  private checkUrl(value: unknown, name: string, required: boolean): string | undefined {
    if (value === undefined || value === null || value === '') {
      if (required) throw mErrors.badRequest(`'${name}' is a required property for subscription creation.`, 'InvalidRequest');
      return undefined;
    }
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      throw mErrors.badRequest(`Invalid '${name}'.`, 'InvalidRequest');
    }
    if (url.protocol !== 'https:' && (this.options.requireHttps || url.protocol !== 'http:')) {
      throw mErrors.badRequest(`The ${name} must be an HTTPS URL.`, 'InvalidRequest');
    }
    return String(value);
  }

  private checkExpiration(value: unknown, operation: string): number {
    const parsed = typeof value === 'string' ? parseDateTime(value) : undefined;
    if (!parsed) throw mErrors.subscription(400, 'expirationDateTime is required and must be a date-time.', operation);
    const expiration = instantOf(parsed, 'UTC');
    const now = this.options.clock();
    if (expiration <= now) throw mErrors.subscription(400, 'Subscription expiration must be in the future.', operation);
    if (expiration > now + this.options.maxMinutes * 60_000) {
      throw mErrors.subscription(400, `Subscription expiration can only be ${this.options.maxMinutes} minutes in the future.`, operation);
    }
    return expiration;
  }

  private owned(id: string, caller: Caller): Subscription {
    this.sweep();
    const s = this.subscriptions.get(id);
    if (!s || s.clientId !== caller.clientId || s.mailbox !== caller.mailbox.email.toLowerCase()) {
      throw mErrors.resourceNotFound(`The object was not found.`);
    }
    return s;
  }

  /** Graph deletes subscriptions that were not renewed in time. */
  private sweep(): void {
    const now = this.options.clock();
    for (const [id, s] of this.subscriptions) if (s.expiration <= now) this.subscriptions.delete(id);
  }

  private render(s: Subscription, publicUrl: string): Json {
    return {
      '@odata.context': `${publicUrl}/v1.0/$metadata#subscriptions/$entity`,
      id: s.id,
      resource: s.resource,
      applicationId: s.clientId,
      changeType: s.changeType,
      clientState: s.clientState ?? null,
      notificationUrl: s.notificationUrl,
      notificationQueryOptions: null,
      lifecycleNotificationUrl: s.lifecycleNotificationUrl ?? null,
      expirationDateTime: iso(s.expiration),
      creatorId: s.creatorId,
      includeResourceData: false,
      latestSupportedTlsVersion: s.latestSupportedTlsVersion,
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationUrlAppId: null,
    };
  }
}

function asObject(body: unknown): Json {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw mErrors.badRequest('Empty Payload. JSON content expected.');
  return body as Json;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}
