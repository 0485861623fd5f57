import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { WEEKDAYS, Weekday } from '../working-hours';

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const CLOCK_END = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class TimeRangeDto {
  /** Wall-clock start in the venue's zone, "09:00". */
  @IsString()
  @Matches(CLOCK, { message: '$property must be a wall-clock time HH:MM, e.g. 09:00' })
  start: string;

  /** Wall-clock end, "17:00" ("24:00" = end of the day). */
  @IsString()
  @Matches(CLOCK_END, { message: '$property must be a wall-clock time HH:MM (24:00 for the end of the day)' })
  end: string;
}

export class WeeklyRuleDto extends TimeRangeDto {
  @IsIn(WEEKDAYS, { message: `$property must be one of ${WEEKDAYS.join(', ')}` })
  day: Weekday;
}

export class ExceptionDto {
  @IsString()
  @Matches(DATE, { message: '$property must be a date YYYY-MM-DD' })
  date: string;

  /** Hours on that date instead of the weekly ones; empty = day off. */
  @IsArray()
  @ArrayMaxSize(12)
  @ValidateNested({ each: true })
  @Type(() => TimeRangeDto)
  ranges: TimeRangeDto[];
}

export class PutWorkingHoursDto {
  @IsArray()
  @ArrayMaxSize(84)
  @ValidateNested({ each: true })
  @Type(() => WeeklyRuleDto)
  weekly: WeeklyRuleDto[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ExceptionDto)
  exceptions?: ExceptionDto[];
}
