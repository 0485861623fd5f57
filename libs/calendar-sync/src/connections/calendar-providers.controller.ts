import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProviderRegistry } from '../providers/provider-registry';

export interface ProviderInfo {
  key: string;
  displayName: string;
  /** true: connect through `GET /v1/staff/:id/connections/:key/authorize`; false: a form (CalDAV). */
  oauth: boolean;
}

/** Which calendar providers this deployment has enabled (the UI offers only these). */
@ApiTags('calendar sync')
@ApiBearerAuth()
@Controller('v1/calendar-providers')
export class CalendarProvidersController {
  constructor(private readonly registry: ProviderRegistry) {}

  @Get()
  @ApiOperation({ summary: 'The calendar providers enabled here (Google and Outlook only when their client id and secret are configured)' })
  list(): ProviderInfo[] {
    return this.registry.keys().map((key) => {
      const p = this.registry.get(key);
      return { key, displayName: p.displayName, oauth: typeof p.authorizationUrl === 'function' };
    });
  }
}
