import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { Trim } from '../../common/validators';

/** `GET /v1/customers?venueId=&q=`: a venue's customers whose name or email contains `q`. */
export class SearchCustomersQueryDto {
  @IsUUID()
  venueId: string;

  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  q?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}
