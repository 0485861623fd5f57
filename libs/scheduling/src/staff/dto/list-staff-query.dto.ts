import { IsOptional, IsUUID } from 'class-validator';

export class ListStaffQueryDto {
  @IsOptional()
  @IsUUID()
  venueId?: string;
}
