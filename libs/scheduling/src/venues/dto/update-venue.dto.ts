import { Type } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsOptionalNonNull } from '@calbridge/core';
import { Trim } from '../../common/validators';
import { VenueBookingPolicyDto } from './venue-booking-policy.dto';

export class UpdateVenueDto {
  @IsOptionalNonNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  /** IANA zone (admins only): times already booked stay the same instants; weekly rules stay wall-clock. */
  @IsOptionalNonNull()
  @IsString()
  timezone?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => VenueBookingPolicyDto)
  booking?: VenueBookingPolicyDto;
}
