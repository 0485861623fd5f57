import { IsOptionalNonNull } from '@calbridge/core';
import { IsEmail, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { Trim } from '../../common/validators';

const PHONE = /^\+?[0-9 ()./-]{3,40}$/;

export class CreateCustomerDto {
  /** The venue the customer is created for (required for dispatchers; admins may leave it out). */
  @IsOptional()
  @IsUUID()
  venueId?: string;

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

  @IsOptional()
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @IsOptional()
  @Trim()
  @Matches(PHONE, { message: 'phone must look like a phone number, e.g. +49 30 1234567' })
  phone?: string;
}

export class UpdateCustomerDto {
  @IsOptionalNonNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  firstName?: string;

  @IsOptionalNonNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  lastName?: string;

  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @Matches(PHONE, { message: 'phone must look like a phone number, e.g. +49 30 1234567' })
  phone?: string | null;
}
