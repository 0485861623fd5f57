import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { JOB_STATUSES, JobStatus } from '../job-rules';
import { PageLimit } from '../../common/validators';

export class ListJobsQueryDto {
  @IsOptional()
  @IsUUID()
  venueId?: string;

  @IsOptional()
  @IsUUID()
  staffId?: string;

  /** ISO 8601 with offset; jobs overlapping [from, to). */
  @IsOptional()
  @IsString()
  from?: string;

  @IsOptional()
  @IsString()
  to?: string;

  /** One status or several, comma-separated. */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value))
  @IsIn(JOB_STATUSES, { each: true })
  status?: JobStatus[];

  @PageLimit()
  limit?: number;

  /** `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}
