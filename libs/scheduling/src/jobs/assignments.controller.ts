import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AssignmentsService } from './assignments.service';
import { CreateAssignmentDto } from './dto/create-assignment.dto';

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller('v1/jobs/:jobId/assignments')
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Post()
  @ApiOperation({
    summary:
      'Assign a staff member. 409 ASSIGNMENT_CONFLICT when it overlaps another active job (never overridable) or a blocked slot (override: true accepts it)',
  })
  assign(
    @CurrentPrincipal() principal: Principal,
    @Param('jobId', ParseIdPipe) jobId: string,
    @Body() dto: CreateAssignmentDto,
  ) {
    return this.assignments.assign(principal, jobId, dto);
  }

  @Delete(':staffId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unassign a staff member' })
  async unassign(
    @CurrentPrincipal() principal: Principal,
    @Param('jobId', ParseIdPipe) jobId: string,
    @Param('staffId', ParseIdPipe) staffId: string,
  ): Promise<void> {
    await this.assignments.unassign(principal, jobId, staffId);
  }
}
