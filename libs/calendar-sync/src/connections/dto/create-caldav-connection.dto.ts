import { IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';

export class CreateCaldavConnectionDto {
  /** Default: iCloud (`https://caldav.icloud.com`). Discovery finds the principal and calendars from here. */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  serverUrl?: string;

  /** The account's user name (for iCloud, the Apple ID e-mail). */
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  username: string;

  /** An app-specific password; stored encrypted, never shown again. */
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  appPassword: string;
}
