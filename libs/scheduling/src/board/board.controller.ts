import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TimeWindowQueryDto } from '../blocked-slots/dto/time-window-query.dto';
import { BoardService } from './board.service';

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller('v1/venues/:venueId/board')
export class BoardController {
  constructor(private readonly board: BoardService) {}

  @Get()
  @ApiOperation({
    summary:
      "The dispatcher board of [from, to) (at most 8 days) in one answer: venue, staff, jobs (board fields), blocked time, open conflicts, and the live stream's resume point (`cursor`, as Last-Event-ID)",
  })
  get(@CurrentPrincipal() principal: Principal, @Param('venueId', ParseIdPipe) venueId: string, @Query() query: TimeWindowQueryDto) {
    return this.board.get(principal, venueId, query.from, query.to);
  }
}
