import { ParseIdPipe, Public, RequestWithRawBody } from '@calbridge/core';
import { Controller, Headers, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CalendlyService } from './calendly.service';

@ApiTags('notifications')
@Public()
@Controller('webhooks')
export class CalendlyWebhookController {
  constructor(private readonly calendly: CalendlyService) {}

  @Post('calendly')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Calendly invitee.created / invitee.canceled → a job or its cancellation (Calendly-Webhook-Signature verified)',
  })
  @ApiQuery({ name: 'venueId', description: 'The venue the Calendly bookings belong to' })
  receive(
    @Query('venueId', ParseIdPipe) venueId: string,
    @Headers('calendly-webhook-signature') signature: string | undefined,
    @Req() req: RequestWithRawBody,
  ) {
    return this.calendly.receive(venueId, signature, req.rawBody);
  }
}
