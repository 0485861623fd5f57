import { IsOptionalNonNull } from '@calbridge/core';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEmail, IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';
import { Trim } from '../../common/validators';


export class CreateStaffDto {
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @Trim()
  @IsEmail()
  @MaxLength(320)
  email: string;

  /** Venues this person works at (at least one). */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  venueIds: string[];
}

export class UpdateStaffDto {
  @IsOptionalNonNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @IsOptionalNonNull()
  @Trim()
  @IsEmail()
  @MaxLength(320)
  email?: string;

  /** Replaces the memberships; dispatchers may only add or remove venues in their scope. */
  @IsOptionalNonNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  venueIds?: string[];

  /** false deactivates (history kept; no new assignments; off the board); true reactivates. */
  @IsOptionalNonNull()
  @IsBoolean()
  active?: boolean;
}
