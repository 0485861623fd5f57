import { Type } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsInstant, Trim } from '@calbridge/scheduling';

const PHONE = /^\+?[0-9 ()./-]{3,40}$/;

export class BookingCustomerDto {
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  firstName: string;

  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  lastName: string;

  @Trim()
  @IsEmail()
  @MaxLength(320)
  email: string;

  @IsOptional()
  @Trim()
  @Matches(PHONE, { message: 'phone must look like a phone number, e.g. +49 30 1234567' })
  phone?: string;
}

export class CreateBookingDto {
  @IsUUID('all', { message: 'serviceId must be a UUID' })
  serviceId: string;

  /** A slot start from the availability answer (ISO 8601 with offset). */
  @IsInstant()
  startsAt: string;

  @IsObject()
  @ValidateNested()
  @Type(() => BookingCustomerDto)
  customer: BookingCustomerDto;

  /** A particular performer (otherwise one is chosen by round robin). */
  @IsOptional()
  @IsUUID('all', { message: 'staffId must be a UUID' })
  staffId?: string;
}

export class RescheduleBookingDto {
  @IsInstant()
  startsAt: string;
}
