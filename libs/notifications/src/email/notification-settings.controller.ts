import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotificationSettingsDto } from './dto/notification-settings.dto';
import { NotificationSettingsService } from './notification-settings.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1')
export class NotificationSettingsController {
  constructor(private readonly settings: NotificationSettingsService) {}

  @Get('venues/:venueId/notifications')
  venue(@CurrentPrincipal() principal: Principal, @Param('venueId', ParseIdPipe) venueId: string) {
    return this.settings.venue(principal, venueId);
  }

  @Put('venues/:venueId/notifications')
  @ApiOperation({ summary: "Switch the venue's invitation emails on or off (default on when SMTP_URL is set)" })
  setVenue(@CurrentPrincipal() principal: Principal, @Param('venueId', ParseIdPipe) venueId: string, @Body() dto: NotificationSettingsDto) {
    return this.settings.setVenue(principal, venueId, dto.emailInvitations);
  }

  @Get('staff/:id/notifications')
  staffMember(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.settings.staffMember(principal, id);
  }

  @Put('staff/:id/notifications')
  @ApiOperation({ summary: 'Opt in to invitation emails for your jobs (meant for staff without a connected calendar)' })
  setStaffMember(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Body() dto: NotificationSettingsDto) {
    return this.settings.setStaffMember(principal, id, dto.emailInvitations);
  }
}
