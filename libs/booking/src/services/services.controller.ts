import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateServiceDto, UpdateServiceDto } from './dto/create-service.dto';
import { ServicesService } from './services.service';

@ApiTags('booking')
@ApiBearerAuth()
@Controller('v1')
export class ServicesController {
  constructor(private readonly services: ServicesService) {}

  @Post('venues/:venueId/services')
  @ApiOperation({ summary: 'Create a bookable service: duration, buffers, performers (dispatchers of the venue, admins)' })
  create(@CurrentPrincipal() principal: Principal, @Param('venueId', ParseIdPipe) venueId: string, @Body() dto: CreateServiceDto) {
    return this.services.create(principal, venueId, dto);
  }

  @Get('venues/:venueId/services')
  @ApiOperation({ summary: "The venue's services (with performers)" })
  list(@CurrentPrincipal() principal: Principal, @Param('venueId', ParseIdPipe) venueId: string) {
    return this.services.list(principal, venueId);
  }

  @Get('services/:id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.services.get(principal, id);
  }

  @Patch('services/:id')
  @ApiOperation({ summary: 'Change a service; staffIds replaces the performers' })
  update(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Body() dto: UpdateServiceDto) {
    return this.services.update(principal, id, dto);
  }
}
