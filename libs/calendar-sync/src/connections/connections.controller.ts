import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CalendarView, ConnectionView } from './connection.view';
import { ConnectionViews } from './connection-views.service';
import { ConnectionsService } from './connections.service';
import { RemoveConnectionQueryDto } from './dto/remove-connection-query.dto';
import { UpdateConnectionDto } from './dto/update-connection.dto';

@ApiTags('calendar sync')
@ApiBearerAuth()
@Controller('v1/connections/:id')
export class ConnectionsController {
  constructor(
    private readonly views: ConnectionViews,
    private readonly connections: ConnectionsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'One connection and its sync status' })
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<ConnectionView> {
    return this.views.get(principal, id);
  }

  @Get('calendars')
  @ApiOperation({ summary: 'Calendars of the connected account (push/pull roles, read-only flag)' })
  calendars(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<CalendarView[]> {
    return this.views.calendars(principal, id);
  }

  @Patch()
  @ApiOperation({ summary: 'Choose the push calendar and the pulled calendars (and whether client names appear)' })
  update(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Body() dto: UpdateConnectionDto): Promise<ConnectionView> {
    return this.connections.update(principal, id, dto);
  }

  @Post('resync')
  @HttpCode(202)
  @ApiOperation({ summary: 'Full resync now (cursors forgotten, pushed events checked); 202 with the connection' })
  resync(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string): Promise<ConnectionView> {
    return this.connections.resync(principal, id);
  }

  @Delete()
  @ApiOperation({
    summary: 'Disconnect: blocked slots removed, credentials forgotten; ?removePushedEvents=true also deletes pushed events (202 while that runs)',
  })
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: RemoveConnectionQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ id: string; status: 'disconnected'; removingPushedEvents: boolean } | void> {
    const result = await this.connections.remove(principal, id, query.removePushedEvents ?? false);
    res.status(result.status);
    if (result.removingPushedEvents) return { id, status: 'disconnected', removingPushedEvents: true };
  }
}
