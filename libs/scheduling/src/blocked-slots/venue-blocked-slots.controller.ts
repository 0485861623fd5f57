import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BlockedSlotsService } from './blocked-slots.service';
import { TimeWindowQueryDto } from './dto/time-window-query.dto';

@ApiTags('availability')
@ApiBearerAuth()
@Controller('v1/venues/:venueId/blocked-slots')
export class VenueBlockedSlotsController {
  constructor(private readonly slots: BlockedSlotsService) {}

  @Get()
  @ApiOperation({
    summary: "Blocked slots of every staff member of the venue intersecting [from, to) (dispatchers, admins); pulled events never carry their text",
  })
  list(@CurrentPrincipal() principal: Principal, @Param('venueId', ParseIdPipe) venueId: string, @Query() query: TimeWindowQueryDto) {
    return this.slots.listForVenue(principal, venueId, query.from, query.to);
  }
}
