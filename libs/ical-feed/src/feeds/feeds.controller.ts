import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UpdateFeedDto } from './dto/update-feed.dto';
import { FeedsService } from './feeds.service';

@ApiTags('ical-feed')
@ApiBearerAuth()
@Controller('v1/staff/:id/feeds')
export class FeedsController {
  constructor(private readonly feeds: FeedsService) {}

  @Get()
  @ApiOperation({
    summary: 'The staff member\'s feeds, one per venue: {venueId, url, expiresAt, includeClientNames, createdAt, ...} (the staff member and admins)',
  })
  list(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.feeds.list(principal, id);
  }

  @Post(':venueId/regenerate')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new URL for this feed; every earlier URL of it stops working at once' })
  regenerate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Param('venueId', ParseIdPipe) venueId: string,
  ) {
    return this.feeds.regenerate(principal, id, venueId);
  }

  @Patch(':venueId')
  @ApiOperation({ summary: 'Show or hide client names ("First L.") in this feed' })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Param('venueId', ParseIdPipe) venueId: string,
    @Body() dto: UpdateFeedDto,
  ) {
    return this.feeds.update(principal, id, venueId, dto.includeClientNames);
  }
}
