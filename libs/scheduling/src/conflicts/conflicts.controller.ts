import { CurrentPrincipal, Principal } from '@calbridge/core';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ConflictsService } from './conflicts.service';
import { ListConflictsQueryDto } from './dto/list-conflicts-query.dto';

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller('v1/conflicts')
export class ConflictsController {
  constructor(private readonly conflicts: ConflictsService) {}

  @Get()
  @ApiOperation({ summary: 'Jobs overlapping blocked slots (open, overridden, resolved) with both sides' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListConflictsQueryDto) {
    return this.conflicts.list(principal, query);
  }
}
