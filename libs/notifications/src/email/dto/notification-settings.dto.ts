import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class NotificationSettingsDto {
  @ApiProperty({ description: 'Venue: send customers (and opted-in staff) invitation emails. Staff: opt in to invitation emails.' })
  @IsBoolean()
  emailInvitations: boolean;
}
