import { CurrentPrincipal, Principal } from '@calbridge/core';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditService } from './audit.service';
import { ListAuditQueryDto } from './dto/list-audit-query.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Append-only trail: who, when, what, before/after (newest first, within your scope)' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListAuditQueryDto) {
    return this.audit.list(principal, query);
  }
}
