import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { IsInstantOrDate } from '../../common/validators';
import { JOB_STATUSES, JobStatus } from '../job-rules';
import { RemoteDto } from './remote.dto';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateJobDto {
  @IsUUID()
  venueId: string;

  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(300)
  service?: string;

  @IsOptional()
  @IsUUID()
  customerId?: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(1000)
  location?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => RemoteDto)
  remote?: RemoteDto;

  /** ISO 8601 with offset; for all-day jobs a date (YYYY-MM-DD) or local midnight. */
  @IsInstantOrDate()
  startsAt: string;

  /** Exclusive end; for all-day jobs the day after the last day. */
  @IsInstantOrDate()
  endsAt: string;

  @IsOptional()
  @IsBoolean()
  allDay?: boolean;

  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;
}
