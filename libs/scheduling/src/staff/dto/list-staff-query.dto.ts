import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';

export class ListStaffQueryDto {
  @IsOptional()
  @IsUUID()
  venueId?: string;

  /** `true`: deactivated staff too (admin pages). */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeInactive?: boolean;
}
