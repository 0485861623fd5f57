import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsNumberString, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageLimit } from '@calbridge/scheduling';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS, WebhookEventType, WebhookFormat } from '../webhook-events';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://hooks.example.com/calbridge' })
  @IsString()
  @MaxLength(2000)
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events: WebhookEventType[];

  @ApiPropertyOptional({ description: 'Only events of these venues (default: every venue)', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  venueIds?: string[];

  @ApiPropertyOptional({ enum: WEBHOOK_FORMATS, default: 'standard' })
  @IsOptional()
  @IsIn(WEBHOOK_FORMATS)
  format?: WebhookFormat;
}

export class ListDeliveriesQueryDto {
  @ApiPropertyOptional({ description: 'At most this many attempts, newest first (default 100)', minimum: 1, maximum: 1000 })
  @PageLimit()
  limit?: number;

  @ApiPropertyOptional({ description: '`nextCursor` of the previous page' })
  @IsOptional()
  @IsNumberString({ no_symbols: true })
  @MaxLength(19)
  cursor?: string;
}
