import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CaldavConnect } from './caldav-connect.service';
import type { ConnectionView } from './connection.view';
import { ConnectionViews } from './connection-views.service';
import { CreateCaldavConnectionDto } from './dto/create-caldav-connection.dto';
import { OAuthConnectService } from './oauth-connect.service';

@ApiTags('calendar sync')
@ApiBearerAuth()
@Controller('v1/staff/:staffId/connections')
export class StaffConnectionsController {
  constructor(
    private readonly views: ConnectionViews,
    private readonly caldav: CaldavConnect,
    private readonly oauth: OAuthConnectService,
  ) {}

  @Get()
  @ApiOperation({ summary: "A staff member's calendar connections with their sync status (dispatchers of their venues may read)" })
  list(@CurrentPrincipal() principal: Principal, @Param('staffId', ParseIdPipe) staffId: string): Promise<ConnectionView[]> {
    return this.views.list(principal, staffId);
  }

  @Get(':provider/authorize')
  @ApiOperation({
    summary:
      'Start connecting Google or Outlook: the URL to send the user to (state signed and bound to the staff member, PKCE); ' +
      'the provider returns the user to /oauth/<provider>/callback',
  })
  authorize(@CurrentPrincipal() principal: Principal, @Param('staffId', ParseIdPipe) staffId: string, @Param('provider') provider: string): Promise<{ url: string }> {
    return this.oauth.authorize(principal, staffId, provider);
  }

  @Post('caldav')
  @ApiOperation({
    summary: 'Connect a CalDAV account (iCloud by default) with an app-specific password; 422 CALDAV_AUTH_FAILED when refused',
  })
  async createCaldav(
    @CurrentPrincipal() principal: Principal,
    @Param('staffId', ParseIdPipe) staffId: string,
    @Body() dto: CreateCaldavConnectionDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ConnectionView> {
    const { created, view } = await this.caldav.connect(principal, staffId, dto);
    res.status(created ? 201 : 200);
    return view;
  }
}
