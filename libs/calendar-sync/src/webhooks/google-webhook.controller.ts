import { Public } from '@calbridge/core';
import { Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ChannelsService } from './channels.service';

/**
 * Google Calendar push notifications (https://developers.google.com/calendar/api/guides/push):
 * header-only POSTs naming the channel and carrying the token calbridge gave it. The first
 * message of a channel (`X-Goog-Resource-State: sync`) only says it works. Every call gets the
 * same empty 200 at once, whether it matched a channel or not (no oracle); a genuine one queues
 * a pull of the connection.
 */
@ApiTags('calendar sync')
@Controller('webhooks')
@Public()
export class GoogleWebhookController {
  constructor(private readonly channels: ChannelsService) {}

  @Post('google')
  @HttpCode(200)
  @ApiOperation({ summary: 'Google Calendar push notifications (headers only: X-Goog-Channel-ID, X-Goog-Channel-Token, X-Goog-Resource-State); always an empty 200' })
  async notify(
    @Headers('x-goog-channel-id') channelId: string | undefined,
    @Headers('x-goog-channel-token') token: string | undefined,
    @Headers('x-goog-resource-state') state: string | undefined,
  ): Promise<void> {
    if (state === 'sync' || !channelId || !token) return;
    await this.channels.notify('google', channelId, token);
  }
}
