import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { Trim } from '@calbridge/scheduling';
import { PartialType } from '@nestjs/swagger';

export class CreateServiceDto {
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsInt()
  @Min(5)
  @Max(1440)
  durationMinutes: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(720)
  bufferBeforeMinutes?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(720)
  bufferAfterMinutes?: number;

  /** Staff of the venue who perform it. */
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  staffIds: string[];

  /** Offered on the public booking page (default true). */
  @IsOptional()
  @IsBoolean()
  bookable?: boolean;
}

/** Any field of a service; staffIds replaces the performers. */
export class UpdateServiceDto extends PartialType(CreateServiceDto) {}
