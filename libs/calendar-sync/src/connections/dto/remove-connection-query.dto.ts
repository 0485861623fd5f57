import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

export class RemoveConnectionQueryDto {
  /** Also delete every event calbridge pushed into the account's calendar. */
  @IsOptional()
  @Transform(({ value }) => (value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value))
  @IsBoolean()
  removePushedEvents?: boolean;
}
