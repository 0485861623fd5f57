import { OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsObject, IsOptional, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { CreateCustomerDto, IsInstant, Trim } from '@calbridge/scheduling';

/** The customer as the scheduling API takes them, with the email required (customers are found again by it). */
export class BookingCustomerDto extends OmitType(CreateCustomerDto, ['email'] as const) {
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email: string;
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
