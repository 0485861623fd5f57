import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PutWorkingHoursDto } from './dto/put-working-hours.dto';
import { WorkingHoursService } from './working-hours.service';

@ApiTags('booking')
@ApiBearerAuth()
@Controller('v1/staff/:staffId/working-hours/:venueId')
export class WorkingHoursController {
  constructor(private readonly hours: WorkingHoursService) {}

  @Put()
  @ApiOperation({
    summary:
      'Replace working hours at a venue: weekly wall-clock rules in the venue zone plus dated exceptions (empty ranges = day off)',
  })
  put(
    @CurrentPrincipal() principal: Principal,
    @Param('staffId', ParseIdPipe) staffId: string,
    @Param('venueId', ParseIdPipe) venueId: string,
    @Body() dto: PutWorkingHoursDto,
  ) {
    return this.hours.put(principal, staffId, venueId, dto);
  }

  @Get()
  get(@CurrentPrincipal() principal: Principal, @Param('staffId', ParseIdPipe) staffId: string, @Param('venueId', ParseIdPipe) venueId: string) {
    return this.hours.get(principal, staffId, venueId);
  }
}
