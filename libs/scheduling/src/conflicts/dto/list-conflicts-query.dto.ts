import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { CONFLICT_STATUSES, ConflictStatus } from '../conflict.entity';
import { PageLimit } from '../../common/validators';

export class ListConflictsQueryDto {
  @IsOptional()
  @IsUUID()
  venueId?: string;

  @IsOptional()
  @IsUUID()
  staffId?: string;

  @IsOptional()
  @IsUUID()
  jobId?: string;

  @IsOptional()
  @IsIn(CONFLICT_STATUSES)
  status?: ConflictStatus;

  @PageLimit()
  limit?: number;
}
