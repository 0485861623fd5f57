import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsInstant } from '../../common/validators';

export class CreateBlockedSlotDto {
  @IsInstant()
  startsAt: string;

  @IsInstant()
  endsAt: string;

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MaxLength(500)
  reason?: string;
}
