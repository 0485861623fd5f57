import { IsOptionalNonNull } from '@calbridge/core';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsUUID } from 'class-validator';

export class UpdateConnectionDto {
  /** The calendar jobs are pushed into (an id from GET /v1/connections/:id/calendars); null stops pushing. */
  @IsOptional()
  @IsUUID()
  pushCalendarId?: string | null;

  /** The calendars whose events block time (replaces the set). */
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  pullCalendarIds?: string[];

  /** Show client names (redacted to "First L.") in pushed events. Off by default. */
  @IsOptionalNonNull()
  @IsBoolean()
  includeClientNames?: boolean;
}
