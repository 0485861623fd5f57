import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Trim } from '../../common/validators';

export class CreateVenueDto {
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  /** IANA time zone, e.g. Europe/Berlin. */
  @IsString()
  timezone: string;
}
