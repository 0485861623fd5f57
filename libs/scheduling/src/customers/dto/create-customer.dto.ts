import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const PHONE = /^\+?[0-9 ()./-]{3,40}$/;

export class CreateCustomerDto {
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  firstName: string;

  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  lastName: string;

  @IsOptional()
  @Transform(trim)
  @IsEmail()
  @MaxLength(320)
  email?: string;

  @IsOptional()
  @Transform(trim)
  @Matches(PHONE, { message: 'phone must look like a phone number, e.g. +49 30 1234567' })
  phone?: string;
}

export class UpdateCustomerDto {
  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  firstName?: string;

  @IsOptional()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  lastName?: string;

  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Transform(trim)
  @IsEmail()
  @MaxLength(320)
  email?: string | null;

  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Transform(trim)
  @Matches(PHONE, { message: 'phone must look like a phone number, e.g. +49 30 1234567' })
  phone?: string | null;
}
