import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { IsInstantOrDate, Trim } from '../../common/validators';
import { JOB_STATUSES, JobStatus } from '../job-rules';
import { RemoteDto } from './remote.dto';


export class CreateJobDto {
  @IsUUID()
  venueId: string;

  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title: string;

  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(300)
  service?: string;

  @IsOptional()
  @IsUUID()
  customerId?: string;

  @IsOptional()
  @Trim()
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
