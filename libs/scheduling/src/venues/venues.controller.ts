import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateVenueDto } from './dto/create-venue.dto';
import { UpdateVenueDto } from './dto/update-venue.dto';
import { VenuesService } from './venues.service';

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller('v1/venues')
export class VenuesController {
  constructor(private readonly venues: VenuesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a venue (admins); timezone must be an IANA zone (400 INVALID_TIMEZONE)' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateVenueDto) {
    return this.venues.create(principal, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Venues in your scope' })
  list(@CurrentPrincipal() principal: Principal) {
    return this.venues.list(principal);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.venues.get(principal, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary:
      'Change venue settings (admins, dispatchers of the venue). booking: {enabled, minNoticeMinutes, horizonDays, slotIntervalMinutes, cancellationCutoffMinutes}',
  })
  update(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Body() dto: UpdateVenueDto) {
    return this.venues.update(principal, id, dto);
  }
}
