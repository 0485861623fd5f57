import { IsOptional, IsString, IsUrl, MaxLength } from 'class-validator';

/** Remote connection for a job (video call link and dial-in details). */
export class RemoteDto {
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  url: string;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  details?: string;
}
