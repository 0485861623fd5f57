import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { TimeWindowQueryDto } from '../blocked-slots/dto/time-window-query.dto';
import { BoardService } from './board.service';

/** `from`/`to`, or `view` (day|week) and `date` (yyyy-MM-dd, default today) in the venue's zone. */
export class BoardQueryDto extends TimeWindowQueryDto {
  @IsOptional()
  @IsIn(['day', 'week'])
  view?: 'day' | 'week';

  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be yyyy-MM-dd' })
  date?: string;
}

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller('v1/venues/:venueId/board')
export class BoardController {
  constructor(private readonly board: BoardService) {}

  @Get()
  @ApiOperation({
    summary:
      "The dispatcher board of [from, to) (at most 8 days), or of a `view` (day|week) around `date` in the venue's zone, in one answer: venue, staff, jobs (board fields), blocked time, open conflicts, and the live stream's resume point (`cursor`, as Last-Event-ID)",
  })
  get(@CurrentPrincipal() principal: Principal, @Param('venueId', ParseIdPipe) venueId: string, @Query() query: BoardQueryDto) {
    return this.board.get(principal, venueId, query);
  }
}
