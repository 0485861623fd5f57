import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreateStaffDto, UpdateStaffDto } from './dto/create-staff.dto';
import { ListStaffQueryDto } from './dto/list-staff-query.dto';
import { StaffService } from './staff.service';

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller('v1/staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Post()
  @ApiOperation({ summary: 'Create a staff member with venue memberships (admins, dispatchers of those venues)' })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateStaffDto) {
    return this.staff.create(principal, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Staff in your scope, optionally of one venue' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListStaffQueryDto) {
    return this.staff.list(principal, query.venueId, query.includeInactive === true);
  }

  @Get(':id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.staff.get(principal, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename, change email or venue memberships' })
  update(@CurrentPrincipal() principal: Principal, @Param('id', ParseIdPipe) id: string, @Body() dto: UpdateStaffDto) {
    return this.staff.update(principal, id, dto);
  }
}
