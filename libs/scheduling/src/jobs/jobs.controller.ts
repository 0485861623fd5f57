import { CurrentPrincipal, ParseIdPipe, Principal } from '@calbridge/core';
import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CreateJobDto } from './dto/create-job.dto';
import { ListJobsQueryDto } from './dto/list-jobs-query.dto';
import { UpdateJobDto } from './dto/update-job.dto';
import { JobView } from './job.view';
import { JobsService } from './jobs.service';

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller('v1/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post()
  @ApiOperation({ summary: 'Create a job (status defaults to pending; endsAt > startsAt)' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateJobDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<JobView> {
    return withEtag(res, await this.jobs.create(principal, dto));
  }

  @Get()
  @ApiOperation({ summary: 'Jobs in your scope, ordered by start, filtered by venue, staff, window and status' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListJobsQueryDto) {
    return this.jobs.list(principal, query);
  }

  @Get(':id')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<JobView> {
    return withEtag(res, await this.jobs.get(principal, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Reschedule, edit or change status; If-Match or version -> 409 VERSION_MISMATCH when stale' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version you read, e.g. "3"' })
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: UpdateJobDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<JobView> {
    return withEtag(res, await this.jobs.update(principal, id, dto, ifMatch));
  }
}

function withEtag(res: Response, view: JobView): JobView {
  res.setHeader('ETag', `"${view.version}"`);
  return view;
}
