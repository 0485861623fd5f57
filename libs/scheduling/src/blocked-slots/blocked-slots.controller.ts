import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BlockedSlotsService } from './blocked-slots.service';
import { CreateBlockedSlotDto } from './dto/create-blocked-slot.dto';
import { TimeWindowQueryDto } from './dto/time-window-query.dto';

@ApiTags('availability')
@ApiBearerAuth()
@Controller('v1/staff/:staffId/blocked-slots')
export class BlockedSlotsController {
  constructor(private readonly slots: BlockedSlotsService) {}

  @Get()
  @ApiOperation({ summary: 'Blocked slots (manual and from connected calendars) intersecting [from, to)' })
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('staffId', ParseIdPipe) staffId: string,
    @Query() query: TimeWindowQueryDto,
  ) {
    return this.slots.list(principal, staffId, query.from, query.to);
  }

  @Post()
  @ApiOperation({ summary: 'Block time by hand (never pushed to external calendars); overlapping jobs become open conflicts' })
  create(
    @CurrentPrincipal() principal: Principal,
    @Param('staffId', ParseIdPipe) staffId: string,
    @Body() dto: CreateBlockedSlotDto,
  ) {
    return this.slots.create(principal, staffId, dto);
  }

  @Delete(':slotId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a manual blocked slot (external ones follow their calendar)' })
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('staffId', ParseIdPipe) staffId: string,
    @Param('slotId', ParseIdPipe) slotId: string,
  ): Promise<void> {
    await this.slots.remove(principal, staffId, slotId);
  }
}
