import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TimeWindowQueryDto } from '../blocked-slots/dto/time-window-query.dto';
import { AvailabilityService } from './availability.service';

@ApiTags('availability')
@ApiBearerAuth()
@Controller('v1/staff/:staffId/busy')
export class AvailabilityController {
  constructor(private readonly availability: AvailabilityService) {}

  @Get()
  @ApiOperation({ summary: 'Merged busy intervals in [from, to) with their sources (active jobs, blocked slots)' })
  busy(
    @CurrentPrincipal() principal: Principal,
    @Param('staffId', ParseIdPipe) staffId: string,
    @Query() query: TimeWindowQueryDto,
  ) {
    return this.availability.busy(principal, staffId, query.from, query.to);
  }
}
