import { Public } from '@calbridge/core';
import { Body, Controller, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ChannelSignal, ChannelsService } from './channels.service';

/** Graph lifecycle events in the engine's terms (https://learn.microsoft.com/graph/change-notifications-lifecycle-events). */
const LIFECYCLE_SIGNALS: Record<string, ChannelSignal> = {
  missed: 'missed',
  reauthorizationrequired: 'renew',
  subscriptionremoved: 'removed',
};

interface Notification {
  subscriptionId?: unknown;
  clientState?: unknown;
  lifecycleEvent?: unknown;
}

/**
 * Microsoft Graph change and lifecycle notifications
 * (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks). A subscription is
 * validated with `?validationToken=…`, echoed as text/plain. Each notification's `clientState`
 * must match the secret calbridge gave the subscription; changes queue a (deduplicated) pull,
 * `missed` a full resync, `reauthorizationRequired` a renewal, `subscriptionRemoved` a new
 * subscription. Every batch gets the same 202 at once, whatever matched (no oracle).
 */
@ApiTags('calendar sync')
@Controller('webhooks')
@Public()
export class MicrosoftWebhookController {
  constructor(private readonly channels: ChannelsService) {}

  @Post('microsoft')
  @ApiOperation({ summary: 'Microsoft Graph change and lifecycle notifications; ?validationToken= answered 200 text/plain; otherwise always 202' })
  async notify(@Query('validationToken') validationToken: unknown, @Body() body: unknown, @Res() res: Response): Promise<void> {
    if (typeof validationToken === 'string') {
      res.status(200).set('X-Content-Type-Options', 'nosniff').type('text/plain').send(validationToken);
      return;
    }
    const value = (body as { value?: unknown } | undefined)?.value;
    const seen = new Set<string>();
    const batch: Array<{ channelId: string; token: string; signal: ChannelSignal }> = [];
    for (const n of Array.isArray(value) ? (value as Notification[]) : []) {
      if (typeof n?.subscriptionId !== 'string' || typeof n.clientState !== 'string') continue;
      const signal: ChannelSignal = typeof n.lifecycleEvent === 'string' ? (LIFECYCLE_SIGNALS[n.lifecycleEvent.toLowerCase()] ?? 'changed') : 'changed';
      const once = `${n.subscriptionId}\n${n.clientState}\n${signal}`;
      if (seen.has(once)) continue;
      seen.add(once);
      batch.push({ channelId: n.subscriptionId, token: n.clientState, signal });
    }
    // One lookup for the whole batch (a body of thousands of made-up ids must not cost thousands of queries).
    if (batch.length) await this.channels.notifyMany('microsoft', batch);
    res.status(202).end();
  }
}
