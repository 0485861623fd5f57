import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

export class UpdateFeedDto {
  @ApiProperty({ description: 'Show clients as "First L." in event titles (default false). Never a full surname, email or phone.' })
  @IsBoolean()
  includeClientNames: boolean;
}
