import { IsOptional, IsString } from 'class-validator';

/** `?from=...&to=...` (ISO 8601 with offset); checked by the service (400 INVALID_TIME_WINDOW). */
export class TimeWindowQueryDto {
  @IsOptional()
  @IsString()
  from?: string;

  @IsOptional()
  @IsString()
  to?: string;
}
