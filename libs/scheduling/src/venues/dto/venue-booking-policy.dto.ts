import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

/** The venue's self-booking policy; every field optional in a PATCH (unset fields keep their value). */
export class VenueBookingPolicyDto {
  /** Public booking on or off (default off). */
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  /** Earliest bookable start, counted from now (default 120). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(525_600)
  minNoticeMinutes?: number;

  /** Latest bookable start, in days from now (default 60). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(730)
  horizonDays?: number;

  /** Slot grid: starts at local midnight plus multiples of this (default 15). */
  @IsOptional()
  @IsInt()
  @Min(5)
  @Max(1440)
  slotIntervalMinutes?: number;

  /** Customers may cancel or reschedule until this long before the start (default 1440). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(525_600)
  cancellationCutoffMinutes?: number;
}

/** What a venue's booking policy is, as the API shows it. */
export interface VenueBookingPolicy {
  enabled: boolean;
  minNoticeMinutes: number;
  horizonDays: number;
  slotIntervalMinutes: number;
  cancellationCutoffMinutes: number;
}
