import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AvailabilityService } from './availability.service';
import { AvailabilityQueryDto } from './dto/availability-query.dto';

@ApiTags('booking')
@ApiBearerAuth()
@Controller('v1/venues/:venueId/availability')
export class AvailabilityController {
  constructor(private readonly availability: AvailabilityService) {}

  @Get()
  @ApiOperation({
    summary:
      'Free slots of a service in [from, to) with the free performers: inside working hours, minus active jobs (with the buffers) and blocked slots, notice and horizon applied',
  })
  get(@CurrentPrincipal() principal: Principal, @Param('venueId', ParseIdPipe) venueId: string, @Query() query: AvailabilityQueryDto) {
    return this.availability.forDispatcher(principal, venueId, query);
  }
}
