import { CredentialsCipher, SealedSecret } from '@calbridge/core';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { ProviderCredentials } from '../providers/calendar-provider';
import { syncConfig } from '../sync.config';

/** Seals and opens provider credentials; each sealed value is bound to its connection id. */
@Injectable()
export class CredentialsVault {
  private readonly cipher: CredentialsCipher;

  constructor(@Inject(syncConfig.KEY) config: ConfigType<typeof syncConfig>) {
    this.cipher = new CredentialsCipher(config.credentials.key, config.credentials.previousKeys);
  }

  seal(connectionId: string, credentials: ProviderCredentials): SealedSecret {
    return this.cipher.seal(JSON.stringify(credentials), aad(connectionId));
  }

  /** `stale`: sealed with a previous key; the caller re-seals it with the current one. */
  open(connectionId: string, sealed: string): { credentials: ProviderCredentials; stale: boolean } {
    const { plaintext, stale } = this.cipher.open(sealed, aad(connectionId));
    return { credentials: JSON.parse(plaintext) as ProviderCredentials, stale };
  }
}

function aad(connectionId: string): string {
  return `calbridge:sync_connections:${connectionId}`;
}
