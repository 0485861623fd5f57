import { Principal } from '@calbridge/core';
import { actorOf, AuditService } from '@calbridge/scheduling';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CredentialsVault } from '../credentials/credentials-vault.service';
import type { ConnectInput } from '../providers/calendar-provider';
import { ProviderRegistry } from '../providers/provider-registry';
import { SyncQueues } from '../queues/sync-queues.service';
import type { ConnectionView } from './connection.view';
import { ConnectionViews } from './connection-views.service';
import { ConnectionsRepository } from './connections.repository';

/** Connecting an account of any provider (CalDAV's endpoint and the OAuth callbacks end here). */
@Injectable()
export class AccountConnector {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsRepository,
    private readonly views: ConnectionViews,
    private readonly registry: ProviderRegistry,
    private readonly vault: CredentialsVault,
    private readonly audit: AuditService,
    private readonly queues: SyncQueues,
  ) {}

  /**
   * Provider-neutral connect (the CalDAV endpoint above; OAuth callbacks with `{ kind: 'oauth_code' }`):
   * the provider validates and discovers, then the connection is stored (or an earlier one of the
   * same account reconnected) with sealed credentials, its calendars and default roles, and a
   * first full sync and push backfill are queued. Provider failures leave as ProviderErrors.
   */
  async connect(principal: Principal, staffId: string, providerKey: string, input: ConnectInput): Promise<{ created: boolean; view: ConnectionView }> {
    await this.views.requireOwner(principal, staffId);
    const provider = this.registry.get(providerKey);
    const account = await this.registry.call(provider, () => provider.connect(input));
    const actor = actorOf(principal);
    const { id, created } = await this.dataSource.transaction(async (em) => {
      const existing = await this.connections.findByAccount(em, staffId, provider.key, account.accountId);
      const id = existing?.id ?? randomUUID();
      const sealed = this.vault.seal(id, account.credentials);
      const fields = {
        accountEmail: account.accountEmail,
        serverUrl: account.serverUrl,
        credentials: sealed.sealed,
        credentialsKeyId: sealed.keyId,
        metadata: account.metadata,
      };
      if (existing) await this.connections.reconnect(em, id, fields);
      else await this.connections.insert(em, { id, staffId, provider: provider.key, accountId: account.accountId, ...fields });
      const calendars = await this.connections.syncCalendars(em, id, account.calendars);
      const live = calendars.filter((k) => !k.removedAt);
      if (!live.some((k) => k.push || k.pull)) {
        // Defaults: the account's primary calendar is pushed to and pulled from; without one
        // (CalDAV), push into the first writable calendar and pull from every calendar.
        const primaryId = account.calendars.find((c) => c.primary)?.externalId;
        const primary = live.find((k) => k.externalId === primaryId);
        const push = primary ? (primary.readOnly ? null : primary) : (live.find((k) => !k.readOnly) ?? null);
        await this.connections.setRoles(em, id, push?.id ?? null, primary ? [primary.id] : live.map((k) => k.id));
      }
      await this.audit.record(em, {
        actor,
        action: existing ? 'calendar_connection.reconnected' : 'calendar_connection.created',
        entityType: 'calendar_connection',
        entityId: id,
        staffId,
        after: { provider: provider.key, accountEmail: account.accountEmail, serverUrl: account.serverUrl, calendars: live.length },
      });
      return { id, created: !existing };
    });
    await this.queues.requestPull(id, { full: true, refetch: false, reason: 'connected' }, `c${Date.now()}`);
    await this.queues.requestMaintenance('push.reconcile', { connectionId: id, inventory: false }, `${id}-c${Date.now()}`);
    return { created, view: await this.views.view(id) };
  }
}
