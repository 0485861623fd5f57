import { Type } from 'class-transformer';
import { IsObject, IsOptional, ValidateNested } from 'class-validator';
import { VenueBookingPolicyDto } from './venue-booking-policy.dto';

export class UpdateVenueDto {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => VenueBookingPolicyDto)
  booking?: VenueBookingPolicyDto;
}
