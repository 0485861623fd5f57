import { ApiError, Principal } from '@calbridge/core';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { assertServerUrlAllowed, ServerNotAllowedError } from '../providers/caldav/server-url-policy';
import { ProviderError } from '../providers/provider-error';
import { syncConfig } from '../sync.config';
import { AccountConnector } from './account-connector.service';
import type { ConnectionView } from './connection.view';
import { ConnectionViews } from './connection-views.service';
import type { CreateCaldavConnectionDto } from './dto/create-caldav-connection.dto';

const APP_PASSWORD_HINT =
  'The server refused these credentials. iCloud needs an app-specific password (appleid.apple.com -> Sign-In and Security -> ' +
  'App-Specific Passwords), not your Apple ID password; other servers may need one too when two-factor authentication is on.';

/** Connecting a CalDAV account (user name and app password): the server URL policy, then the provider-neutral connect, with CalDAV's own error codes. */
@Injectable()
export class CaldavConnect {
  constructor(
    private readonly connector: AccountConnector,
    private readonly views: ConnectionViews,
    @Inject(syncConfig.KEY) private readonly config: ConfigType<typeof syncConfig>,
  ) {}

  /** Connects a CalDAV account (iCloud by default): discovery validates the credentials before anything is stored. */
  async connect(principal: Principal, staffId: string, dto: CreateCaldavConnectionDto): Promise<{ created: boolean; view: ConnectionView }> {
    await this.views.requireOwner(principal, staffId);
    const serverUrl = (dto.serverUrl ?? this.config.caldav.defaultServerUrl).trim();
    try {
      await assertServerUrlAllowed(serverUrl, this.config.caldav);
    } catch (error) {
      if (error instanceof ServerNotAllowedError) throw ApiError.unprocessable('CALDAV_SERVER_NOT_ALLOWED', error.message);
      throw ApiError.unprocessable('CALDAV_SERVER_NOT_ALLOWED', 'The CalDAV server URL cannot be resolved');
    }
    try {
      return await this.connector.connect(principal, staffId, 'caldav', { kind: 'password', serverUrl, username: dto.username.trim(), password: dto.appPassword });
    } catch (error) {
      if (error instanceof ProviderError) throw caldavConnectError(error);
      throw error;
    }
  }
}

function caldavConnectError(error: ProviderError): ApiError {
  switch (error.code) {
    case 'AuthRevoked':
      return ApiError.unprocessable('CALDAV_AUTH_FAILED', APP_PASSWORD_HINT);
    case 'Transient':
    case 'RateLimited':
      return new ApiError(HttpStatus.BAD_GATEWAY, 'CALDAV_UNREACHABLE', `The CalDAV server could not be reached: ${error.message}`);
    default:
      return ApiError.unprocessable('CALDAV_DISCOVERY_FAILED', `CalDAV discovery failed: ${error.message}`);
  }
}
