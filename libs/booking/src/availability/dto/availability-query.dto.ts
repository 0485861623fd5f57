import { IsOptional, IsString, IsUUID } from 'class-validator';

export class PublicAvailabilityQueryDto {
  @IsUUID('all', { message: 'serviceId must be a UUID' })
  serviceId: string;

  /** ISO 8601 with offset; slots starting in [from, to). */
  @IsString()
  from: string;

  @IsString()
  to: string;
}

export class AvailabilityQueryDto extends PublicAvailabilityQueryDto {
  @IsOptional()
  @IsUUID('all', { message: 'staffId must be a UUID' })
  staffId?: string;
}
