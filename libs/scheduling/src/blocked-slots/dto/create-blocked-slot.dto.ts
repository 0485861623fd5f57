import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsInstant, Trim } from '../../common/validators';

export class CreateBlockedSlotDto {
  @IsInstant()
  startsAt: string;

  @IsInstant()
  endsAt: string;

  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
