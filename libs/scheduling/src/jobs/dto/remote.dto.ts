import { IsIn, IsOptional, IsString, IsUrl, MaxLength, ValidateIf } from 'class-validator';
import { REMOTE_PROVIDERS, type RemoteProvider } from '../meeting-links';

/**
 * Remote connection for a job: a fixed link (`provider` "url", the default, with `url`), or a
 * meeting the staff member's calendar creates when the job is pushed there (`google_meet`,
 * `teams`: no `url`, the join link is stored once the calendar made it). The pairing rules
 * (400 REMOTE_URL_REQUIRED / REMOTE_URL_NOT_ALLOWED) are checked by {@link assertRemoteShape}.
 */
export class RemoteDto {
  @IsOptional()
  @IsIn(REMOTE_PROVIDERS)
  provider?: RemoteProvider;

  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  url?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(2000)
  details?: string;
}
