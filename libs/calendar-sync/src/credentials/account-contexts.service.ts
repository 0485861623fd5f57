import { Injectable, Logger } from '@nestjs/common';
import { ConnectionsRepository } from '../connections/connections.repository';
import type { SyncConnection } from '../connections/entities/sync-connection.entity';
import { CredentialsVault } from './credentials-vault.service';
import type { AccountContext, ProviderCredentials } from '../providers/calendar-provider';
import { ProviderError } from '../providers/provider-error';

/** Builds what a provider needs to act for a connection: opened credentials, metadata, a way to store renewed tokens. */
@Injectable()
export class AccountContexts {
  private readonly logger = new Logger(AccountContexts.name);

  constructor(
    private readonly vault: CredentialsVault,
    private readonly connections: ConnectionsRepository,
  ) {}

  async for(connection: SyncConnection): Promise<AccountContext> {
    if (!connection.credentials) throw new ProviderError('AuthRevoked', 'The connection has no stored credentials');
    let opened: { credentials: ProviderCredentials; stale: boolean };
    try {
      opened = this.vault.open(connection.id, connection.credentials);
    } catch (error) {
      // Unreadable (key missing from the rotation list, or tampered with): the user must reconnect.
      this.logger.error({ connectionId: connection.id, err: (error as Error).message }, 'Stored credentials cannot be opened');
      throw new ProviderError('AuthRevoked', 'The stored credentials cannot be decrypted; reconnect the account');
    }
    if (opened.stale) await this.store(connection.id, opened.credentials); // key rotation, as secrets are used
    const context: AccountContext = {
      connectionId: connection.id,
      accountId: connection.accountId,
      serverUrl: connection.serverUrl,
      credentials: opened.credentials,
      metadata: connection.metadata,
      updateCredentials: async (next) => {
        await this.store(connection.id, next);
        // Later calls of the same job (a push drain, a pull of several calendars) use the renewed token.
        context.credentials = next;
      },
    };
    return context;
  }

  private async store(connectionId: string, credentials: ProviderCredentials): Promise<void> {
    const sealed = this.vault.seal(connectionId, credentials);
    await this.connections.updateCredentials(connectionId, sealed.sealed, sealed.keyId);
  }
}
