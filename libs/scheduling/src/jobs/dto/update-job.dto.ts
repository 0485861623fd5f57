import { IsOptionalNonNull } from '@calbridge/core';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsInstantOrDate, Trim } from '../../common/validators';
import { JOB_STATUSES, JobStatus } from '../job-rules';
import { RemoteDto } from './remote.dto';


/** Reschedule, edit or change status. `null` clears an optional field. */
export class UpdateJobDto {
  @IsOptionalNonNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  title?: string;

  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @IsString()
  @MaxLength(300)
  service?: string | null;

  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUUID()
  customerId?: string | null;

  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @IsString()
  @MaxLength(1000)
  location?: string | null;

  @ValidateIf((_, v) => v !== null && v !== undefined)
  @ValidateNested()
  @Type(() => RemoteDto)
  remote?: RemoteDto | null;

  @IsOptionalNonNull()
  @IsInstantOrDate()
  startsAt?: string;

  @IsOptionalNonNull()
  @IsInstantOrDate()
  endsAt?: string;

  @IsOptionalNonNull()
  @IsBoolean()
  allDay?: boolean;

  @IsOptionalNonNull()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  /** Expected current version (alternative to the If-Match header); 409 VERSION_MISMATCH otherwise. */
  @IsOptionalNonNull()
  @IsInt()
  @Min(1)
  version?: number;

  /** Accept overlaps with blocked slots of assigned staff (recorded as overridden conflicts). */
  @IsOptionalNonNull()
  @IsBoolean()
  override?: boolean;
}
